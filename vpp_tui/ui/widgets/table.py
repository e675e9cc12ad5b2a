"""Filling a DataTable after it has been shown, with widths that are right at once.

A DataTable measures rows added after its first paint only on its next idle, and lines
it painted in between stay cached at header width until something else changes. So the
console measures the cells itself and fixes each column's width before adding rows.

At 20k apps a page is 200 rows of ten cells (issue 13), so each cell is prepared once:
a string is parsed as markup here, as the DataTable would (`default_cell_formatter`), and
the table gets the parsed text, so it neither parses it again on every render nor
measures it again: the widths are fixed here, and a table whose every column has a fixed
width skips its own measuring of new rows (`fill`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest
from typing import TypeVar

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._data_table import DuplicateKey, RowKey, default_cell_formatter
from textual.widgets._data_table import Row as TableRow

Row = tuple[str, Sequence[object]]  # (key, cells)


T = TypeVar("T")


def as_cell(value: object) -> object:
    """`value` as a one-line DataTable cell shows it: a string parsed as markup (and cut at
    its first line), a number as its text, a Rich renderable as it is."""
    if type(value) is str and "[" not in value and ":" not in value and "\n" not in value:
        # Nothing to parse (no markup tag, no :emoji:, one line): what markup parsing
        # returns for it, without its look-ups (a third of preparing a page, issue 13).
        return Text(value, end="", no_wrap=True)
    return default_cell_formatter(value, wrap=False, height=1)


def cell_width(value: object) -> int:
    if isinstance(value, Text):
        return value.cell_len
    return Text.from_markup(value).cell_len if isinstance(value, str) else len(str(value))


def widths(table: DataTable, rows: Sequence[Row], cap: int = 60) -> list[int]:
    columns = list(table.columns.values())
    result = [Text.from_markup(str(c.label)).cell_len for c in columns]
    for _key, cells in rows:
        for index, value in enumerate(cells):
            result[index] = max(result[index], min(cell_width(value), cap))
    return result


def _prepared(rows: Sequence[Row]) -> list[Row]:
    return [(key, [as_cell(value) for value in cells]) for key, cells in rows]


def fill(table: DataTable, rows: Sequence[Row], *, cap: int = 60) -> None:
    """Replace every row, keeping the cursor on the same key when it is still there."""
    _fill(table, _prepared(rows), cap)


def _fill(table: DataTable, rows: list[Row], cap: int,
          measured: list[int] | None = None) -> None:
    keys = [key for key, _cells in rows]
    current = [str(r.value) for r in table.rows]
    selected = (current[table.cursor_row]
                if current and 0 <= table.cursor_row < len(current) else None)
    table.clear()
    for column, width in zip(table.columns.values(), measured or widths(table, rows, cap),
                             strict=True):
        column.auto_width = False
        column.width = width
    add_rows(table, rows)
    if selected in keys:
        table.move_cursor(row=keys.index(selected), animate=False)


def add_rows(table: DataTable, rows: Sequence[Row]) -> None:
    """Append one-line rows of prepared cells (`as_cell`) to a table whose every column
    width is fixed: what `DataTable.add_row` does for each row (raises `DuplicateKey` as it
    does), with its per-row bookkeeping (cursor, update count, idle check) done once.

    Every width is fixed: what the table would measure of the new rows on its next idle
    (each cell rendered to find its width) decides nothing, so the rows are not queued for
    it (`_new_rows`); the table's size is still recomputed."""
    if not rows:
        return
    ordered = [column.key for column in table.ordered_columns]
    locations, data, shown = table._row_locations, table._data, table.rows  # noqa: SLF001
    start = table.row_count
    for index, (key, cells) in enumerate(rows, start):
        row_key = RowKey(key)
        if row_key in locations:
            raise DuplicateKey(f"The row key {row_key!r} already exists.")
        if len(cells) > len(ordered):
            raise ValueError("More values provided than there are columns.")
        locations[row_key] = index
        data[row_key] = dict(zip_longest(ordered, cells))
        shown[row_key] = TableRow(row_key, 1, None, False)
    table._require_update_dimensions = True  # noqa: SLF001
    table.cursor_coordinate = table.cursor_coordinate
    if start == 0 and ordered and table.show_cursor and table.cursor_type != "none":
        table._highlight_cursor()  # noqa: SLF001 - a row to highlight now, as add_row does
    table._update_count += 1  # noqa: SLF001
    table.check_idle()


def _same(shown: object, value: object) -> bool:
    if isinstance(shown, Text) and isinstance(value, Text):
        return (shown.plain == value.plain and shown.style == value.style
                and shown.spans == value.spans and shown.justify == value.justify)
    return str(shown) == str(value)


def update(table: DataTable, rows: Sequence[Row], column_keys: Sequence[str],
           *, cap: int = 60) -> None:
    """Refresh by diff: same rows in the same order and nothing wider than its column →
    only changed cells repaint and the selection stays; otherwise `fill`."""
    prepared = _prepared(rows)
    current = [str(r.value) for r in table.rows]
    measured = widths(table, prepared, cap)
    fits = all(w <= c.width for w, c in zip(measured, table.columns.values(), strict=True))
    if current != [key for key, _cells in prepared] or not fits:
        _fill(table, prepared, cap, measured)
        return
    for key, cells in prepared:
        for column, value in zip(column_keys, cells, strict=True):
            if not _same(table.get_cell(key, column), value):
                table.update_cell(key, column, value)


def row_under_cursor(table: DataTable, views: Sequence[T]) -> T | None:
    """The view shown on the cursor's row; None for an empty table."""
    if not views or table.row_count == 0:
        return None
    return views[min(table.cursor_row, len(views) - 1)]
