"""The per-location write lease (issue 9 items 2, 3, 5), rule by rule, on both databases.

Waiters poll with the world's FakeClock, which moves only when slept on: tests where a
waiter spins set the lease period and wait far beyond what the spin can reach, so only the
holder's release (an event) lets the waiter in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlmodel import select

from tests.services.licensing_helpers import NORTH, licenses_of, north, sim_counts
from tests.services.test_tokens import add
from vpp_tui.domain import leases as rules
from vpp_tui.services import leases, licensing, sync, tokens
from vpp_tui.store import models as m

WAIT = 60  # seconds a test waits for an event that must come; never reached when all is well


class Gate(httpx.BaseTransport):
    """Holds the first request to a path ending in `path` after `arm()` until `go` is set."""

    def __init__(self, inner: httpx.BaseTransport, path: str) -> None:
        self.inner, self.path = inner, path
        self.armed = False
        self.reached = threading.Event()
        self.go = threading.Event()

    def arm(self) -> None:
        self.armed = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.url.path.endswith(self.path):
            self.armed = False
            self.reached.set()
            assert self.go.wait(WAIT)
        return self.inner.handle_request(request)


def gate(world, path: str = "/users") -> Gate:
    g = Gate(world.transport.inner, path)
    world.transport.inner = g
    return g


def in_thread(work: Callable[[], Any], done: threading.Event | None = None
              ) -> tuple[threading.Thread, dict]:
    """Run `work` in a thread; its result or exception lands in the returned dict."""
    out: dict = {}

    def run() -> None:
        try:
            out["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            out["error"] = exc
        finally:
            if done is not None:
                done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def signal_waits(world, waiting: threading.Event) -> None:
    """Set `waiting` when a lease waiter sleeps between polls (it found the lease held)."""
    sleep = world.clock.sleep
    poll = leases.timing().poll

    def watched(seconds: float, cancel: threading.Event | None = None) -> None:
        sleep(seconds, cancel)
        if seconds == poll:
            waiting.set()

    world.clock.sleep = watched


@pytest.fixture
def patient(monkeypatch):
    """A lease period and wait no spinning FakeClock waiter can reach."""
    monkeypatch.setenv(leases.ENV_PERIOD, "1e7")
    monkeypatch.setenv(leases.ENV_WAIT, "1e8")


def key(world, name: str = NORTH) -> str:
    with world.ctx.store.session() as s:
        return leases.key_of(s, name)


def test_lease_is_exclusive_and_every_acquisition_moves_the_fence_on(world) -> None:
    add(world, NORTH)
    k = key(world)
    first = leases.try_acquire(world.ctx, k, NORTH, "ana@a:1")
    assert first is not None
    assert leases.try_acquire(world.ctx, k, NORTH, "bob@b:2") is None
    leases.release(world.ctx, k, "ana@a:1", first)
    second = leases.try_acquire(world.ctx, k, NORTH, "bob@b:2")
    assert second == rules.next_fence(first)
    assert not leases.renew(world.ctx, k, "ana@a:1", first)  # ana's is gone for good
    assert leases.renew(world.ctx, k, "bob@b:2", second)


def test_duplicate_tokens_of_one_location_share_the_lease(world) -> None:
    add(world, NORTH)
    location = tokens.get_token(world.ctx, NORTH).token.location_id
    assert key(world) == rules.lease_key(location, 999) == f"location:{location}"
    assert rules.lease_key(None, 7) == "token:7"  # location not known yet: its own


def test_stale_lease_whose_heartbeat_stopped_does_not_block_a_sync(world) -> None:
    """Issue 9 item 3: a holder killed mid-sync blocked its token for 15 minutes."""
    add(world, NORTH)
    token_id = tokens.get_token(world.ctx, NORTH).token.id
    assert sync.acquire_lease(world.ctx, token_id, "bob@killed:9")  # no heartbeat: dead
    assert sync.sync_token(world.ctx, NORTH).skip_reason == "busy"
    world.clock.advance(rules.LEASE_SECONDS + 1)  # one lease period, not 15 minutes
    assert sync.sync_token(world.ctx, NORTH).status == "completed"


def test_hold_is_reentrant_within_one_thread_and_released_by_the_outermost(world) -> None:
    add(world, NORTH)
    k = key(world)
    with leases.hold(world.ctx, NORTH) as outer:
        with leases.hold(world.ctx, NORTH, wait=0) as inner:
            assert inner is outer
        assert leases.try_acquire(world.ctx, k, NORTH, "bob@b:2") is None  # still held
    assert leases.current(world.ctx, NORTH).owner is None
    assert leases.held_here(world.ctx, k) is None


def test_a_running_sync_renews_its_lease_past_the_first_period(world, monkeypatch) -> None:
    """Issue 9 item 3: the 15-minute lease was never renewed, so a sync waiting out long
    Retry-After answers lost it to a second process syncing the same token."""
    monkeypatch.setenv(leases.ENV_PERIOD, "0.2")  # heartbeat every 0.05 s
    add(world, NORTH)
    g = gate(world)
    g.arm()
    first, out = in_thread(lambda: sync.sync_token(world.ctx, NORTH, full=True))
    assert g.reached.wait(WAIT)
    holder = leases.held_here(world.ctx, key(world))
    assert holder is not None
    world.clock.advance(16 * 60)  # past the old 15-minute lease and many periods
    # Two beats: the first may have read the clock before the advance (its expiry is then
    # already past); the second began after it.
    assert holder.wait_beats(holder.beats + 2, WAIT) and not holder.lost.is_set()
    second = sync.sync_token(world.ctx, NORTH)  # another console, the same token
    assert (second.status, second.skip_reason) == ("skipped", "busy")
    g.go.set()
    first.join(WAIT)
    assert out["result"].status == "completed", out


def test_break_lease_frees_a_live_lease_at_once_and_is_audited(world) -> None:
    add(world, NORTH)
    token_id = tokens.get_token(world.ctx, NORTH).token.id
    assert sync.acquire_lease(world.ctx, token_id, "bob@killed:9")
    fence = leases.current(world.ctx, NORTH).fence
    broken = leases.break_lease(world.ctx, NORTH)
    assert broken is not None and broken.owner == "bob@killed:9"
    assert broken.acquired_at == world.clock.now()
    assert leases.current(world.ctx, NORTH).fence == rules.next_fence(fence)
    assert leases.break_lease(world.ctx, NORTH) is None  # nothing left to break
    with world.ctx.store.session() as s:
        entries = s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == leases.BREAK_ACTION)).all()
    assert len(entries) == 1 and "bob@killed:9" in (entries[0].detail or "")
    assert sync.sync_token(world.ctx, NORTH).status == "completed"  # no clock moved


def test_a_sync_whose_lease_was_broken_writes_no_results(world) -> None:
    add(world, NORTH)
    g = gate(world)
    g.arm()
    first, out = in_thread(lambda: sync.sync_token(world.ctx, NORTH, full=True))
    assert g.reached.wait(WAIT)
    assert leases.break_lease(world.ctx, NORTH) is not None
    g.go.set()
    first.join(WAIT)
    result = out["result"]
    assert result.status == "failed" and "lease lost" in result.error, result
    with world.ctx.store.session() as s:
        assert s.exec(select(m.Asset)).first() is None  # nothing of the run was saved
        run = s.exec(select(m.SyncRun)).one()
    assert run.status == "failed" and "lease lost" in (run.error or "")


def test_an_assign_whose_lease_was_broken_writes_no_results(world) -> None:
    """The fence is checked in every result-writing transaction, not only sync's: an assign
    whose lease was broken while it waited for Apple records nothing as licensed."""
    north(world)
    g = gate(world, "/assets/associate")
    g.arm()
    assigning, out = in_thread(lambda: licensing.apply_assign(
        world.ctx, "Star Chart", "Loaner iPads", "required", "device"))
    assert g.reached.wait(WAIT)
    assert leases.break_lease(world.ctx, NORTH) is not None
    g.go.set()
    assigning.join(WAIT)
    assert isinstance(out.get("error"), leases.LeaseLost), out
    assert [r.status for r in licenses_of(world, "Star Chart")] == []  # nothing recorded


def test_a_write_waits_for_the_lease_and_gives_up_with_one_audited_error(world, monkeypatch):
    monkeypatch.setenv(leases.ENV_WAIT, "5")
    north(world)
    token_id = tokens.get_token(world.ctx, NORTH).token.id
    assert sync.acquire_lease(world.ctx, token_id, "bob@syncing:7")
    before = world.clock.monotonic()
    with pytest.raises(leases.LeaseBusy) as refused:
        licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    assert world.clock.monotonic() - before >= 5  # it waited, then gave up
    assert "bob@syncing:7" in refused.value.message and "--break-lease" in refused.value.message
    assert sim_counts(world, "Star Chart")[0] == 0  # nothing was sent to Apple
    with world.ctx.store.session() as s:
        entry = s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == "assignment.create")).one()
    assert entry.result == "failed" and "bob@syncing:7" in (entry.detail or "")


def test_sync_does_not_overwrite_a_concurrent_assign(world, patient) -> None:
    """Issue 9 item 2: an assign made while a full sync read Apple was marked "reclaimed"
    by that sync, which then showed 0 used while Apple held 10."""
    north(world)
    g = gate(world)
    g.arm()
    syncing, synced = in_thread(lambda: sync.sync_token(world.ctx, NORTH, full=True))
    assert g.reached.wait(WAIT)  # the sync has read the assignments, not yet the users
    waiting = threading.Event()
    signal_waits(world, waiting)
    assigning, assigned = in_thread(lambda: licensing.apply_assign(
        world.ctx, "Star Chart", "Loaner iPads", "required", "device"), done=waiting)
    assert waiting.wait(WAIT)  # the assign waits for the sync (or, unfixed, is done)
    g.go.set()
    syncing.join(WAIT)
    assigning.join(WAIT)
    assert synced["result"].status == "completed", synced
    assert assigned["result"].licensed == 10, assigned
    assert sim_counts(world, "Star Chart")[0] == 10
    rows = licenses_of(world, "Star Chart")
    assert sorted({r.status for r in rows}) == ["licensed"] and len(rows) == 10


def test_concurrent_assigns_of_one_item_to_one_group_serialise(world, patient) -> None:
    """Issue 9 item 5: on PostgreSQL, of 4 concurrent assigns one succeeded and three
    crashed with an uncaught UniqueViolation."""
    north(world)
    start = threading.Barrier(4)

    def assign() -> Any:
        start.wait(WAIT)
        return licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required",
                                      "device")

    runs = [in_thread(assign) for _ in range(4)]
    for thread, _out in runs:
        thread.join(WAIT)
    results = [out.get("result") or out.get("error") for _t, out in runs]
    assert all(not isinstance(r, BaseException) for r in results), results
    assert sorted(r.licensed for r in results) == [0, 0, 0, 10]
    assert sim_counts(world, "Star Chart")[0] == 10
    assert len([r for r in licenses_of(world, "Star Chart") if r.status == "licensed"]) == 10


def test_lease_timing_comes_from_one_place_and_rejects_bad_values(monkeypatch) -> None:
    pace = rules.lease_timing()
    assert (pace.period, pace.renew_every) == (60.0, 15.0)
    monkeypatch.setenv(leases.ENV_PERIOD, "2")
    assert leases.timing().renew_every == 0.5
    monkeypatch.setenv(leases.ENV_PERIOD, "soon")
    with pytest.raises(leases.InvalidInput):
        leases.timing()
    # Found by a breaker: these gave a traceback (ValueError/OverflowError) at acquisition.
    for value in ("nan", "inf", "1e309", "1e18"):
        monkeypatch.setenv(leases.ENV_PERIOD, value)
        with pytest.raises(leases.InvalidInput):
            leases.timing()
    monkeypatch.setenv(leases.ENV_PERIOD, "60")
    monkeypatch.setenv(leases.ENV_WAIT, "nan")
    with pytest.raises(leases.InvalidInput):
        leases.timing()
