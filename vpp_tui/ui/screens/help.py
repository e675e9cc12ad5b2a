"""Help for the current screen: its keys, read from the same registry as the footer."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from vpp_tui.domain.text import cells
from vpp_tui.i18n import N_, _
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.widgets.row_table import RowTable

HELP_COMMANDS = (
    Command("help.close", "escape,f1,question_mark", "dismiss", N_("close"),
            N_("Close help"), key_display="esc"),
)


def _keys(command: Command, keymap: dict[str, str]) -> str:
    keys = keymap.get(command.id, command.key)
    names = {"question_mark": "?", "delete": "del", "escape": "esc", "slash": "/"}
    return " ".join(names.get(k, k) for k in keys.split(","))


class HelpScreen(ModalScreen[None]):
    """Lists the screen's own commands, then the keys that work everywhere."""

    BINDINGS = bindings(HELP_COMMANDS)

    def __init__(self, title: str, about: str, screen_commands: Iterable[Command],
                 global_commands: Iterable[Command], keymap: dict[str, str]) -> None:
        super().__init__(id="help-screen")
        self._title = title
        self._about = about
        self._screen_commands = list(screen_commands)
        self._global_commands = list(global_commands)
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = _("Help · {screen}").format(screen=self._title)
            box.border_subtitle = _("esc close")
            yield Static(self._about, id="help-about")
            yield RowTable(id="help-keys", cursor_type="none", show_cursor=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        groups = [(heading, commands) for heading, commands in (
            (_("This screen"), self._screen_commands),
            (_("Everywhere"), self._global_commands)) if commands]
        every = [c for _heading, commands in groups for c in commands]
        key_width = max([cells(_keys(c, self._keymap)) for c in every] + [cells(_("Key"))])
        label_width = max([cells(c.label) for c in every]
                          + [cells(h) for h, _c in groups] + [cells(_("Command"))])
        table.add_column(_("Key"), width=key_width)
        table.add_column(_("Command"), width=label_width)
        # Descriptions wrap to what is left of the box, so none is cut on a small terminal.
        table.add_column(_("What it does"), width=self._description_width(
            key_width, label_width))
        for heading, commands in groups:
            table.add_row("", Text(heading, style="bold"), "")
            for command in commands:
                table.add_row(_keys(command, self._keymap), command.label,
                              Text(command.help, overflow="fold"), height=None)

    def _description_width(self, key_width: int, label_width: int) -> int:
        """Columns left for descriptions: the box is 100 wide or 95% of the terminal, less
        its border and padding, three cell paddings and the scrollbar."""
        box = min(100, self.app.size.width * 95 // 100)
        return max(box - 2 - 4 - key_width - label_width - 6 - 2, 20)
