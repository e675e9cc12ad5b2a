"""A cancel is honoured only at safe points: before a batch is posted to Apple.

Faults (found by a breaker session): a licensing job (assign, reclaim) or a sync serving
its waitlist, cancelled while the worker waited for Apple's event, ended "cancelled
before it finished" although Apple had done the work: the store recorded none of it (no
license rows, no audit entry with Apple's eventId) until the next sync. Now what was
posted is awaited and written, and the job says honestly what was done.

The cancel is asked through `jobs.cancel` from inside a client call at an exact point
(as an admin would while the worker waits) and the worker's own poll sets the job's
cancel event: the test waits on that event, never sleeps. In-process simulator, both
databases (`world`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import select

from tests.services.licensing_helpers import NORTH, asset, licenses_of, north, sim_counts
from tests.services.test_waitlist import ITEM as WAITLIST_ITEM
from tests.services.test_waitlist import _licensed, _wait_nine
from vpp_tui.domain import jobs as rules
from vpp_tui.services import jobs
from vpp_tui.services.jobs.worker import Worker
from vpp_tui.store import models as m

ASSIGN = {"item": "Star Chart", "group": "Teachers", "intent": "required", "license": "user"}


def _audit(world, action: str) -> list[m.AuditEntry]:
    with world.ctx.store.session() as s:
        return list(s.exec(select(m.AuditEntry).where(m.AuditEntry.action == action)).all())


def _cancel_at(world, job_id: int, method: str, when: Callable[[int], bool], *,
               after: bool = False) -> list[bool]:
    """Wrap every Apple client's `method`: at its call number n (from 1) where `when(n)`,
    cancel job `job_id` and wait until the worker has set the job's cancel event (its
    poll, `CANCEL_POLL_SECONDS`), then make the call; `after`: make the call first (a
    batch posted, its event not yet awaited). Returns what each wait saw."""
    base = world.ctx.apple
    seen: list[bool] = []
    calls = [0]

    def apple(bearer: str, **kwargs: Any) -> Any:
        client = base(bearer, **kwargs)
        real = getattr(client, method)

        def cancel_then_call(*args: Any, **kw: Any) -> Any:
            calls[0] += 1
            answer = real(*args, **kw) if after else None
            if when(calls[0]) and kwargs.get("cancel") is not None and not seen:
                jobs.cancel(world.ctx, job_id)
                seen.append(kwargs["cancel"].wait(10))
            return answer if after else real(*args, **kw)

        setattr(client, method, cancel_then_call)
        return client

    world.ctx.apple = apple
    return seen


def _run_worker(world) -> Any:
    base = world.ctx.apple
    try:
        return Worker(world.ctx, once=True, due=False).run()
    finally:
        world.ctx.apple = base


def _holders(world, item: str) -> int:
    return sum(1 for r in licenses_of(world, item) if r.status == "licensed")


def test_a_cancelled_assign_job_records_the_licenses_apple_granted(world) -> None:
    """Fault: cancelled while waiting for Apple's event after its post, the assign ended
    cancelled with the store showing none of the licenses Apple granted. The post was
    the last safe point: the job waits, records, and reports done."""
    north(world)
    job = jobs.enqueue(world.ctx, "assign", ASSIGN)
    seen = _cancel_at(world, job.id, "associate", lambda n: True, after=True)
    report = _run_worker(world)
    view = jobs.get_job(world.ctx, job.id)
    assert seen == [True]
    assert (view.state, report.done, report.cancelled) == (rules.DONE, 1, 0), view.result
    assigned, _available = sim_counts(world, "Star Chart")
    assert assigned > 0 and asset(world, "Star Chart").assigned == assigned
    assert _holders(world, "Star Chart") == assigned  # the ledger is Apple's
    associated = [a for a in _audit(world, "license.associate") if a.apple_event_id]
    assert associated and all(a.apple_event_status == "COMPLETE" for a in associated)


def test_an_assign_job_cancelled_between_batches_records_the_sent_ones_and_says_so(
        world) -> None:
    """Cancelled while its 2nd of 4 batches is posted (Apple's limit cut to 10 users a
    request): the 3rd and 4th are never sent, the 2 sent are awaited and recorded, and
    the job ends cancelled saying how many batches went to Apple. Before the fix the
    next post raised Cancelled and nothing was recorded ("cancelled before it finished")."""
    north(world)
    world.sim.limits["maxClientUserIds"] = 10  # Star Chart's 35 licenses: 4 batches
    job = jobs.enqueue(world.ctx, "assign", ASSIGN)
    seen = _cancel_at(world, job.id, "associate", lambda n: n == 2)
    report = _run_worker(world)
    view = jobs.get_job(world.ctx, job.id)
    assert seen == [True]
    assert (view.state, report.cancelled) == (rules.CANCELLED, 1), view.result
    assert view.result == ("cancelled: 2 of 4 batches had been sent to Apple and are "
                           "recorded; 2 not sent")
    assigned, _available = sim_counts(world, "Star Chart")
    assert _holders(world, "Star Chart") == assigned == 20
    assert asset(world, "Star Chart").assigned == assigned
    events = {a.apple_event_id for a in _audit(world, "license.associate")
              if a.apple_event_id}
    assert len(events) == 2


def test_a_cancelled_reclaim_job_records_the_licenses_apple_revoked(world) -> None:
    """Fault: a reconcile --reclaim job cancelled while waiting for Apple's event left
    the store showing the license held that Apple had revoked."""
    north(world)
    before = {(r.asset_id, r.member) for r in _licensed_rows(world)}
    job = jobs.enqueue(world.ctx, "reconcile", {"classes": ["unmanaged_device"],
                                                "token": NORTH})
    seen = _cancel_at(world, job.id, "wait_event", lambda n: True)
    report = _run_worker(world)
    view = jobs.get_job(world.ctx, job.id)
    assert seen == [True]
    assert (view.state, report.done) == (rules.DONE, 1), view.result
    assert view.result.startswith("reclaimed 1 licenses, 0 failed")
    after = {(r.asset_id, r.member) for r in _licensed_rows(world)}
    assert len(before - after) == 1  # what Apple revoked is no longer held in the store
    assert [a for a in _audit(world, "license.disassociate") if a.apple_event_id]


def test_a_reclaim_job_cancelled_before_its_first_post_sends_nothing_and_says_so(
        world) -> None:
    """The safe point: a cancel seen before the first batch is posted sends nothing,
    changes no license and reports 0 batches sent."""
    north(world)
    before = {(r.asset_id, r.member) for r in _licensed_rows(world)}
    job = jobs.enqueue(world.ctx, "reconcile", {"classes": ["unmanaged_device"],
                                                "token": NORTH})
    seen = _cancel_at(world, job.id, "limits", lambda n: True)
    _run_worker(world)
    view = jobs.get_job(world.ctx, job.id)
    assert seen == [True]
    assert view.state == rules.CANCELLED, view.result
    assert view.result.startswith("cancelled: 0 of 1 batches"), view.result
    assert {(r.asset_id, r.member) for r in _licensed_rows(world)} == before


def test_a_sync_job_cancelled_while_serving_the_waitlist_reports_done_and_records_grants(
        world) -> None:
    """Fault: a sync job cancelled after its commit, while it served the waitlist (5
    licenses bought, 9 waiting), ended "cancelled before it finished" and Apple's grants
    were recorded nowhere. Now it ends done and the 5 grants are written and audited."""
    order = _wait_nine(world)
    world.sim.purchase(NORTH, asset(world, WAITLIST_ITEM).adam_id, 5)
    job = jobs.enqueue(world.ctx, "sync", token=NORTH)
    seen = _cancel_at(world, job.id, "associate", lambda n: True, after=True)
    report = _run_worker(world)
    view = jobs.get_job(world.ctx, job.id)
    assert seen == [True]
    assert (view.state, report.done, report.cancelled) == (rules.DONE, 1, 0), view.result
    assert _licensed(world) == set(order[:5])
    assert sim_counts(world, WAITLIST_ITEM) == (45, 0)
    assert asset(world, WAITLIST_ITEM).assigned == 45
    grants = _audit(world, "waitlist.grant")
    assert len(grants) == 5 and all(g.apple_event_id for g in grants)


def _licensed_rows(world) -> list[m.License]:
    with world.ctx.store.session() as s:
        return list(s.exec(select(m.License).where(m.License.status == "licensed")).all())
