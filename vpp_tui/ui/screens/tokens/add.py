"""Add token: a 4-step wizard — 1 Basics, 2 Settings, 3 Scope tags, 4 Review + create.

Each step checks its own fields before moving on and shows errors under the
field. Leaving step 1 runs the token file through admission (`tokens.check_file`, in a
worker: it asks Apple): a file Apple refuses or an expired one stays on step 1 with the
same message `token add` gives, under the file field. Creating claims the location and
stores the token, also in a worker; a refusal then (duplicate name or file, Apple's
answer) stays on the review step.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, Input, Label, Static

from vpp_tui.domain.text import cells, pad_cells
from vpp_tui.i18n import N_, _, ngettext
from vpp_tui.services import tokens
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.services.views import TokenFilePreview, TokenView
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.format import day
from vpp_tui.ui.refusals import refusal_of, shown_refusal
from vpp_tui.ui.screens.tokens.forms import parse_tags
from vpp_tui.ui.widgets.choices import AccountTypeChoice, SpaceCheckbox
from vpp_tui.ui.widgets.inputs import TextField
from vpp_tui.ui.widgets.token_file import TokenFileField

WIZARD_COMMANDS = (
    Command("wizard.next", "enter", "next", N_("next"), N_("Check this step and go on")),
    Command("wizard.back", "ctrl+b", "back", N_("back"), N_("Go back one step")),
    Command("wizard.cancel", "escape", "cancel", N_("cancel"), N_("Close without adding"),
            key_display="esc"),
)


def step_titles() -> tuple[str, ...]:
    return (_("Basics"), _("Settings"), _("Scope tags"), _("Review"))


@dataclass
class TokenAdded(Message):
    view: TokenView


@dataclass
class AddRefused(Message):
    text: str


@dataclass
class FileChecked(Message):
    """Admission's answer for the file of step 1: a preview, or why it is refused."""

    content: bytes | str
    preview: TokenFilePreview | None
    refusal: str | None
    file_fault: bool = True  # False: Apple could not be asked; enter tries again


