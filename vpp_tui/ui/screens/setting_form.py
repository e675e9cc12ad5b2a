"""Edit one setting: type a value, read its effect (the same preview as `vpp-tui settings
set`, computed in a worker as you type), then save (audited) or cancel."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from vpp_tui.domain.settings import spec_of
from vpp_tui.i18n import N_, _
from vpp_tui.services import settings
from vpp_tui.services.access import AccessDenied
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.settings.preview import SettingPreview, preview
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.refusals import refusal_of, shown_refusal
from vpp_tui.ui.widgets.inputs import TextField

FORM_COMMANDS = (
    Command("setting.cancel", "escape", "cancel", N_("cancel"), N_("Close without saving"),
            key_display="esc"),
)


@dataclass
class PreviewReady(Message):
    text: str  # what the preview worker read
    shown: SettingPreview | None
    problem: str | None


@dataclass
class SaveRefused(Message):
    problem: str


class SettingForm(ModalScreen["settings.SettingChange | None"]):
    """Dismissed with the SettingChange saved, or None (cancelled)."""

    BINDINGS = bindings(FORM_COMMANDS)

    def __init__(self, view: settings.SettingView) -> None:
        super().__init__()
        self.view = view
        self.spec = spec_of(view.key)

    @property
    def ctx(self):  # noqa: ANN201
        return self.app.ctx  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        title = self.view.key if self.view.item is None else \
            f"{self.view.key} ({self.view.item})"
        with Vertical(id="setting-box", classes="dialog wide") as box:
            box.border_title = _("Setting {key}").format(key=title)
            yield Static(_(self.spec.description), classes="form-about")
            yield Label(_("Value ({allowed}; default {default})").format(
                allowed=self.spec.allowed(), default=self.spec.show(self.spec.default)))
            yield TextField(value=self.spec.show(self.view.value), id="setting-value")
            yield Static("", id="setting-problem", classes="form-note")
            yield Static(_("Effect: …"), id="setting-preview", classes="form-note")
            yield Static(_("esc cancel   enter save (audited)"), classes="form-note")

    def on_mount(self) -> None:
        self.compute(self.query_one("#setting-value", Input).value)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.compute(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="setting-preview")
    def compute(self, text: str) -> None:
        """The effect of `text`, from `services.settings.preview.preview`."""
        try:
            shown = preview(self.ctx, self.view.key, text, self.view.item)
        except (ServiceError, AccessDenied) as exc:
            self.post_message(PreviewReady(text, None, str(exc)))
            return
        self.post_message(PreviewReady(text, shown, None))

    @on(PreviewReady)
    def _show(self, message: PreviewReady) -> None:
        if message.text != self.query_one("#setting-value", Input).value:
            return  # typed on since: a newer preview is coming
        self.query_one("#setting-problem", Static).update(
            _("✗ {problem}").format(problem=message.problem) if message.problem else "")
        body = "\n".join(message.shown.lines) if message.shown else "—"
        self.query_one("#setting-preview", Static).update(
            _("Effect: {lines}").format(lines=body))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.save(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="setting-save")
    def save(self, text: str) -> None:
        """Save `text`; a refused value or permission stays in the form as one line."""
        try:
            change = settings.set_setting(self.ctx, self.view.key, text, item=self.view.item)
        except (ServiceError, AccessDenied) as exc:
            if refusal_of(exc) is not None:  # audited as `settings set` audits it
                shown_refusal(self, "setting.set", self.view.key, exc)
            self.post_message(SaveRefused(str(exc)))
            return
        self.app.call_from_thread(self.dismiss, change)

    @on(SaveRefused)
    def _refused(self, message: SaveRefused) -> None:
        self.query_one("#setting-problem", Static).update(
            _("✗ not saved: {problem}").format(problem=message.problem))

    def action_cancel(self) -> None:
        self.dismiss(None)
