"""Activity: the audit log, newest first, paged in SQL (rows X–Y of N)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import settings


async def test_audit_log_pages_newest_first(make_app, ctx):
    for value in range(150):
        settings.set_setting(ctx, "sync_interval_hours", value + 1)
        ctx.clock.advance(1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        status = app.screen.query_one("#activity-status", Static)
        table = app.screen.query_one(DataTable)
        assert "rows 1–100 of 150" in str(status.render())
        assert str(table.get_row_at(0)[5]) == "149 → 150"
        await pilot.press("n")
        await settle(pilot)
        assert "rows 101–150 of 150" in str(status.render())
        assert str(table.get_row_at(0)[5]) == "49 → 50"
        await pilot.press("n")  # no older page: nothing changes
        await settle(pilot)
        assert "rows 101–150 of 150" in str(status.render())
        await pilot.press("p")
        await settle(pilot)
        assert "rows 1–100 of 150" in str(status.render())


async def test_refresh_shows_entries_written_since(make_app, ctx):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 0
        settings.set_setting(ctx, "sync_interval_hours", 6)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 1
