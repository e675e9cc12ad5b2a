"""Charts (issue 12): an item's license usage over time in its details, the tokens' expiry
timeline (key t in Tokens), the expiry notice in a token's details. Snapshots at 120×34
and 80×24 (demo), Pilot tests for the keys."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.ui.conftest import SIZE, select_token, settle
from tests.ui.test_catalog import select_row
from vpp_tui.store import models as m

SMALL = (80, 24)


def seed_usage(ctx, name: str = "Exam Lockdown", token: str = "North Campus") -> None:  # noqa: ANN001
    """Three weeks of history for one item, one sample a day, rising to today's count."""
    now = ctx.clock.now()
    with ctx.store.session() as session:
        asset = session.exec(select(m.Asset).join(m.Token).where(
            m.Asset.name == name, m.Token.name == token)).one()
        for day in range(21, 0, -1):
            used = asset.assigned - 10 * day
            total = asset.total - (120 if day > 14 else 0)
            session.add(m.UsageSample(token_id=asset.token_id, adam_id=asset.adam_id,
                                      pricing_param=asset.pricing_param, assigned=used,
                                      available=total - used, total=total,
                                      recorded_at=now - timedelta(days=day)))


def open_details(name: str = "Exam Lockdown"):  # noqa: ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await select_row(pilot, name, "North Campus")
        await pilot.press("enter")
        await settle(pilot)

    return run_before


def open_timeline(select: str | None = None, key: str = "t"):  # noqa: ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        if select:
            await select_token(pilot, select)
        await pilot.press(key)
        await settle(pilot)

    return run_before


class TestSnapshots:
    def test_usage_chart_in_item_details(self, snap_compare, demo, demo_app):  # noqa: ANN001
        seed_usage(demo[0])
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=open_details())

    def test_expiry_timeline(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=open_timeline())

    def test_expiry_timeline_at_80x24(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SMALL, run_before=open_timeline())


class TestKeys:
    async def test_t_opens_the_expiry_timeline_and_the_header_follows_settings(
            self, demo, demo_app) -> None:  # noqa: ANN001
        from textual.widgets import Static

        from vpp_tui.services import settings
        from vpp_tui.ui.screens.tokens.timeline import ExpiryTimelineScreen
        from vpp_tui.ui.widgets.charts import ExpiryTimeline

        app = demo_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            text = str(app.screen.query_one("#header-notices", Static).render())
            assert "token Old Annex expired 3 days ago (+1)" in text
            assert "6 apps and 1 book nearly out of licenses" in text
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, ExpiryTimelineScreen)
            chart = app.screen.query_one(ExpiryTimeline)
            assert chart.views[0].name == "Old Annex" and chart.first_day == 30
            await pilot.press("t")
            await settle(pilot)
            assert not isinstance(app.screen, ExpiryTimelineScreen)
            settings.set_setting(demo[0], "low_license_percent", "100")
            app.store_changed("settings")
            await settle(pilot)
            text = str(app.screen.query_one("#header-notices", Static).render())
            assert "4 apps nearly out of licenses" in text and "book" not in text

    async def test_item_details_chart_each_sync_and_say_when_there_is_none(
            self, demo, demo_app) -> None:  # noqa: ANN001
        from textual.widgets import Static

        from vpp_tui.ui.widgets.charts import UsageChart

        app = demo_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_details("Graphing Pro")(pilot)
            chart = app.screen.query_one(UsageChart)
            # The demo store was synced once: one point, today's counts.
            assert [(p.assigned, p.total) for p in chart.points] == [(96, 100)]
            await pilot.press("escape")
            await settle(pilot)
            assert not app.screen.query(UsageChart)
            with demo[0].store.session() as session:
                for sample in session.exec(select(m.UsageSample)).all():
                    session.delete(sample)
            await pilot.press("enter")
            await settle(pilot)
            note = app.screen.query_one("#asset-usage-none", Static)
            assert "no usage recorded yet" in str(note.render())

    async def test_header_takes_short_words_on_80_columns(self, demo_app) -> None:  # noqa: ANN001
        from textual.widgets import Static

        app = demo_app()
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            text = str(app.screen.query_one("#header-notices", Static).render())
            assert "Old Annex expired (+1) · 6 apps, 1 book low" in text


async def test_south_campus_short_bar_is_not_hidden_under_its_notice_dots(demo_app) -> None:
    """Fault: South Campus's 10-day bar was drawn under its notice dots (days 9, 7…1),
    so nothing of it showed; the dots now sit half a row above the bar."""
    from vpp_tui.ui.widgets.charts import ExpiryTimeline

    app = demo_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_timeline()(pilot)
        chart = app.screen.query_one(ExpiryTimeline)
        lines = chart.render().plain.splitlines()
        [south] = [line for line in lines if "South Campus" in line]
        bar = south.split("South Campus", 1)[1]
        assert "●" not in bar and bar.count("━") >= 2
        above = lines[lines.index(south) - 1]
        assert "●" in above
