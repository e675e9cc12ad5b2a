"""Apps and eBooks at an enterprise's size (issue 13: a first visit 280 ms, a page 170 ms
at 21k apps; target 150 ms): the work a visit or a page does is counted, never timed."""

from __future__ import annotations

import subprocess
import sys

from rich.text import Text
from textual.widgets import DataTable, Label
from textual.widgets._data_table import default_cell_formatter

from tests.ui.conftest import SIZE, settle
from vpp_tui.ui.sections.catalog import section as catalog_section
from vpp_tui.ui.sections.catalog.rows import phrase_lines
from vpp_tui.ui.widgets import table as table_rows


def test_a_first_visit_to_apps_imported_the_chart_library():
    # Fault: the section imported its details screen, whose usage chart brings plotext:
    # 110 ms of the first visit; it is imported when an item's details first open.
    code = ("import sys, vpp_tui.ui.sections.apps, vpp_tui.ui.sections.ebooks; "
            "print(sorted(n for n in ('plotext', 'vpp_tui.ui.screens.asset_details', "
            "'vpp_tui.ui.screens.assign_form') if n in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


async def test_a_page_of_apps_held_more_rows_than_a_screen(demo_app, monkeypatch):
    # Fault: a page was 200 rows whatever the terminal: each was prepared, measured and
    # added to the table, though a screen shows about 30.
    monkeypatch.setattr(catalog_section, "MIN_PAGE", 5, raising=False)
    app = demo_app()
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 20
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.page_offset == 20
        assert app.screen.query_one(DataTable).row_count == 11  # the demo's 31 apps


async def test_a_page_fill_updated_the_table_once_per_row(demo_app):
    # Fault: each row went through DataTable.add_row: a cursor check, an update count and
    # an idle check per row (200 a page); now once per page.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        before = table._update_count
        await pilot.press("o")  # another sort: the same rows in another order, refilled
        await settle(pilot)
        assert table.row_count > 10
        assert table._update_count - before <= 3


async def test_a_page_update_measured_its_cells_twice(demo_app, monkeypatch):
    # Fault: `update` measured every cell to see whether the rows fit, then `fill`
    # measured them all again.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        calls = []
        real = table_rows.widths
        monkeypatch.setattr(table_rows, "widths",
                            lambda *a, **k: (calls.append(1), real(*a, **k))[1])
        await pilot.press("o")  # another sort: the same rows in another order, refilled
        await settle(pilot)
        assert calls == [1]


def test_a_cell_without_markup_reads_as_the_datatable_reads_it(monkeypatch):
    parsed = []
    monkeypatch.setattr(table_rows, "default_cell_formatter",
                        lambda v, **k: (parsed.append(v), default_cell_formatter(v, **k))[1])
    for value in ("Anatomy 4D", "", "a [b]bold[/b] c", "smile :smile:", "two\nlines", 7,
                  Text("x", style="red")):
        cell = table_rows.as_cell(value)
        expected = default_cell_formatter(value, wrap=False, height=1)
        assert type(cell) is type(expected)
        if isinstance(cell, Text):
            assert (cell.plain, cell.spans, cell.style, cell.end, cell.no_wrap,
                    cell.justify) == (expected.plain, expected.spans, expected.style,
                                      expected.end, expected.no_wrap, expected.justify)
    # Fault: every string was parsed as markup (its emoji and tags looked up), a third of
    # preparing a page.
    assert "Anatomy 4D" not in parsed


async def test_a_first_visit_restyled_every_widget_on_its_first_resize(demo_app):
    # Fault: Textual gives a new screen its breakpoint classes ("-wide", "-tall") on its
    # first resize, after its widgets were styled: every widget was styled again.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        restyled = []
        real = app.update_styles
        app.update_styles = lambda node=None, animate=True: (
            restyled.append(node), real(node, animate))[1]
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.has_class("-wide") and app.screen.has_class("-tall")
        assert app.screen not in restyled


def test_phrase_lines_break_between_phrases():
    text = "Apps · rows 1–31 of 31 · sorted by name"
    assert phrase_lines(text, 80) == text
    assert phrase_lines(text, 38) == "Apps · rows 1–31 of 31\n· sorted by name"
    assert phrase_lines(text, 5) == "Apps\n· rows 1–31 of 31\n· sorted by name"


async def test_the_apps_count_wrapped_inside_a_phrase_at_80_columns(demo_app):
    # Fault: at 80 columns the count wrapped between "sorted by" and "name".
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        shown = str(app.screen.query_one("#catalog-count", Label).render())
        assert shown.splitlines() == ["Apps · rows 1–31 of 31", "· sorted by name"]
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        shown = str(app.screen.query_one("#catalog-count", Label).render())
        assert shown == "Apps · rows 1–31 of 31 · sorted by name"


async def test_each_line_of_a_page_walked_every_ancestor_for_its_styles(demo_app, monkeypatch):
    # Fault: DataTable works out its own Rich style and its row and header styles for
    # every line it draws, each by walking every ancestor's styles (a third of a page).
    from textual.dom import DOMNode

    walked = []
    real = DOMNode.rich_style
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        monkeypatch.setattr(DOMNode, "rich_style", property(
            lambda node: (walked.append(node), real.fget(node))[1]))
        await pilot.press("o")  # another sort: every row drawn again
        await settle(pilot)
        assert table.row_count > 20
        assert len(walked) < 20
