"""A DataTable for paged lists: a cell shown before, with the same text, width and styles,
is not drawn again.

Textual's DataTable caches each drawn cell under its row key and the table's update count,
so every new page (new rows, a new count) draws each visible cell again through Rich's
padding and styling: about 0.15 ms a cell, most of a page change at 20k apps (issue 13).
Most cells of a page repeat across rows and pages (a ✓, a platform list, an edition, a
version, a token's name), so `PagedTable` keeps the drawn lines of a cell by what it shows:
its text (with its spans, style, justification), the column width and the row's styles
(zebra stripe, cursor, hover). Only the mouse metadata (the cell's row and column) differs
between two such cells; it is added to the kept lines' styles, as Textual adds it first.
"""

from __future__ import annotations

from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.css.styles import RenderStyles
from textual.renderables.styled import Styled

from vpp_tui.ui.widgets.row_table import RowTable

#: how many drawn cells (by content and style) a table keeps: a few pages' worth
KEPT_CELLS = 4096

Lines = list[list[Segment]]


class _KeptStyles(RenderStyles):
    """A component's styles whose Rich style is worked out once (see `PagedTable`)."""

    kept: Style | None = None

    @property
    def rich_style(self) -> Style:
        if self.kept is None:
            self.kept = super().rich_style
        return self.kept


class PagedTable(RowTable):
    """A RowTable (Home/End: first/last row) that draws a cell once per (content, width, styles); see the module.

    Header cells, row labels, fixed rows or columns, rows taller than one line and cells
    that are not `rich.text.Text` are drawn by DataTable itself. `drawn` counts the cells
    drawn through Rich (tests read it)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._by_content: LRUCache[tuple[object, ...], Lines] = LRUCache(KEPT_CELLS)
        self.drawn = 0
        self._styles_kept: dict[tuple[object, ...], object] = {}
        self.styles_worked_out = 0

    # DataTable works out its own Rich style and a component's (header, odd and even
    # rows) for every line it draws, each by walking every ancestor's styles: a third of
    # drawing a page (issue 13). They change only when the table is restyled (its
    # `notify_style_update`), its pseudo-classes change, the CSS is reloaded (theme) or
    # the screen's classes change; until then they are kept.

    def _styles_key(self, name: str) -> tuple[object, ...]:
        return (name, self._pseudo_class_state, self.app._css_update_count,  # noqa: SLF001
                frozenset(self.screen.classes))

    def get_component_styles(self, *names: str) -> RenderStyles:
        if len(names) != 1 or not self.is_mounted:
            return super().get_component_styles(*names)
        key = self._styles_key(names[0])
        kept = self._styles_kept.get(key)
        if kept is None:
            self.styles_worked_out += 1
            kept = super().get_component_styles(*names)
            kept.__class__ = _KeptStyles
            self._styles_kept[key] = kept
        return kept  # type: ignore[return-value]

    @property
    def rich_style(self) -> Style:
        if not self.is_mounted:
            return super().rich_style
        key = self._styles_key("")
        kept = self._styles_kept.get(key)
        if kept is None:
            self.styles_worked_out += 1
            kept = self._styles_kept[key] = super().rich_style
        return kept  # type: ignore[return-value]

    def notify_style_update(self) -> None:
        self._styles_kept.clear()
        super().notify_style_update()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style,
                     width: int, cursor: bool = False, hover: bool = False) -> Lines:
        if row_index < 0 or column_index < 0 or self.fixed_rows or self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row = self.rows.get(row_key) if row_key is not None else None
        cells = self._get_row_renderables(row_index).cells
        cell = cells[column_index] if column_index < len(cells) else None
        if row is None or row.height != 1 or type(cell) is not Text:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css")
        content = (cell.plain, tuple(cell.spans), cell.style, cell.justify, cell.overflow,
                   cell.no_wrap, cell.end, cell.tab_size, width, self.cell_padding,
                   base_style, component_style, post_style)
        plain = self._by_content.get(content)
        if plain is None:
            self.drawn += 1
            plain = self.app.console.render_lines(
                Styled(Padding(cell, (0, self.cell_padding)),
                       pre_style=base_style + component_style, post_style=post_style),
                self.app.console_options.update_dimensions(width, 1).update(no_wrap=True))
            self._by_content.set(content, plain)
        meta = Style.from_meta({"row": row_index, "column": column_index})
        lines = [[Segment(text, None if style is None else style + meta, control)
                  for text, style, control in line] for line in plain]
        self._cell_render_cache[cache_key] = lines
        return lines
