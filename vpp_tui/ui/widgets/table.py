"""Filling a DataTable after it has been shown, with widths that are right at once.

A DataTable measures rows added after its first paint only on its next idle, and lines
it painted in between stay cached at header width until something else changes. So the
console measures the cells itself and fixes each column's width before adding rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rich.text import Text
from textual.widgets import DataTable

Row = tuple[str, Sequence[object]]  # (key, cells)


T = TypeVar("T")


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


def fill(table: DataTable, rows: Sequence[Row], *, cap: int = 60) -> None:
    """Replace every row, keeping the cursor on the same key when it is still there."""
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
    if selected in keys:
        table.move_cursor(row=keys.index(selected), animate=False)


def update(table: DataTable, rows: Sequence[Row], column_keys: Sequence[str],
           *, cap: int = 60) -> None:
    """Refresh by diff: same rows in the same order and nothing wider than its column →
    only changed cells repaint and the selection stays; otherwise `fill`."""
    current = [str(r.value) for r in table.rows]
    fits = all(w <= c.width for w, c in zip(widths(table, rows, cap), table.columns.values(),
                                            strict=True))
    if current != [key for key, _cells in rows] or not fits:
        fill(table, rows, cap=cap)
        return
    for key, cells in rows:
        for column, value in zip(column_keys, cells, strict=True):
            if str(table.get_cell(key, column)) != str(value):
                table.update_cell(key, column, value)


def row_under_cursor(table: DataTable, views: Sequence[T]) -> T | None:
    """The view shown on the cursor's row; None for an empty table."""
    if not views or table.row_count == 0:
        return None
    return views[min(table.cursor_row, len(views) - 1)]
