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
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
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

    # Two of Textual's ways make the table's rows cost extra frames (issue 13: an Apps or
    # Activity first visit painted its rows, then two frames more, 16 ms apart):
    # - the rows' first page shows the vertical scrollbar: Textual learns it at the next
    #   layout, creates the scrollbar then, and the scrollbar's first size asks for one
    #   more layout, then a repaint. Here the scrollbar is shown, sized and set as the rows
    #   are added (`_update_dimensions`), so the rows' layout draws it at once;
    # - `ScrollView._size_updated` compares the container size it is given (its parent's)
    #   with its own (less its gutter): never equal, so every layout of the screen (a
    #   footer key shown, a label's new width) repainted the scrollbar a frame later. Here
    #   a layout that changed nothing of the table leaves it alone.

    _laid_out: tuple[Size, Size, Size] | None = None  # what the last layout gave

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        # The virtual size Textual passes is the table's region less its scrollbars,
        # not its own (rows × columns): ScrollView compares the two, unequal for any
        # table that scrolls. Its own is what the scrollbars follow.
        seen = (size, container_size, self.virtual_size)
        if seen == self._laid_out and size == self._size:
            return False
        self._laid_out = seen
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _update_dimensions(self, new_rows):  # noqa: ANN001, ANN202
        super()._update_dimensions(new_rows)
        if self._laid_out is None:
            return  # not laid out yet: the first layout shows what is needed
        shown = self.show_vertical_scrollbar
        self._refresh_scrollbars()
        if self.show_vertical_scrollbar and not shown:
            bar = self.vertical_scrollbar
            if not bar.size:
                # Sized as the layout will size it (its region, within the table's
                # container): its first layout then changes none of its sizes.
                container = self._laid_out[1]
                bar.set_reactive(Widget.virtual_size, container)
                bar._container_size = container  # noqa: SLF001
        self._scroll_update(self.virtual_size)
        size, container_size, _before = self._laid_out
        self._laid_out = (size, container_size, self.virtual_size)
