"""Paging, filtering and clearing a section's table at an enterprise's size (issue 13): the
statements and the cell drawing each step does are counted here, never timed."""

from __future__ import annotations

from rich.console import Console
from textual.renderables.styled import Styled
from textual.widgets import DataTable

from tests.services.test_paged_queries import statements
from tests.ui.conftest import SIZE, settle
from vpp_tui.ui.sections.catalog.section import CatalogSection
from vpp_tui.ui.sections.directory import DirectorySection


async def test_a_page_change_in_apps_counted_every_app_again(demo_app, monkeypatch):
    monkeypatch.setattr(CatalogSection, "PAGE_SIZE", 4)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        total = app.screen.row_total
        with statements(app.ctx.store) as seen:
            await pilot.press("n")
            await settle(pilot)
        assert app.screen.page_offset == 4 and app.screen.row_total == total
        assert not [s for s, _p in seen if "count(" in s.lower()]
        assert len([s for s, _p in seen if "FROM assets" in s]) == 1


async def test_a_page_change_in_directory_counted_every_user_and_the_directory(
        demo_app, monkeypatch):
    monkeypatch.setattr(DirectorySection, "PAGE_SIZE", 3)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        status = str(app.screen.query_one("#directory-status").render())
        with statements(app.ctx.store) as seen:
            await pilot.press("n")
            await settle(pilot)
        assert app.screen.offsets["users"] == 3
        assert not [s for s, _p in seen if "count(" in s.lower()]
        after = str(app.screen.query_one("#directory-status").render())
        assert after.split(" · rows")[0] == status.split(" · rows")[0]  # the counts stay


async def test_esc_read_the_unfiltered_first_page_again(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        first = [str(r.value) for r in table.rows]
        await pilot.press("slash", *"music")
        await settle(pilot)
        assert [str(r.value) for r in table.rows] != first
        with statements(app.ctx.store) as seen:
            await pilot.press("escape")
            await settle(pilot)
        assert not [s for s, _p in seen if "FROM assets" in s]
        assert [str(r.value) for r in table.rows] == first
        assert app.screen.filter_text == ""


async def test_esc_in_directory_read_the_unfiltered_users_again(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one("#directory-users", DataTable)
        first = [str(r.value) for r in table.rows]
        await pilot.press("slash", *first[0][:4])
        await settle(pilot)
        with statements(app.ctx.store) as seen:
            await pilot.press("escape")
            await settle(pilot)
        # Only the look for other processes' changes (breaker fault 11): one index read.
        assert [s for s, _params in seen if "FROM audit_entries" not in s] == []
        assert len(seen) <= 1
        assert [str(r.value) for r in table.rows] == first


async def test_a_page_shown_before_was_drawn_again_cell_by_cell(demo_app, monkeypatch):
    # Fault: DataTable keeps drawn cells per row key and table update, so every page
    # (new rows) drew each visible cell through Rich again, the same ✓ and token names too.
    monkeypatch.setattr(CatalogSection, "PAGE_SIZE", 6)
    drawn: list[int] = []
    real = Console.render_lines

    def counting(self, renderable, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if isinstance(renderable, Styled):  # how DataTable draws a cell
            drawn.append(1)
        return real(self, renderable, *args, **kwargs)

    monkeypatch.setattr(Console, "render_lines", counting)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        drawn.clear()
        await pilot.press("p")
        await settle(pilot)
        columns = len(app.screen.query_one(DataTable).columns)
        assert app.screen.page_offset == 0
        assert len(drawn) <= columns  # the header line only: every row's cells were kept
