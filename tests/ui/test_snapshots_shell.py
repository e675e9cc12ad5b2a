"""What each section looks like at 120×34, on a fresh store with a fixed clock."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import audit, settings
from vpp_tui.ui.commands import sections


def seed_activity(ctx) -> None:  # noqa: ANN001
    """A few real entries, a minute apart, one of them a failure."""
    for hours in (6, 12, 24):
        settings.set_setting(ctx, "sync_interval_hours", hours)
        ctx.clock.advance(60)
    audit.record_failure(ctx, "token.renew", "Old Annex",
                         "the file is for another location (uId differs)")
    ctx.clock.advance(60)
    settings.set_setting(ctx, "theme", "textual-dark")


def goto(key: str):  # noqa: ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    return run_before


class TestSections:
    # Apps, eBooks, Assignments, Prompts and Directory have their own snapshot modules.
    @pytest.mark.parametrize("section", [s for s in sections() if s.mode == "activity"],
                             ids=lambda s: s.mode)
    def test_section(self, section, snap_compare, make_app, ctx):  # noqa: ANN001
        if section.mode == "activity":
            seed_activity(ctx)
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=goto(str(section.number)))

    def test_demo_badge_in_header(self, snap_compare, make_app):  # noqa: ANN001
        assert snap_compare(make_app(demo=True), terminal_size=SIZE, run_before=goto("6"))


class TestHelp:
    def test_help_for_activity(self, snap_compare, make_app, ctx):  # noqa: ANN001
        seed_activity(ctx)

        async def run_before(pilot) -> None:  # noqa: ANN001
            await goto("7")(pilot)
            await pilot.press("f1")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
