"""Activity at 120×40: the log with Apple's eventId, a filter, and one entry in full."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.test_activity import seed_event_entries
from tests.ui.test_snapshots_shell import seed_activity

TALL = (120, 40)


def _seed(ctx) -> None:  # noqa: ANN001
    seed_activity(ctx)
    ctx.clock.advance(60)
    seed_event_entries(ctx)


async def _activity(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("7")
    await settle(pilot)


class TestActivity:
    def test_activity_log(self, snap_compare, make_app, ctx):  # noqa: ANN001
        _seed(ctx)
        assert snap_compare(make_app(), terminal_size=TALL, run_before=_activity)

    def test_activity_filtered(self, snap_compare, make_app, ctx):  # noqa: ANN001
        _seed(ctx)

        async def run_before(pilot) -> None:  # noqa: ANN001
            await _activity(pilot)
            await pilot.press("slash", *"a%z", "enter")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=TALL, run_before=run_before)

    def test_activity_entry_in_full(self, snap_compare, make_app, ctx):  # noqa: ANN001
        _seed(ctx)

        async def run_before(pilot) -> None:  # noqa: ANN001
            await _activity(pilot)
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=TALL, run_before=run_before)

    def test_activity_structured_filter_with_a_date_it_cannot_read(
            self, snap_compare, make_app, ctx):  # noqa: ANN001
        """`result:failed` applied; `since:2026-13-01` said in red, the rows kept."""
        _seed(ctx)

        async def run_before(pilot) -> None:  # noqa: ANN001
            from textual.widgets import Input

            await _activity(pilot)
            await pilot.press("slash")
            box = pilot.app.screen.query_one("#activity-filter", Input)
            box.value = "result:failed admin:ana"
            await settle(pilot)
            box.value = "result:failed admin:ana since:2026-13-01"
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=TALL, run_before=run_before)
