"""The job queue's mechanics: claim, renew, progress, finish, hand back (rules:
`domain.jobs`).

Every function is one short transaction; none is open while a job talks to Apple.

Claiming. On PostgreSQL the candidate row is read with `SELECT … FOR UPDATE SKIP LOCKED`:
a row another worker is claiming at that instant is skipped, not waited for, so workers on
several hosts take different jobs without queueing behind each other's locks. The claim is
then written as a compare-and-set on what was read (state, claimed_by, attempts): even a
store that cannot lock rows (SQLite) never lets two workers claim one job, because only
one UPDATE of the same row version matches.

SQLite: one worker at a time (`sqlite_slot`). SQLite has one writer per file and no row
locks, and its file lives on one host, so several workers would only take turns on the
write lock. The slot is a lease row (`services.leases`, key `worker:sqlite`) that the
worker takes at start (a second worker is refused with who holds it) and renews on its
heartbeat; a killed worker's slot is free one lease period later.

The lease of a claimed job is `claimed_by` + `lease_expires_at`, pushed on by the
worker's heartbeat (`renew`) by one lease period (`leases.timing().period`). A write about
a claimed job (progress, finish, hand back) matches on `claimed_by` and `attempts`, so a
worker whose job was claimed again after its lease ran out changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import select

from vpp_tui.domain import jobs as rules
from vpp_tui.i18n import _, stored
from vpp_tui.services import leases
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import ServiceError
from vpp_tui.store import models as m

SQLITE_SLOT = "worker:sqlite"


class WorkerBusy(ServiceError):
    """Another worker already runs on this SQLite store (exit 1); names it."""


@dataclass(frozen=True)
class Claimed:
    """A job this worker claimed: what to run and the attempt that owns it."""

    id: int
    kind: str
    token: str | None
    payload: dict[str, Any]
    actor: str
    worker: str
    attempt: int


def _is_postgres(ctx: ServiceContext) -> bool:
    return ctx.store.engine.dialect.name == "postgresql"


def _mine(job_id: int, worker: str, attempt: int) -> Any:
    return (m.Job.id == job_id, m.Job.claimed_by == worker, m.Job.attempts == attempt,
            m.Job.state == rules.RUNNING)


def claim(ctx: ServiceContext, worker: str, period: float | None = None, *,
          admin: str | None = None) -> Claimed | None:
    """Claim the next job (`domain.jobs.next_to_claim`) for `worker`; None when there is
    none. A job claimed MAX_ATTEMPTS times already is failed instead and the next one is
    looked at. `period`: the lease in seconds (default `leases.timing().period`).

    `admin`: the worker's own admin. Only the jobs it may run are claimed
    (`domain.access.may_act_as`): its own, or anyone's when it holds
    `roles.act_for_others`; the others stay queued for another worker. None: any job."""
    period = leases.timing().period if period is None else period
    only = None
    if admin is not None:
        from vpp_tui.services.access.identity import acts_for_others

        only = None if acts_for_others(ctx, admin) else admin
    while True:
        now = ctx.clock.now()
        with ctx.store.session() as session:
            query = select(m.Job).where(or_(
                m.Job.state == rules.QUEUED,
                (m.Job.state == rules.RUNNING) & (m.Job.lease_expires_at <= now)))
            if only is not None:
                query = query.where(m.Job.actor == only)
            query = query.order_by(m.Job.queued_at, m.Job.id).limit(1)
            if _is_postgres(ctx):
                query = query.with_for_update(skip_locked=True)
            row = session.exec(query).first()
            if row is None:
                return None
            state, attempts = rules.after_claim(row.attempts)
            values: dict[str, Any] = dict(state=state, attempts=attempts, claimed_by=worker,
                                          lease_expires_at=now + timedelta(seconds=period),
                                          started_at=now)
            if state == rules.FAILED:
                values.update(claimed_by=None, lease_expires_at=None, finished_at=now,
                              dedupe_key=None, exit_status=1,
                              result=stored(rules.too_many_attempts_text, row.attempts))
            won = session.execute(update(m.Job).where(
                m.Job.id == row.id, m.Job.state == row.state,
                m.Job.attempts == row.attempts,
                (m.Job.claimed_by == row.claimed_by) if row.claimed_by is not None
                else m.Job.claimed_by.is_(None))  # type: ignore[union-attr]
                .values(**values)).rowcount == 1
            if won and state == rules.RUNNING:
                return Claimed(id=row.id or 0, kind=row.kind, token=row.token_name,
                               payload=dict(row.payload or {}), actor=row.actor,
                               worker=worker, attempt=attempts)
        # Lost the race (another worker claimed it first) or failed it: look again.


def renew(ctx: ServiceContext, worker: str, period: float | None = None) -> dict[int, bool]:
    """Push the lease of every job `worker` runs one period on. Returns {job id: cancel
    asked} for the jobs still `worker`'s (a job missing was claimed again by another
    worker after this one's lease ran out: stop it)."""
    period = leases.timing().period if period is None else period
    with ctx.store.session() as session:
        session.execute(update(m.Job).where(m.Job.claimed_by == worker,
                                            m.Job.state == rules.RUNNING)
                        .values(lease_expires_at=ctx.clock.now() + timedelta(seconds=period)))
        rows = session.exec(select(m.Job.id, m.Job.cancel_requested).where(
            m.Job.claimed_by == worker, m.Job.state == rules.RUNNING)).all()
    return {job_id: bool(asked) for job_id, asked in rows}