class AddTokenWizard(ModalScreen[TokenView | None]):
    BINDINGS = bindings(WIZARD_COMMANDS)

    def __init__(self) -> None:
        super().__init__(id="add-token")
        self.step = 1
        self.creating = False
        self.checking = False

    def compose(self) -> ComposeResult:
        with Vertical(id="wizard-box", classes="dialog wide") as box:
            box.border_title = _("Add token")
            yield Static("", id="wizard-steps")
            with ContentSwitcher(initial="step-1", id="wizard-steps-body"):
                with Vertical(id="step-1", classes="step"):
                    yield Label(_("Name"))
                    yield TextField(placeholder=_("e.g. North Campus"), id="new-name")
                    yield Static("", id="err-name", classes="form-error")
                    yield Label(_("Apple ID (a Managed Apple ID)"))
                    yield TextField(placeholder="vpp-admin@appleid.example.edu", id="new-apple-id")
                    yield Static("", id="err-apple-id", classes="form-error")
                    yield Label(_("Token file"))
                    yield TokenFileField(id="new-file")
                with Vertical(id="step-2", classes="step"):
                    yield SpaceCheckbox(_("Take control from another MDM if one holds it"),
                                        False, id="new-take-control")
                    yield Label(_("Country/region store (two letters)"))
                    yield TextField("US", id="new-country", max_length=2)
                    yield Static("", id="err-country", classes="form-error")
                    yield Label(_("Account type"))
                    yield AccountTypeChoice("business", id="new-account")
                    yield SpaceCheckbox(_("Automatic app updates"), False, id="new-auto")
                    yield SpaceCheckbox(_("I agree to send user and device data to Apple "
                                          "(required)"), False, id="new-consent")
                    yield Static("", id="err-consent", classes="form-error")
                with Vertical(id="step-3", classes="step"):
                    yield Label(_("Scope tags (comma-separated; empty means every admin)"))
                    yield TextField(placeholder=_("e.g. North, Schools"), id="new-tags")
                    yield Static(_("Scope tags limit which admins see and change this token "
                                   "and its apps."), classes="form-note")
                with Vertical(id="step-4", classes="step"):
                    yield Static("", id="review")
            yield Static("", id="wizard-error", classes="form-error")
            yield Static(_("esc cancel   ctrl+b back   space toggles   enter next"),
                         id="wizard-keys", classes="form-note")

    def on_mount(self) -> None:
        self._show_step()

    # Steps ------------------------------------------------------------------

    def _show_step(self) -> None:
        pieces: list[Content | str] = []
        for number, title in enumerate(step_titles(), start=1):
            if number > 1:
                pieces.append(" › ")
            label = f"{number} {title}"
            pieces.append(Content.styled(f" {label} ", "bold reverse $accent")
                          if number == self.step else Content.styled(label, "dim"))
        self.query_one("#wizard-steps", Static).update(Content.assemble(*pieces))
        self.query_one(ContentSwitcher).current = f"step-{self.step}"
        self.query_one("#wizard-error", Static).update("")
        last = self.step == 4
        self.query_one("#wizard-keys", Static).update(
            _("esc cancel   ctrl+b back   enter create") if last else
            _("esc cancel   ctrl+b back   space toggles   enter next"))
        if last:
            self.query_one("#review", Static).update(self._review())
        first = {1: "#new-name", 2: "#new-take-control", 3: "#new-tags"}.get(self.step)
        if first:
            self.query_one(first).focus()
        else:
            self.set_focus(None)

    def _error(self, widget_id: str, text: str) -> bool:
        self.query_one(f"#{widget_id}", Static).update(text)
        return not text

    def _step_ok(self) -> bool:
        if self.step == 1:
            name = self.query_one("#new-name", Input).value.strip()
            apple_id = self.query_one("#new-apple-id", Input).value.strip()
            ok = self._error("err-name", "" if name else _("Give the token a name."))
            ok &= self._error("err-apple-id", "" if "@" in apple_id and "." in apple_id
                              else _("Enter the Managed Apple ID that downloaded the token."))
            file = self.query_one(TokenFileField)
            if not file.ok:
                file.demand()
                ok = False
            return ok
        if self.step == 2:
            country = self.query_one("#new-country", Input).value.strip()
            ok = self._error("err-country", "" if len(country) == 2 and country.isalpha()
                             else _("Two letters, like US or FR."))
            consent = self.query_one("#new-consent", SpaceCheckbox).value
            ok &= self._error("err-consent", "" if consent else _(
                "Apple needs this consent: without it no license can be assigned."))
            return ok
        return True

    def new_token(self) -> tokens.NewToken:
        file = self.query_one(TokenFileField)
        return tokens.NewToken(
            name=self.query_one("#new-name", Input).value.strip(),
            apple_id=self.query_one("#new-apple-id", Input).value.strip(),
            content=file.content or "",
            consent=self.query_one("#new-consent", SpaceCheckbox).value,
            country=self.query_one("#new-country", Input).value.strip().upper(),
            account_type=self.query_one(AccountTypeChoice).value,
            auto_update=self.query_one("#new-auto", SpaceCheckbox).value,
            take_control=self.query_one("#new-take-control", SpaceCheckbox).value,
            scope_tags=parse_tags(self.query_one("#new-tags", Input).value),
        )

    def _review(self) -> str:
        new = self.new_token()
        preview = self.query_one(TokenFileField).preview
        yes, no = _("yes"), _("no")
        rows = [
            (_("Name"), new.name),
            (_("Apple ID"), new.apple_id),
            (_("Organisation"), preview.org_name if preview else "?"),
            (_("Location"), self._location(preview)),
            (_("Expires"), "{date} ({days})".format(
                date=day(preview.expires_at), days=ngettext(
                    "{n} day", "{n} days", preview.days_left).format(n=preview.days_left))
             if preview else "?"),
            (_("Take control"), yes if new.take_control else no),
            (_("Country/region"), new.country),
            (_("Account type"), {"business": _("business"), "education": _("education")}.get(
                new.account_type, new.account_type)),
            (_("Automatic updates"), yes if new.auto_update else no),
            (_("Consent"), yes if new.consent else no),
            (_("Scope tags"), ", ".join(new.scope_tags) or _("none (every admin)")),
        ]
        width = max(cells(label) for label, _v in rows) + 2
        lines = [f"{pad_cells(label, width)}{value}" for label, value in rows]
        lines += ["", _("Creating claims the location (or records the MDM that holds it), "
                        "then stores the token encrypted. Nothing is synced until you press s.")]
        return "\n".join(lines)

    @staticmethod
    def _location(preview: TokenFilePreview | None) -> str:
        if preview is None or not preview.location_name:
            return "?"
        if preview.held_by:
            return _("{location} (held by {mdm})").format(location=preview.location_name,
                                                          mdm=preview.held_by)
        return preview.location_name

    # Keys -------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    def action_next(self) -> None:
        if self.creating or self.checking or not self._step_ok():
            return
        if self.step == 1:
            self.checking = True
            self.query_one("#wizard-error", Static).update(_("Checking the token file with "
                                                             "Apple…"))
            file = self.query_one(TokenFileField)
            self.check(file.content or b"", self.query_one("#new-name", Input).value.strip())
            return
        if self.step < 4:
            self.step += 1
            self._show_step()
            return
        self.creating = True
        self.query_one("#wizard-error", Static).update(_("Creating… asking Apple"))
        self.create(self.new_token())

    @work(thread=True, exclusive=True, exit_on_error=False, group="check-file")
    def check(self, content: bytes | str, name: str) -> None:
        try:
            preview = tokens.check_file(self.app.ctx, content, name=name)  # type: ignore[attr-defined]
        except (InvalidInput, tokens.TokenRefused) as exc:
            self.post_message(FileChecked(content, None, exc.message))
        except ServiceError as exc:
            self.post_message(FileChecked(content, None, exc.message, file_fault=False))
        except Exception as exc:  # noqa: BLE001 - any failure must leave the wizard usable
            self.post_message(FileChecked(content, None, f"{type(exc).__name__}: {exc}",
                                          file_fault=False))
        else:
            self.post_message(FileChecked(content, preview, None))

    @on(FileChecked)
    def _checked(self, message: FileChecked) -> None:
        self.checking = False
        file = self.query_one(TokenFileField)
        if self.step != 1 or file.content != message.content:
            return  # the admin chose another file meanwhile: its own check will run
        if message.refusal is None and message.preview is not None:
            file.admitted(message.preview)
            self.step = 2
            self._show_step()
        elif message.file_fault:
            self.query_one("#wizard-error", Static).update("")
            file.refuse(message.refusal or "")
        else:
            self.query_one("#wizard-error", Static).update("✗ " + (message.refusal or ""))

    def action_back(self) -> None:
        if self.step > 1 and not self.creating and not self.checking:
            self.step -= 1
            self._show_step()

    def action_cancel(self) -> None:
        if not self.creating:
            self.dismiss(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="add-token")
    def create(self, new: tokens.NewToken) -> None:
        try:
            view = tokens.add_token(self.app.ctx, new)  # type: ignore[attr-defined]
        except ServiceError as exc:
            if refusal_of(exc) is not None:  # as `token add` audits it
                shown_refusal(self, "token.add", new.name, exc)
            self.post_message(AddRefused(str(exc)))
        except Exception as exc:  # noqa: BLE001 - any failure must leave the wizard usable
            self.post_message(AddRefused(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(TokenAdded(view))

    @on(AddRefused)
    def _refused(self, message: AddRefused) -> None:
        self.creating = False
        self.query_one("#wizard-error", Static).update("✗ " + message.text)

    @on(TokenAdded)
    def _added(self, message: TokenAdded) -> None:
        self.dismiss(message.view)
