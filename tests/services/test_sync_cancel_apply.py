"""Fault (issue 13): "a cancel during the staged apply still ends `done`".

A cancel (the worker's poll of `jobs cancel`, the console's cancel, Ctrl-C's event) that
arrives while the final staged apply runs must roll the apply back — the sync ends
interrupted (the job `cancelled`) and no license row changed — or, once the apply has
committed, the sync reports completed honestly. The cancel is set from inside the apply
at an exact point (after its first chunk, or once everything but the commit is done),
as the worker's poll would set it: no sleeps, no timing.
"""

from __future__ import annotations

from sqlmodel import select

import vpp_tui.services.sync as sync_pkg
import vpp_tui.services.sync.staged as staged_mod
from tests.services.test_sync_stream import NAME, drop_assignments, ledger, scale, staged
from vpp_tui.domain import outcomes
from vpp_tui.services import sync
from vpp_tui.services.jobs import runner
from vpp_tui.store import models as m

__all__ = ["scale"]  # the fixture, shared with test_sync_stream


def _cancel_after_first_chunk(world, monkeypatch) -> list[int]:
    """The cancel arrives once the apply has written its first chunk of items."""
    calls: list[int] = []
    real = staged_mod.write_pictures

    def write_then_cancel(*args, **kwargs):
        counts = real(*args, **kwargs)
        calls.append(1)
        world.ctx.cancel.set()
        return counts

    monkeypatch.setattr(staged_mod, "KEYS_PER_CHUNK", 1)  # several chunks at size 4
    monkeypatch.setattr(staged_mod, "write_pictures", write_then_cancel)
    return calls


def _last_sync_status(world) -> str | None:
    with world.ctx.store.session() as s:
        return s.exec(select(m.Token.last_sync_status).where(m.Token.name == NAME)).one()


def test_a_cancel_during_the_staged_apply_still_ends_done(scale, monkeypatch) -> None:
    """The fault: the cancel arrived between two chunks of the apply, yet the sync said
    completed and the ledger changed. Now: interrupted, and not one license row changed."""
    assert sync.sync_token(scale.ctx, NAME, full=True).status == "completed"
    drop_assignments(scale)  # the next full sync would reclaim licenses
    before = ledger(scale)
    calls = _cancel_after_first_chunk(scale, monkeypatch)
    result = sync.sync_token(scale.ctx, NAME, full=True)
    assert calls == [1]  # the apply stopped at the first chunk boundary after the cancel
    assert result.status == outcomes.INTERRUPTED, result
    assert ledger(scale) == before  # the apply's transaction was rolled back
    assert staged(scale) == 0
    assert _last_sync_status(scale) == outcomes.INTERRUPTED


def test_a_cancel_just_before_the_commit_rolls_the_apply_back(scale, monkeypatch) -> None:
    """Everything written but not yet committed: the cancel still wins."""
    assert sync.sync_token(scale.ctx, NAME, full=True).status == "completed"
    drop_assignments(scale)
    before = ledger(scale)
    real = sync_pkg._finish

    def finish_then_cancel(ctx, *args, **kwargs):
        real(ctx, *args, **kwargs)
        ctx.cancel.set()

    monkeypatch.setattr(sync_pkg, "_finish", finish_then_cancel)
    result = sync.sync_token(scale.ctx, NAME, full=True)
    assert result.status == outcomes.INTERRUPTED, result
    assert ledger(scale) == before
    assert _last_sync_status(scale) == outcomes.INTERRUPTED


def test_a_cancel_after_the_commit_reports_completed_honestly(scale, monkeypatch) -> None:
    """Once the apply committed, the sync is done: it says so, and the ledger shows it."""
    assert sync.sync_token(scale.ctx, NAME, full=True).status == "completed"
    drop_assignments(scale)
    before = ledger(scale)
    real = sync_pkg._serve_waitlists

    def cancel_then_serve(ctx, *args, **kwargs):
        ctx.cancel.set()
        return real(ctx, *args, **kwargs)

    monkeypatch.setattr(sync_pkg, "_serve_waitlists", cancel_then_serve)
    result = sync.sync_token(scale.ctx, NAME, full=True)
    assert result.status == "completed", result
    assert ledger(scale) != before
    assert _last_sync_status(scale) == "completed"


def test_a_sync_job_cancelled_during_the_apply_is_interrupted_not_done(
        scale, monkeypatch) -> None:
    """The worker's view (`jobs.runner`): the job's outcome is interrupted, which the
    worker records as cancelled when the admin asked for it, never done."""
    assert sync.sync_token(scale.ctx, NAME, full=True).status == "completed"
    drop_assignments(scale)
    before = ledger(scale)
    _cancel_after_first_chunk(scale, monkeypatch)
    outcome = runner.run(scale.ctx, "sync", NAME, {"full": True}, lambda *_a: None)
    assert outcome.state == runner.INTERRUPTED, outcome
    assert ledger(scale) == before
