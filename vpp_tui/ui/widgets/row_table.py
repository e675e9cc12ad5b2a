"""The console's DataTable: Home and End go to the first and last row, not sideways.

Textual binds Home/End to `scroll_home`/`scroll_end`, which for a row cursor scroll the
table to its leftmost/rightmost column; an admin pressing End in a list expects its last
row (as Ctrl+End does). Here Home/End move the cursor to the first/last row the table
holds (a table without a cursor scrolls to its top/bottom), and End posts `EndReached`
so a list that reads its rows in steps (Tokens) can read the rest and go on to its very
last row. A list paged with n/p (Apps, Directory, Activity, Jobs…) shows one page: Home/End
go to the first/last row of that page, the page keys to the other pages.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable


class RowTable(DataTable):
    """A DataTable whose Home/End move to the first/last row (Ctrl+Home/End do too)."""

    BINDINGS = [  # noqa: RUF012 - Textual's own shape for bindings
        Binding("home", "first_row", "First row", show=False),
        Binding("end", "last_row", "Last row", show=False),
    ]

    class EndReached(Message):
        """End was pressed: the cursor is on the last row the table holds."""

        def __init__(self, table: RowTable) -> None:
            super().__init__()
            self.table = table

    def action_first_row(self) -> None:
        """Cursor on the first row (a table without a cursor: scrolled to its top)."""
        self.action_scroll_top()

    def action_last_row(self) -> None:
        """Cursor on the last row (a table without a cursor: scrolled to its bottom);
        posts `EndReached`."""
        self.action_scroll_bottom()
        self.post_message(self.EndReached(self))
