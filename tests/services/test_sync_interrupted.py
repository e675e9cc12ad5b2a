"""Issue 8 faults 11 and issue 9 item 11: interrupted work reads as interrupted, not failed.

A sync stopped by the admin (the console closing, Ctrl-C) is `interrupted`: the token and
its sync run say so honestly, the token's health is untouched and the next sync just runs.
A failed sync reports the HTTP requests it really made.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.services.test_tokens import add
from vpp_tui.services import leases, sync, tokens
from vpp_tui.store import models as m

NAME = "North Campus"


def token_row(world) -> m.Token:
    with world.ctx.store.session() as s:
        return s.exec(select(m.Token).where(m.Token.name == NAME)).one()


def runs(world) -> list[m.SyncRun]:
    with world.ctx.store.session() as s:
        return list(s.exec(select(m.SyncRun).order_by(m.SyncRun.id)).all())


def stop_at(world, request: int, stop) -> None:  # noqa: ANN001
    """Stop the work when the transport is about to pass on its `request`-th request."""
    start = world.transport.count

    def hook(count: int) -> None:
        if count == start + request:
            stop()

    world.transport.on_request = hook


def test_cancelled_sync_is_interrupted_not_failed(world) -> None:
    add(world, NAME)
    before = world.transport.count
    stop_at(world, 3, world.ctx.cancel.set)
    result = sync.sync_token(world.ctx, NAME)
    assert result.status == "interrupted"
    assert "interrupted" in result.error and "could not be reached" not in result.error
    assert result.requests == world.transport.count - before == 3
    view = tokens.get_token(world.ctx, NAME)
    assert view.token.last_sync_status == "interrupted"
    assert view.token.state == "valid" and view.token.can_sync
    assert view.history[0].status == "interrupted" and view.history[0].requests == 3
    assert view.history[0].finished_at is not None
    row = token_row(world)
    assert row.apple_error is None and leases.current(world.ctx, NAME).owner is None
    assert row.last_sync_at is None  # nothing was read: the token is as stale as before


def test_ctrl_c_during_sync_records_interrupted_and_releases_the_lease(world) -> None:
    add(world, NAME)

    def ctrl_c() -> None:
        raise KeyboardInterrupt

    stop_at(world, 4, ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        sync.sync_token(world.ctx, NAME)
    world.transport.on_request = None
    row = token_row(world)
    assert row.last_sync_status == "interrupted"
    assert leases.current(world.ctx, NAME).owner is None
    assert row.apple_error is None
    assert [r.status for r in runs(world)] == ["interrupted"]
    assert sync.sync_token(world.ctx, NAME).status == "completed"


def test_next_sync_after_interrupted_runs(world) -> None:
    add(world, NAME)
    assert sync.sync_token(world.ctx, NAME).status == "completed"
    world.clock.advance(13 * 3600)  # the interval has passed: the token is due
    stop_at(world, 2, world.ctx.cancel.set)
    assert sync.sync_token(world.ctx, NAME).status == "interrupted"
    world.transport.on_request = None
    world.ctx.cancel.clear()  # a new console, a new run: nobody is stopping it
    due = sync.sync_all(world.ctx, due_only=True, names=[NAME])
    assert [(r.name, r.status) for r in due] == [(NAME, "completed")]
    assert tokens.get_token(world.ctx, NAME).token.last_sync_status == "completed"
    assert [r.status for r in runs(world)] == ["completed", "interrupted", "completed"]


def test_sync_all_stops_when_cancelled_and_leaves_the_other_tokens_alone(world) -> None:
    for loc in (NAME, "South Campus"):
        add(world, loc)
    stop_at(world, 3, world.ctx.cancel.set)
    results = sync.sync_all(world.ctx, workers=1)  # one at a time: the other never starts
    assert [r.status for r in results] == ["interrupted"]
    statuses = {v.name: v.last_sync_status for v in tokens.list_tokens(world.ctx)}
    assert sorted(statuses.values()) == ["interrupted", "none"]


def test_failed_sync_reports_requests_made(world) -> None:
    add(world, NAME)
    before = world.transport.count
    world.transport.fail_after = before + 3  # the network goes away at the 4th request
    result = sync.sync_token(world.ctx, NAME)
    assert result.status == "failed"
    made = world.transport.count - before
    assert made > 3 and result.requests == made  # the failing ones (and retries) count
    assert tokens.get_token(world.ctx, NAME).history[0].requests == made


def test_stale_in_progress_run_is_closed_as_interrupted(world) -> None:
    add(world, NAME)
    token_id = token_row(world).id
    # A console crashed mid-sync: its lease and its run were never closed.
    assert sync.acquire_lease(world.ctx, token_id, "bob@gone:123")
    with world.ctx.store.session() as s:
        s.add(m.SyncRun(token_id=token_id, actor="bob", started_at=world.clock.now()))
    assert tokens.get_token(world.ctx, NAME).token.last_sync_status == "in_progress"
    world.clock.advance(leases.timing().period + 1)
    shown = tokens.get_token(world.ctx, NAME)
    assert shown.token.last_sync_status == "interrupted"  # not "in progress" forever
    assert shown.history[0].status == "interrupted"
    assert sync.sync_token(world.ctx, NAME).status == "completed"
    closed, done = runs(world)
    assert (closed.status, done.status) == ("interrupted", "completed")
    assert closed.finished_at is not None and "interrupted" in (closed.error or "")


def test_live_in_progress_run_is_shown_in_progress(world) -> None:
    add(world, NAME)
    token_id = token_row(world).id
    assert sync.acquire_lease(world.ctx, token_id, "bob@busy:123")
    world.clock.advance(leases.timing().period / 2)
    assert tokens.get_token(world.ctx, NAME).token.last_sync_status == "in_progress"
    busy = sync.sync_token(world.ctx, NAME)
    assert (busy.status, busy.skip_reason) == ("skipped", "busy")


def test_apple_failure_text_never_ends_in_an_empty_colon() -> None:
    from vpp_tui.apple.clock import Cancelled
    from vpp_tui.services.apple_link import apple_failure_text

    assert not apple_failure_text(Cancelled()).rstrip().endswith(":")
    assert not apple_failure_text(RuntimeError()).rstrip().endswith(":")


def test_in_progress_is_shown_only_while_the_lease_lives() -> None:
    from vpp_tui.apple.clock import FakeClock
    from vpp_tui.domain.outcomes import shown_sync_status

    now = FakeClock().now()
    assert shown_sync_status("in_progress", now + timedelta(seconds=1), now) == "in_progress"
    assert shown_sync_status("in_progress", now, now) == "interrupted"
    assert shown_sync_status("in_progress", None, now) == "interrupted"
    assert shown_sync_status("completed", None, now) == "completed"


def test_sync_all_in_parallel_interrupts_the_tokens_in_flight_and_starts_no_more(world) -> None:
    for loc in (NAME, "South Campus", "Old Annex"):
        add(world, loc)
    stop_at(world, 3, world.ctx.cancel.set)
    results = sync.sync_all(world.ctx, workers=2)
    # The syncs in flight are interrupted, none starts after; the expired one is skipped.
    statuses = sorted(r.status for r in results)
    assert statuses[-1] == "skipped" and set(statuses[:-1]) == {"interrupted"}
