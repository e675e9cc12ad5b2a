"""Long jobs: a bar with Apple's count while they run, a cancel key, and no second start.

The job is held at one exact Apple request by a gate (threading events, no sleeps), so
the test can look at the console while the job runs, then lets it go.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
from textual.widgets import Label

from tests.ui.conftest import SIZE, select_token, settle, table_keys
from tests.ui.test_catalog import select_row
from tests.ui.test_live_sections import assign_code_garden, assignment_rows, show
from vpp_tui.cli.runtime import SIM_BASE_URL
from vpp_tui.services import licensing, tokens
from vpp_tui.simulator.transport import SimulatorTransport
from vpp_tui.ui.jobs import Tally, changes
from vpp_tui.ui.messages import (
    AuditChanged,
    CatalogChanged,
    JobProgressed,
    LedgerChanged,
    StoreChanged,
    TokensChanged,
)
from vpp_tui.ui.screens.confirm import ConfirmScreen
from vpp_tui.ui.screens.license_review import LicenseReviewScreen

WAIT = 30  # seconds: a bound on a hang, never reached when all is well


class Gate(httpx.BaseTransport):
    """Once armed, holds the first request whose path ends with `path` until released."""

    def __init__(self, inner: httpx.BaseTransport, path: str | tuple[str, ...]) -> None:
        self.inner, self.path = inner, path
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.url.path.endswith(self.path) and not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(WAIT)
        return self.inner.handle_request(request)


def gated(ctx, simulator, path: str | tuple[str, ...]) -> Gate:  # noqa: ANN001
    from vpp_tui.apple.client import AppleClient

    gate = Gate(SimulatorTransport(simulator), path)

    def factory(bearer: str, **kwargs: Any) -> AppleClient:
        kwargs.setdefault("clock", ctx.clock)
        kwargs.setdefault("cancel", ctx.cancel)
        kwargs.setdefault("poll_interval", 0.25)
        return AppleClient(bearer, base_url=SIM_BASE_URL, transport=gate, **kwargs)

    ctx.apple = factory
    return gate


def toasts(app) -> list[str]:  # noqa: ANN001
    return [str(n.message) for n in app._notifications]


def bar_text(app) -> str:  # noqa: ANN001
    bar = app.screen.query_one("#job-progress")
    return " ".join(str(label.render()) for label in bar.query(Label))


async def until(pilot, event: threading.Event) -> None:  # noqa: ANN001
    assert await asyncio.to_thread(event.wait, WAIT)
    for _round in range(3):
        await pilot.pause()


async def test_revoke_all_then_delete_shows_progress_and_a_second_d_opens_no_confirmation(
        demo, demo_app):
    ctx, simulator = demo
    gate = gated(ctx, simulator, "/assets/revoke")
    progress: list[JobProgressed] = []
    hook = lambda m: progress.append(m) if isinstance(m, JobProgressed) else None  # noqa: E731
    app = demo_app()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        await show(pilot, "D")
        assert isinstance(app.screen, ConfirmScreen)
        gate.armed = True
        await pilot.press("y")
        await until(pilot, gate.entered)
        assert app.screen.query_one("#job-progress").display
        assert "Revoke all of North Campus, then delete it" in bar_text(app)
        assert "x cancel" in bar_text(app)
        await pilot.press("D")
        for _round in range(3):
            await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("still running" in t for t in toasts(app))
        gate.release.set()
        await settle(pilot)
        assert "North Campus" not in table_keys(app)
        assert not app.screen.query_one("#job-progress").display
    counts = [(m.done, m.total) for m in progress if m.stage == "event"]
    assert counts and counts[-1][0] == counts[-1][1] > 0  # Apple's count, to the end


async def test_x_cancels_revoke_all_then_delete_and_nothing_is_deleted(demo, demo_app):
    ctx, simulator = demo
    gate = gated(ctx, simulator, "/client/config")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        await show(pilot, "D")
        gate.armed = True
        await pilot.press("y")
        await until(pilot, gate.entered)
        await pilot.press("x")
        await pilot.pause()
        assert "cancelling" in bar_text(app)
        gate.release.set()
        await settle(pilot)
        assert any("cancelled" in t for t in toasts(app)), toasts(app)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "North Campus" in table_keys(app)
    assert tokens.get_token(ctx, "North Campus").token.can_sync


async def test_revoke_all_in_apps_shows_progress_and_a_second_v_opens_no_review(demo,
                                                                                 demo_app):
    ctx, simulator = demo
    assign_code_garden(ctx)
    gate = gated(ctx, simulator, ("/assets/revoke", "/assets/disassociate"))
    progress: list[JobProgressed] = []
    hook = lambda m: progress.append(m) if isinstance(m, JobProgressed) else None  # noqa: E731
    app = demo_app()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        await show(pilot, "4")  # mounted: it must follow the revoke
        await show(pilot, "2")
        await select_row(pilot, "Code Garden", "North Campus")
        await show(pilot, "v")
        assert isinstance(app.screen, LicenseReviewScreen)
        gate.armed = True
        await pilot.press("enter")
        await until(pilot, gate.entered)
        assert app.screen.query_one("#job-progress").display
        assert "Revoke Code Garden" in bar_text(app)
        await pilot.press("v")
        for _round in range(3):
            await pilot.pause()
        assert not isinstance(app.screen, LicenseReviewScreen)
        assert any("still running" in t for t in toasts(app))
        gate.release.set()
        await settle(pilot)
        assert not app.screen.query_one("#job-progress").display
        totals = {m.total for m in progress if m.stage == "event"}
        assert 80 in totals  # Apple counts the 80 holders revoked (then the 2 served)
        await show(pilot, "4")
        assert assignment_rows(app) == [("Code Garden", "Teachers", 2, 0)]
    assert licensing.licenses(ctx, "Code Garden", "North Campus").used == 2


async def test_a_refused_job_still_tells_activity(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show(pilot, "7")
        await show(pilot, "1")
        await select_token(pilot, "Science Dept")  # held by Jamf Pro: the revoke is refused
        await show(pilot, "D")
        await show(pilot, "y")
        await pilot.press("escape")  # the error modal
        await show(pilot, "7")
        from vpp_tui.services import audit

        [newest] = audit.list_entries(ctx, limit=1)
        assert newest.result != "ok"
        assert str(app.screen.query_one("#activity-table").coordinate_to_cell_key(
            (0, 0)).row_key.value) == str(newest.id)


def test_job_changes_map_every_job_kind_to_the_sections_it_touches():
    assert changes("license.revoke") == (LedgerChanged, CatalogChanged, AuditChanged)
    assert TokensChanged in changes("token.revoke_delete")
    assert changes("sync", []) == ()  # a scheduled sync with nothing due changed nothing
    assert changes("something.new") == (AuditChanged,)
    assert all(issubclass(m, StoreChanged) and not m.bubble
               for kinds in map(changes, ("sync", "directory.import")) for m in kinds)


def test_tally_adds_up_apples_batches():
    tally = Tally(expected=1640)
    assert tally.add("event", 0, 1000) == (0, 1640)
    assert tally.add("event", 1000, 1000) == (1000, 1640)
    assert tally.add("event", 1000, 1000) == (1000, 1640)  # the same event polled again
    assert tally.add("event", 200, 640) == (1200, 1640)
    assert tally.add("event", 640, 640) == (1640, 1640)
    assert tally.add("assets", 1, 3) == (1, 3)  # a stage that counts itself


def test_tally_without_an_expected_total_counts_only_what_is_done():
    tally = Tally()
    assert tally.add("event", 200, 200) == (200, 0)
    assert tally.add("event", 0, 200) == (200, 0)
    assert tally.add("event", 200, 200) == (400, 0)
    assert tally.add("event", 150, 150) == (550, 0)

