"""Long work queued in the store for `vpp-tui worker` processes on any host sharing it
(issue 13, "Several hosts, one PostgreSQL"): queue, list, cancel, and enqueue due syncs.

Queuing checks first what running inline would check first (the access of the admin
queuing it, the names given, the rule that may refuse an assignment: the dry run of the
same use case), so a job that cannot run is refused at once (exit 2 / access denied) and
never queued. The job then runs as that admin (`actor`), and the use case checks access
again when it runs. The rules are `domain.jobs`; claiming and leases `jobs.queue`; the
running `jobs.runner`; the worker loop `jobs.worker`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from vpp_tui.domain import jobs as rules
from vpp_tui.domain import tokens as token_rules
from vpp_tui.i18n import _
from vpp_tui.services import audit
from vpp_tui.services.access import (
    Permission,
    authorize,
    check_action,
    token_id_of,
    visible_token_ids,
    visible_token_names,
)
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.store import models as m

MAX_LISTED = 1000
LIST_COLUMNS = ("id", "kind", "token", "state", "progress_done", "progress_total", "stage",
                "actor", "claimed_by", "attempts", "queued_at", "started_at", "finished_at",
                "result", "exit_status")


@dataclass(frozen=True)
class JobView:
    """One job as listed: times aware UTC; `payload` the service's arguments;
    `claimed_by` the worker running it (`actor@host:pid:nonce`) or None."""

    id: int
    kind: str
    token: str | None
    state: str
    progress_done: int
    progress_total: int
    stage: str
    actor: str
    claimed_by: str | None
    attempts: int
    cancel_requested: bool
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: str | None
    exit_status: int | None
    payload: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """The `jobs --json` object (field names are LIST_COLUMNS plus payload and
        cancel_requested); times ISO 8601."""
        def when(at: datetime | None) -> str | None:
            return at.isoformat() if at is not None else None

        return {"id": self.id, "kind": self.kind, "token": self.token, "state": self.state,
                "progress_done": self.progress_done, "progress_total": self.progress_total,
                "stage": self.stage, "actor": self.actor, "claimed_by": self.claimed_by,
                "attempts": self.attempts, "cancel_requested": self.cancel_requested,
                "queued_at": when(self.queued_at), "started_at": when(self.started_at),
                "finished_at": when(self.finished_at), "result": self.result,
                "exit_status": self.exit_status, "payload": self.payload}


def _view(row: m.Job) -> JobView:
    return JobView(id=row.id or 0, kind=row.kind, token=row.token_name, state=row.state,
                   progress_done=row.progress_done, progress_total=row.progress_total,
                   stage=row.stage, actor=row.actor, claimed_by=row.claimed_by,
                   attempts=row.attempts, cancel_requested=row.cancel_requested,
                   queued_at=row.queued_at, started_at=row.started_at,
                   finished_at=row.finished_at, result=row.result,
                   exit_status=row.exit_status, payload=dict(row.payload or {}))


def _preflight(ctx: ServiceContext, kind: str, token: str | None,
               payload: dict[str, Any]) -> str | None:
    """Check what the inline command checks first; the token the job is about (None when
    it spans several). Raises AccessDenied, InvalidInput/NotFound (nothing is queued)."""
    from vpp_tui.services import licensing
    from vpp_tui.services.licensing.common import refusal_text

    if kind == rules.SYNC:
        authorize(ctx, Permission.TOKENS_SYNC, token_id=token_id_of(ctx, token))
        if token is None or token_id_of(ctx, token) is None:
            raise NotFound(_("no token named {name}; see 'vpp-tui token list'").format(
                name=token))
        return token
    if kind == rules.ASSIGN:
        preview = licensing.plan_assign(ctx, payload["item"], payload["group"],
                                        payload["intent"], payload.get("license"),
                                        payload.get("token"))
    elif kind == rules.UNASSIGN:
        preview = licensing.plan_unassign(ctx, payload["item"], payload["group"],
                                          payload.get("token"))
    elif kind == rules.REVOKE:
        preview = licensing.plan_revoke(ctx, **{k: payload.get(k) for k in
                                                ("item", "token", "user", "device")})
    else:
        raise InvalidInput(_("unknown job kind {k}; use one of {kinds}").format(
            k=kind, kinds=", ".join(rules.KINDS)))
    if not preview.allowed:
        raise InvalidInput(refusal_text(preview.plan))
    return preview.token if preview.token and "," not in preview.token else None


def enqueue(ctx: ServiceContext, kind: str, payload: dict[str, Any] | None = None, *,
            token: str | None = None) -> JobView:
    """Queue a job of `kind` (`domain.jobs.KINDS`) to run as `ctx.actor` on a worker.

    `payload`: the keyword arguments of the kind's service (see `domain.jobs`); `token`:
    the token a sync is for. A sync of a token that already has one queued or running
    returns that job instead of queuing another. Audited as `job.queue`. Raises
    AccessDenied, InvalidInput/NotFound (what the inline command would refuse)."""
    payload = dict(payload or {})
    about = _preflight(ctx, kind, token, payload)
    key = rules.dedupe_key(kind, about)
    token_id = token_id_of(ctx, about) if about else None
    now = ctx.clock.now()
    try:
        with ctx.store.session() as session:
            row = m.Job(kind=kind, token_name=about, payload=payload, actor=ctx.actor,
                        state=rules.QUEUED, dedupe_key=key, queued_at=now)
            session.add(row)
            session.flush()
            audit.record(session, ctx, "job.queue", f"{kind} {about or ''}".strip(),
                         detail=_("job {id} queued").format(id=row.id),
                         token_id=token_id)
            return _view(row)
    except IntegrityError:  # a sync of this token is queued or running already
        with ctx.store.session() as session:
            found = session.exec(select(m.Job).where(m.Job.dedupe_key == key)).first()
            if found is None:  # it finished in between: queue again
                return enqueue(ctx, kind, payload, token=token)
            return _view(found)


def list_jobs(ctx: ServiceContext, *, states: tuple[str, ...] | None = None,
              limit: int = MAX_LISTED) -> list[JobView]:
    """Jobs newest first (at most `limit`), those `ctx.actor` queued or whose token it may
    read (a job over several tokens: shown to whoever may read apps). `states` filters."""
    readable = set(visible_token_names(ctx, Permission.TOKENS_READ))
    apps = check_action(ctx, Permission.APPS_READ)
    with ctx.store.session() as session:
        query = select(m.Job).order_by(m.Job.id.desc())  # type: ignore[union-attr]
        if states:
            query = query.where(m.Job.state.in_(states))  # type: ignore[attr-defined]
        rows = session.exec(query.limit(limit * 4)).all()
    shown = [r for r in rows if r.actor == ctx.actor or (
        r.token_name in readable if r.token_name else apps)]
    return [_view(r) for r in shown[:limit]]


def active_counts(ctx: ServiceContext) -> tuple[int, int]:
    """(queued, running): the jobs `list_jobs` would show that are not finished (for the
    console's Activity status line)."""
    active = list_jobs(ctx, states=rules.ACTIVE)
    return (sum(v.state == rules.QUEUED for v in active),
            sum(v.state == rules.RUNNING for v in active))


def get_job(ctx: ServiceContext, job_id: int) -> JobView:
    """One job `list_jobs` would show; NotFound otherwise."""
    for view in list_jobs(ctx, limit=MAX_LISTED):
        if view.id == job_id:
            return view
    with ctx.store.session() as session:
        row = session.get(m.Job, job_id)
    if row is None or row.actor != ctx.actor:
        raise NotFound(_("no job {id}; see 'vpp-tui jobs'").format(id=job_id))
    return _view(row)


PERMISSION_OF = {rules.SYNC: Permission.TOKENS_SYNC, rules.ASSIGN: Permission.APPS_ASSIGN,
                 rules.UNASSIGN: Permission.APPS_UNASSIGN,
                 rules.REVOKE: Permission.APPS_REVOKE_HOLDER}


def cancel(ctx: ServiceContext, job_id: int) -> JobView:
    """Cancel a job: a queued one at once, a running one between its Apple calls (its
    worker sees the request on its next heartbeat and ends it cancelled). Whoever queued
    it may, or an admin with the kind's permission over its token. Audited as
    `job.cancel`. Raises NotFound, InvalidInput (finished already), AccessDenied."""
    with ctx.store.session() as session:
        row = session.get(m.Job, job_id)
        if row is None:
            raise NotFound(_("no job {id}; see 'vpp-tui jobs'").format(id=job_id))
        kind, about, actor = row.kind, row.token_name, row.actor
    token_id = token_id_of(ctx, about) if about else None
    if actor != ctx.actor:
        authorize(ctx, PERMISSION_OF.get(kind, Permission.TOKENS_SYNC), token_id=token_id)
    now = ctx.clock.now()
    with ctx.store.session() as session:
        queued = session.execute(update(m.Job).where(
            m.Job.id == job_id, m.Job.state == rules.QUEUED).values(
            state=rules.CANCELLED, finished_at=now, dedupe_key=None, exit_status=1,
            result=rules.cancelled_text())).rowcount == 1
        if not queued:
            running = session.execute(update(m.Job).where(
                m.Job.id == job_id, m.Job.state == rules.RUNNING).values(
                cancel_requested=True)).rowcount == 1
            if not running:
                state = session.get(m.Job, job_id)
                raise InvalidInput(rules.bad_state_text(job_id, state.state if state
                                                        else "?"))
        audit.record(session, ctx, "job.cancel", f"{kind} {about or ''}".strip(),
                     detail=_("job {id} cancelled").format(id=job_id), token_id=token_id)
        return _view(session.get(m.Job, job_id))  # type: ignore[arg-type]


def enqueue_due(ctx: ServiceContext, interval_hours: int | None = None) -> list[int]:
    """Queue a sync for every token `ctx.actor` may sync whose interval has passed
    (`domain.tokens.sync_due`, setting `sync_interval_hours`) and that can sync (not
    expired, invalid or held elsewhere) and has no sync queued or running. Ids queued.
    Safe to run from several workers at once (one active sync per token: `dedupe_key`)."""
    from vpp_tui.services.settings import get_setting
    from vpp_tui.services.tokens import list_tokens

    authorize(ctx, Permission.TOKENS_SYNC)
    interval = (int(get_setting(ctx, "sync_interval_hours")) if interval_hours is None
                else interval_hours)
    syncable = visible_token_ids(ctx, Permission.TOKENS_SYNC)
    now = ctx.clock.now()
    due = [v.name for v in list_tokens(ctx) if v.id in syncable and v.can_sync
           and token_rules.sync_due(v.last_sync_at, None, now, interval)[0]]
    with ctx.store.session() as session:
        active = set(session.exec(select(m.Job.dedupe_key).where(
            m.Job.dedupe_key.is_not(None))).all())  # type: ignore[union-attr]
    queued = []
    for name in due:
        key = rules.dedupe_key(rules.SYNC, name)
        if key in active:
            continue
        try:
            with ctx.store.session() as session:
                row = m.Job(kind=rules.SYNC, token_name=name, payload={}, actor=ctx.actor,
                            state=rules.QUEUED, dedupe_key=key, queued_at=now)
                session.add(row)
                session.flush()
                queued.append(row.id or 0)
        except IntegrityError:  # another worker queued it meanwhile
            continue
    return queued
