"""Ask for the directory file to import (cli.md's directory format)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from vpp_tui.i18n import N_, _
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.widgets.inputs import TextField

IMPORT_COMMANDS = (
    Command("import.cancel", "escape", "cancel", N_("cancel"), N_("Close without importing"),
            key_display="esc"),
)


class ImportForm(ModalScreen[str | None]):
    BINDINGS = bindings(IMPORT_COMMANDS)

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box", classes="dialog") as box:
            box.border_title = _("Import the directory")
            yield Label(_("File (JSON or CSV, as 'vpp-tui directory import' reads it)"))
            yield TextField(placeholder=_("~/directory.json"), id="import-path")
            yield Static(_("The whole file is checked first: nothing is written if any line "
                           "is bad. Users or members missing from it have left: their "
                           "licenses can then be reclaimed. An import that would remove "
                           "more of the directory than the limit (10 % by default) asks first."),
                         classes="form-note")
            yield Static(_("esc cancel   enter import"), classes="form-note")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
