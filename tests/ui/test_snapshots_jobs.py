"""The jobs screen at 120×40 and 80×24: every state of a job, and one job in full."""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle
from tests.ui.test_jobs_screen import add_jobs, select_job
from vpp_tui.domain import jobs as rules

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
class TestJobs:
    def test_jobs_list(self, snap_compare, make_app, ctx, size):  # noqa: ANN001
        add_jobs(ctx)

        async def run_before(pilot) -> None:  # noqa: ANN001
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=size, run_before=run_before)

    def test_failed_job_details(self, snap_compare, make_app, ctx, size):  # noqa: ANN001
        ids = add_jobs(ctx)

        async def run_before(pilot) -> None:  # noqa: ANN001
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)
            await select_job(pilot, ids[rules.FAILED])
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


def test_jobs_list_in_french_at_80x24(snap_compare, make_app, ctx):  # noqa: ANN001
    """Fault: the footer ran one character past 80 columns in French."""
    from vpp_tui.i18n import set_language

    add_jobs(ctx)
    set_language("fr")  # the conftest puts English back after the test

    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
