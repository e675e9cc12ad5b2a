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
from typing import TypeVar

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter

Row = tuple[str, Sequence[object]]  # (key, cells)


T = TypeVar("T")


def as_cell(value: object) -> object:
    """`value` as a one-line DataTable cell shows it: a string parsed as markup (and cut at
    its first line), a number as its text, a Rich renderable as it is."""
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


def _fill(table: DataTable, rows: list[Row], cap: int) -> None:
    keys = [key for key, _cells in rows]
    current = [str(r.value) for r in table.rows]
    selected = (current[table.cursor_row]
                if current and 0 <= table.cursor_row < len(current) else None)
    table.clear()
    for column, width in zip(table.columns.values(), widths(table, rows, cap), strict=True):
        column.auto_width = False
        column.width = width
    for key, cells in rows:
        table.add_row(*cells, key=key)
    # Every width is fixed above: what the table would measure of the new rows on its next
    # idle (each cell rendered to find its width) decides nothing. Its size is still set.
    table._new_rows.clear()  # noqa: SLF001
    if selected in keys:
        table.move_cursor(row=keys.index(selected), animate=False)


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
    fits = all(w <= c.width for w, c in zip(widths(table, prepared, cap),
                                            table.columns.values(), strict=True))
    if current != [key for key, _cells in prepared] or not fits:
        _fill(table, prepared, cap)
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
