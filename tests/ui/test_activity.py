"""Activity: the audit log, newest first, paged in SQL (rows X–Y of N)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import audit, settings
from vpp_tui.ui.screens.audit_entry import AuditEntryScreen
from vpp_tui.ui.sections.activity import COLUMNS

DETAIL = COLUMNS.index("detail")


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
        assert str(table.get_row_at(0)[DETAIL]) == "149 → 150"
        await pilot.press("n")
        await settle(pilot)
        assert "rows 101–150 of 150" in str(status.render())
        assert str(table.get_row_at(0)[DETAIL]) == "49 → 50"
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


def seed_event_entries(ctx) -> None:  # noqa: ANN001
    """Entries an Apple call and a long, multi-line failure left, between plain ones."""
    with ctx.store.session() as session:
        audit.record(session, ctx, "license.assign", "Map a%z · North Campus",
                     detail="3 users licensed", apple_event_id="9f1c2e40-5b7a-4c1e-9d3f-2a6b8c0d1e2f")
        audit.record(session, ctx, "license.assign", "Map abz · North Campus",
                     detail="2 users licensed", apple_event_id="77aa0001-0c1d-4e2f-8a3b-4c5d6e7f8091")
    long = "Apple refused [b]2[/b] of 3 users:\n" + "\n".join(
        f"user{i}@contoso.com: 9610 license not found" for i in range(3))
    audit.record_failure(ctx, "license.revoke", "Code Garden · North Campus", long)


async def test_activity_shows_apples_event_id(make_app, ctx):
    seed_event_entries(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        events = [str(table.get_row_at(i)[COLUMNS.index("event")])
                  for i in range(table.row_count)]
        assert events == ["", "77aa0001…", "9f1c2e40…"]


async def test_enter_shows_the_whole_entry_with_its_text_escaped(make_app, ctx):
    seed_event_entries(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        cell = table.get_row_at(0)[DETAIL]
        assert isinstance(cell, Text) and cell.plain.startswith("Apple refused [b]2[/b]")
        assert cell.plain.endswith("…")  # cut to the screen; Enter shows it whole
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditEntryScreen)
        shown = str(app.screen.query_one("#entry-fields", Static).render())
        assert "Apple refused [b]2[/b] of 3 users:" in shown  # literal, not bold markup
        assert "user2@contoso.com: 9610 license not found" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AuditEntryScreen)


async def test_activity_filter_is_literal_text_paged_in_sql(make_app, ctx):
    for value in range(1, 121):
        settings.set_setting(ctx, "sync_interval_hours", value)
    seed_event_entries(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        status = app.screen.query_one("#activity-status", Static)
        assert "rows 1–100 of 123" in str(status.render())
        await pilot.press("slash", *"a%z")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and "rows 1–1 of 1" in str(status.render())
        assert str(table.get_row_at(0)[COLUMNS.index("target")]) == "Map a%z · North Campus"
        await pilot.press("enter")  # back to the table
        await pilot.press("escape")
        await settle(pilot)
        assert "rows 1–100 of 123" in str(status.render())
        await pilot.press("slash", *"4E2F-8A3B")  # inside an Apple eventId, any case
        await settle(pilot)
        assert table.row_count == 1
        assert app.screen.selected.apple_event_id == "77aa0001-0c1d-4e2f-8a3b-4c5d6e7f8091"


async def test_activity_status_counts_the_jobs_workers_have_queued_and_running(make_app, ctx):
    from vpp_tui.store import models as m

    with ctx.store.session() as session:  # as `sync --queue` leaves them, one claimed
        session.add(m.Job(kind="sync", token_name="North", payload={}, actor="ana",
                          state="queued"))
        session.add(m.Job(kind="sync", token_name="South", payload={}, actor="ana",
                          state="running", claimed_by="ana@host:1:x"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        status = str(app.screen.query_one("#activity-status", Static).render())
        assert "jobs: 1 queued, 1 running" in status


async def test_activity_shows_a_stored_english_refusal_in_french(make_app, ctx):
    """Fault: Activity showed a refusal's detail as stored; the store keeps English, the
    console shows it in the admin's language (`i18n.shown`), in the row and in full."""
    from vpp_tui.i18n import _, set_language

    empty = "the token file is empty; download it again from Apple Business or School Manager"
    with ctx.store.session() as session:
        audit.record(session, ctx, "token.renew", "North Campus", result="refused",
                     detail=empty)
    set_language("fr")  # the conftest puts English back after the test
    french = _(empty)
    assert french != empty
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.press("7")
        await settle(pilot)
        assert str(app.screen.query_one(DataTable).get_row_at(0)[DETAIL]) == french
        await pilot.press("enter")
        await settle(pilot)
        assert french in str(app.screen.query_one("#entry-fields", Static).render())
