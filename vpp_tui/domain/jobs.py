"""The job queue's rules: kinds, states, which job a worker claims next, when a claimed
job's lease has run out, and what happens to a job whose worker stopped (issue 13,
"Several hosts, one PostgreSQL").

A job is one unit of long work (a sync of one token, an assignment, a revoke…) queued in
the store and run by a `vpp-tui worker` on any host sharing it. A worker claims a job by
writing its name and a lease expiry on it; while the job runs the worker renews that
lease (the same period as the location lease, `domain.leases`). A worker that dies stops
renewing: once the lease has run out another worker claims the job again, up to
MAX_ATTEMPTS claims. A worker stopped on purpose (SIGTERM) hands its jobs back at once,
and that hand-back is not counted as an attempt. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vpp_tui.i18n import _

# Kinds: what a job does. The payload of each is the keyword arguments of its service.
SYNC = "sync"  # services.sync.sync_token(name, full=…)
ASSIGN = "assign"  # services.licensing.apply_assign(item, group, intent, license, token)
UNASSIGN = "unassign"  # services.licensing.apply_unassign(item, group, token)
REVOKE = "revoke"  # services.licensing.apply_revoke(item=…, token=…, user=…, device=…)
RECONCILE = "reconcile"  # services.reconcile.reclaim.apply_reclaim(classes, token=…)
KINDS = (SYNC, ASSIGN, UNASSIGN, REVOKE, RECONCILE)

# States. queued → running → done | failed | cancelled; running → queued (worker gone).
QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"
STATES = (QUEUED, RUNNING, DONE, FAILED, CANCELLED)
ACTIVE = (QUEUED, RUNNING)
FINISHED = (DONE, FAILED, CANCELLED)

MAX_ATTEMPTS = 3  # claims of one job by workers that then died; the next claim fails it
IDLE_POLL_SECONDS = 2.0  # how often an idle worker looks for work
DUE_SCAN_SECONDS = 30.0  # how often a worker enqueues the syncs that have fallen due
PROGRESS_EVERY = 0.5  # seconds between two progress writes of one job
# How often a worker running jobs reads their cancel requests (one small read, no write;
# the lease renewal, a write, stays at `leases` pace): a cancelled job stops within about
# this long, between its Apple calls.
CANCEL_POLL_SECONDS = 1.0
# The largest job id both databases hold: `jobs.id` is a 32-bit INTEGER on PostgreSQL, so
# a larger id names no job (asking PostgreSQL for it is "integer out of range").
MAX_JOB_ID = 2**31 - 1


@dataclass(frozen=True)
class Claimable:
    """What the claim rule reads of one job row: its id, state, lease expiry (aware UTC,
    None when never claimed), claims so far and when it was queued."""

    id: int
    state: str
    lease_expires_at: datetime | None
    attempts: int
    queued_at: datetime


def lease_ran_out(state: str, lease_expires_at: datetime | None, now: datetime) -> bool:
    """True for a running job whose worker stopped renewing its lease (it is taken to be
    dead, as a location lease's holder is: `domain.leases.is_free`)."""
    return state == RUNNING and (lease_expires_at is None or lease_expires_at <= now)


def claimable(job: Claimable, now: datetime) -> bool:
    """May a worker claim `job` now? A queued job, or a running one whose lease ran out."""
    return job.state == QUEUED or lease_ran_out(job.state, job.lease_expires_at, now)


def claim_order(job: Claimable) -> tuple[datetime, int]:
    """The order workers claim jobs in: oldest queued first, then by id (first in, first
    out, so a burst of due syncs cannot starve an assignment queued before it)."""
    return (job.queued_at, job.id)


def next_to_claim(jobs: list[Claimable], now: datetime) -> Claimable | None:
    """The job a worker should claim of `jobs` (`claimable`, earliest `claim_order`)."""
    ready = [j for j in jobs if claimable(j, now)]
    return min(ready, key=claim_order) if ready else None


def after_claim(attempts: int) -> tuple[str, int]:
    """(state, attempts) a claimed job gets: running, one more attempt — or failed when
    it has already been claimed MAX_ATTEMPTS times by workers that died running it (a job
    that kills its worker must not kill every worker in turn)."""
    if attempts >= MAX_ATTEMPTS:
        return FAILED, attempts
    return RUNNING, attempts + 1


def after_stop(attempts: int) -> tuple[str, int]:
    """(state, attempts) of a running job whose worker was asked to stop (SIGTERM): back
    to the queue, and this attempt does not count (the worker did not fail)."""
    return QUEUED, max(0, attempts - 1)


def may_cancel(state: str) -> bool:
    """Only a job not finished yet can be cancelled (a running one stops between Apple
    calls, as a sync stopped from the console does)."""
    return state in ACTIVE


def dedupe_key(kind: str, token: str | None) -> str | None:
    """The key that keeps one active sync per token in the queue (a unique column, freed
    when the job finishes); other kinds may be queued as often as asked."""
    return f"{SYNC}:{token}" if kind == SYNC and token else None


def too_many_attempts_text(attempts: int) -> str:
    """The result of a job failed by `after_claim`."""
    return _("failed: the worker running it stopped {n} times without finishing; "
             "run it inline to see why").format(n=attempts)


def cancelled_text() -> str:
    """The result of a cancelled job."""
    return _("cancelled before it finished")


def cancelled_part_text(sent: int, total: int) -> str:
    """The result of a job cancelled part-way. A cancel is honoured only before a batch is
    posted to Apple (its safe points): `sent` of `total` batches had been posted, and
    their outcomes (Apple's events) are recorded; the rest was never sent."""
    return _("cancelled: {s} of {n} batches had been sent to Apple and are recorded; "
             "{r} not sent").format(s=sent, n=total, r=max(total - sent, 0))


def bad_state_text(job_id: int, state: str) -> str:
    """The one line when `jobs cancel` names a job that has finished already."""
    return _("job {id} is {state} already; only a queued or running job can be cancelled"
             ).format(id=job_id, state=state)
