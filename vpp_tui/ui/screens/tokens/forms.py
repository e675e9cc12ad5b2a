"""Small token forms: renew (a new file) and edit settings."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from vpp_tui.domain.notifications import check_notification_url, clears_notification_url
from vpp_tui.i18n import N_, _
from vpp_tui.services import tokens
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.refusals import token_settings_action
from vpp_tui.services.views import TokenView
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.refusals import shown_refusal
from vpp_tui.ui.widgets.choices import AccountTypeChoice, SpaceCheckbox
from vpp_tui.ui.widgets.inputs import TextField
from vpp_tui.ui.widgets.token_file import TokenFileField

FORM_COMMANDS = (
    Command("form.submit", "enter", "submit", N_("save"), N_("Save and close")),
    Command("form.cancel", "escape", "cancel", N_("cancel"), N_("Close without changes"),
            key_display="esc"),
)


def parse_tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class RenewScreen(ModalScreen[str | None]):
    """Asks for the new file; dismisses with its content once it decodes."""

    BINDINGS = bindings(FORM_COMMANDS)

    def __init__(self, view: TokenView) -> None:
        super().__init__(id="renew-token")
        self.view = view

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = _("Renew {name}").format(name=self.view.name)
            box.border_subtitle = _("esc cancel · enter renew")
            yield Static(_("Choose the new .vpptoken file downloaded for {location}. Apps and "
                           "assignments stay; the file must be for the same location.").format(
                location=self.view.location_name or self.view.name), classes="form-about")
            yield Label(_("Token file"))
            yield TokenFileField(id="renew-file")

    def on_mount(self) -> None:
        self.query_one(TokenFileField).input.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        field = self.query_one(TokenFileField)
        if not field.ok:
            field.demand()
            if field.raw is not None:
                self.audit_refusal(field.raw)
            return
        self.dismiss(field.content)

    @work(thread=True, exclusive=True, exit_on_error=False, group="renew-refused")
    def audit_refusal(self, raw: bytes) -> None:
        """A file that does not decode was offered for renewal: the service refuses it as
        it refuses any renewal, into the audit log; the form stays, its note says why."""
        try:
            tokens.renew_token(self.app.ctx, self.view.name, raw)  # type: ignore[attr-defined]
        except ServiceError:
            pass  # the refusal is under the field already, and now in the audit log
        self.app.call_from_thread(self.app.store_changed, "token.renew")  # type: ignore[attr-defined]

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class SettingsChange:
    country: str
    account_type: str
    auto_update: bool
    scope_tags: list[str]
    notification_url: str | None = None  # None: unchanged; "": stop notifications, clear


class EditSettingsScreen(ModalScreen[SettingsChange | None]):
    BINDINGS = bindings(FORM_COMMANDS)

    def __init__(self, view: TokenView) -> None:
        super().__init__(id="edit-token")
        self.view = view

    def compose(self) -> ComposeResult:
        v = self.view
        # wide: a URL error fits on two lines. On a short terminal the dialog scrolls and
        # an error, its last line, is scrolled into view (it was cut off below the border).
        with VerticalScroll(classes="dialog wide") as box:
            box.border_title = _("Settings of {name}").format(name=v.name)
            box.border_subtitle = _("esc cancel · enter save")
            yield Label(_("Country/region store (two letters)"))
            yield TextField(v.country, id="edit-country", max_length=2)
            yield Static(_("A new store changes app metadata and store links at the next "
                           "sync; an app missing there keeps its old metadata."),
                         classes="form-note")
            yield Label(_("Account type"))
            yield AccountTypeChoice(v.account_type, id="edit-account")
            yield SpaceCheckbox(_("Automatic app updates (space toggles)"), v.auto_update,
                                id="edit-auto")
            yield Label(_("Scope tags (comma-separated)"))
            yield TextField(", ".join(v.scope_tags), id="edit-tags")
            yield Label(_("Notification URL (empty: Apple sends none)"))
            yield TextField(v.notification_url or "", id="edit-notify")
            yield Static("", id="form-error", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#edit-country", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def _refuse(self, text: str) -> None:
        """Show why the form cannot be saved, scrolled into view."""
        error = self.query_one("#form-error", Static)
        error.update(text)
        # Once the refresh has given the error its height (one line or two).
        self.call_after_refresh(error.scroll_visible, animate=False)

    def action_submit(self) -> None:
        country = self.query_one("#edit-country", Input).value.strip().upper()
        if len(country) != 2 or not country.isalpha():
            text = _("Country must be a two-letter store code like US or FR.")
            shown_refusal(self, "token.set", self.view.name, ValueError(text))
            self._refuse(text)
            return
        url = self.query_one("#edit-notify", Input).value.strip()
        if url == (self.view.notification_url or ""):
            url_change = None  # unchanged: Apple is not asked again
        elif clears_notification_url(url):
            url_change = ""
        else:
            try:
                url_change = check_notification_url(url)  # the rule `token set` applies
            except ValueError as exc:
                shown_refusal(self, token_settings_action(url), self.view.name, exc)
                self._refuse(str(exc))
                return
        self.dismiss(SettingsChange(
            country=country,
            account_type=self.query_one(AccountTypeChoice).value,
            auto_update=self.query_one("#edit-auto", SpaceCheckbox).value,
            scope_tags=parse_tags(self.query_one("#edit-tags", Input).value),
            notification_url=url_change,
        ))

    def action_cancel(self) -> None:
        self.dismiss(None)