def cancels_asked(ctx: ServiceContext, worker: str) -> set[int]:
    """The ids of the running jobs of `worker` whose cancel was asked (`jobs.cancel`).
    A read only, in one short transaction: the worker polls it between lease renewals
    (`domain.jobs.CANCEL_POLL_SECONDS`)."""
    with ctx.store.session() as session:
        return set(session.exec(select(m.Job.id).where(
            m.Job.claimed_by == worker, m.Job.state == rules.RUNNING,
            m.Job.cancel_requested.is_(True))).all())  # type: ignore[union-attr]


def progress(ctx: ServiceContext, job: Claimed, stage: str, done: int, total: int) -> None:
    """Record how far `job` is (`done` of `total` steps, `stage` a short word)."""
    with ctx.store.session() as session:
        session.execute(update(m.Job).where(*_mine(job.id, job.worker, job.attempt))
                        .values(stage=stage[:64], progress_done=max(0, done),
                                progress_total=max(0, total)))


def finish(ctx: ServiceContext, job: Claimed, state: str, result: str,
           exit_status: int) -> bool:
    """End `job` as `state` (done, failed or cancelled) with a one-line `result` and the
    exit status the inline command would have had. False when the job was no longer
    this attempt's (claimed again elsewhere): nothing is written then."""
    now = ctx.clock.now()
    with ctx.store.session() as session:
        return session.execute(update(m.Job).where(*_mine(job.id, job.worker, job.attempt))
                               .values(state=state, result=result, exit_status=exit_status,
                                       finished_at=now, claimed_by=None,
                                       lease_expires_at=None, dedupe_key=None)
                               ).rowcount == 1


def hand_back(ctx: ServiceContext, job: Claimed) -> bool:
    """Put `job` back in the queue because its worker is stopping (`domain.jobs.after_stop`:
    the attempt does not count). False when it was not this attempt's any more."""
    state, attempts = rules.after_stop(job.attempt)
    with ctx.store.session() as session:
        return session.execute(update(m.Job).where(*_mine(job.id, job.worker, job.attempt))
                               .values(state=state, attempts=attempts, claimed_by=None,
                                       lease_expires_at=None, stage="", started_at=None)
                               ).rowcount == 1


@dataclass
class Slot:
    """The SQLite worker slot this worker holds (`sqlite_slot`); `renew` on each beat."""

    ctx: ServiceContext
    owner: str
    fence: int

    def renew(self) -> bool:
        """Push the slot's lease on; False when it was broken or taken."""
        return leases.renew(self.ctx, SQLITE_SLOT, self.owner, self.fence)


@contextmanager
def sqlite_slot(ctx: ServiceContext, worker: str) -> Iterator[Slot | None]:
    """On SQLite, hold the one worker slot for the body (see the module's docstring); the
    caller renews it (`Slot.renew`) on its heartbeat. Raises WorkerBusy when another live
    worker has it. On PostgreSQL a no-op yielding None: any number of workers may run."""
    if _is_postgres(ctx):
        yield None
        return
    fence = leases.try_acquire(ctx, SQLITE_SLOT, "worker", worker)
    if fence is None:
        with ctx.store.session() as session:
            row = session.get(m.Lease, SQLITE_SLOT)
            owner = row.owner if row is not None and row.owner else "?"
        raise WorkerBusy(_("another worker already runs on this SQLite store ({owner}); a "
                           "SQLite store takes one worker, use PostgreSQL for more").format(
            owner=owner))
    try:
        yield Slot(ctx, worker, fence)
    finally:
        leases.release(ctx, SQLITE_SLOT, worker, fence)
