"""Yes/no questions that say exactly what will happen: y confirms, n or esc backs out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from vpp_tui.i18n import N_, _
from vpp_tui.ui.commands import Command, bindings

CONFIRM_COMMANDS = (
    Command("confirm.yes", "y", "answer(True)", N_("yes"), N_("Do it")),
    Command("confirm.no", "n,escape", "answer(False)", N_("no"), N_("Change nothing"),
            key_display="n/esc"),
)


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = bindings(CONFIRM_COMMANDS)

    def __init__(self, title: str, body: str, *, yes: str | None = None,
                 danger: bool = False, no: str | None = None) -> None:
        super().__init__(classes="confirm")
        self._title = title
        self._body = body
        self._yes = yes or _("Yes")
        self._danger = danger
        self._no = no  # the dismiss button's word, when "Cancel" would read like `yes`

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog") as box:
            box.border_title = self._title
            yield Static(self._body, id="confirm-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes} (y)", id="confirm-yes",
                             variant="error" if self._danger else "primary")
                yield Button(_("Cancel (n)") if self._no is None else f"{self._no} (n)",
                             id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")
