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

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from vpp_tui.domain import jobs as rules
from vpp_tui.domain import tokens as token_rules
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, stored
from vpp_tui.services import audit
from vpp_tui.services.access import (
    Permission,
    authorize,
    check_action,
    token_id_of,
    token_scope_clause,
    visible_token_ids,
)
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound, ServiceError
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


def sync_refusal(ctx: ServiceContext, token: str) -> str | None:
    """The line inline sync reports for a token that cannot sync (expired, invalid, held
    by another MDM, a paused duplicate: `TokenView.can_sync`), "NAME: skipped (not synced:
    REASON)"; None when it can. `sync --queue` refuses such a token with it (exit 1, as
    inline sync exits) instead of queuing a job that would fail. Raises NotFound."""
    from vpp_tui.domain import outcomes
    from vpp_tui.services.tokens import get_token

    view = get_token(ctx, token).token
    if view.can_sync:
        return None
    return "{name}: {status} ({error})".format(
        name=token, status=outcomes.SKIPPED,
        error=_("not synced: {reason}").format(reason=view.state_reason))


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
                name=quote(token)))
        refusal = sync_refusal(ctx, token)
        if refusal:
            raise ServiceError(refusal)
        return token
    if kind == rules.RECONCILE:
        from vpp_tui.services.reconcile import reclaim

        preview = reclaim.plan_reclaim(ctx, payload["classes"], token=payload.get("token"))
        return preview.token
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
    returns that job instead of queuing another; a full sync asked for then makes a
    queued delta job full (`_make_full`), and refuses while a delta one runs. Audited as `job.queue`. Raises
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
                         detail=stored(lambda: _("job {id} queued").format(id=row.id)),
                         token_id=token_id)
            return _view(row)
    except IntegrityError:  # a sync of this token is queued or running already
        with ctx.store.session() as session:
            found = session.exec(select(m.Job).where(m.Job.dedupe_key == key)).first()
            if found is None:  # it finished in between: queue again
                return enqueue(ctx, kind, payload, token=token)
            if not payload.get("full") or (found.payload or {}).get("full"):
                return _view(found)
            return _make_full(ctx, found.id or 0, about or "", token_id)


def _make_full(ctx: ServiceContext, job_id: int, token: str, token_id: int | None) -> JobView:
    """A full sync asked for while a delta sync of `token` is active (`dedupe_key` keeps
    one): the queued delta job becomes a full sync (audited as `job.queue`); a running one
    cannot, so ServiceError says to queue the full sync again once it has finished."""
    with ctx.store.session() as session:
        row = session.get(m.Job, job_id)
        payload = {**((row.payload if row is not None else None) or {}), "full": True}
        # Only while still queued: a worker claiming it meanwhile wins (then: refused).
        if session.execute(update(m.Job).where(
                m.Job.id == job_id, m.Job.state == rules.QUEUED).values(
                payload=payload)).rowcount == 1:
            session.refresh(row)
            audit.record(session, ctx, "job.queue", f"{rules.SYNC} {token}",
                         detail=stored(lambda: _("job {id} made a full sync").format(
                             id=job_id)), token_id=token_id)
            return _view(row)
    raise ServiceError(_("{name}: a delta sync is running (job {id}); queue the full sync "
                         "again when it has finished ('vpp-tui jobs')").format(
        name=token, id=job_id))


def _visible(ctx: ServiceContext) -> Any:
    """WHERE clause of the jobs `ctx.actor` may see: those it queued, those whose token it
    may read (`token_scope_clause`), and a job over several tokens (no token) when it may
    read apps. The one rule of listing, counting, details and cancel."""
    readable = select(m.Token.name).where(token_scope_clause(ctx, m.Token.id))
    clauses = [m.Job.actor == ctx.actor,
               m.Job.token_name.in_(readable)]  # type: ignore[union-attr]
    if check_action(ctx, Permission.APPS_READ):
        clauses.append(m.Job.token_name.is_(None))  # type: ignore[union-attr]
    return or_(*clauses)


def _filtered(ctx: ServiceContext, query: Any, states: tuple[str, ...] | None) -> Any:
    query = query.where(_visible(ctx))
    if states:
        query = query.where(m.Job.state.in_(states))  # type: ignore[attr-defined]
    return query


def list_jobs(ctx: ServiceContext, *, states: tuple[str, ...] | None = None,
              limit: int = MAX_LISTED, offset: int = 0) -> list[JobView]:
    """Jobs newest first, one page (`offset`, at most `limit`, paged in SQL): those
    `ctx.actor` queued or whose token it may read (a job over several tokens: shown to
    whoever may read apps). `states` filters."""
    with ctx.store.session() as session:
        query = _filtered(ctx, select(m.Job), states)
        rows = session.exec(query.order_by(m.Job.id.desc())  # type: ignore[union-attr]
                            .offset(offset).limit(limit)).all()
        return [_view(r) for r in rows]


def count_jobs(ctx: ServiceContext, *, states: tuple[str, ...] | None = None) -> int:
    """How many jobs `list_jobs` would show without a limit (one COUNT query)."""
    with ctx.store.session() as session:
        query = _filtered(ctx, select(func.count()).select_from(m.Job), states)
        return int(session.exec(query).one())


def active_counts(ctx: ServiceContext) -> tuple[int, int]:
    """(queued, running): the jobs `list_jobs` would show that are not finished (for the
    console's Activity status line and jobs screen). One grouped query."""
    with ctx.store.session() as session:
        query = _filtered(ctx, select(m.Job.state, func.count()).select_from(m.Job),
                          rules.ACTIVE).group_by(m.Job.state)
        counts = dict(session.exec(query).all())
    return counts.get(rules.QUEUED, 0), counts.get(rules.RUNNING, 0)


def _unknown_text(job_id: int) -> str:
    return _("no job {id} you may see; see 'vpp-tui jobs'").format(id=job_id)


def get_job(ctx: ServiceContext, job_id: int) -> JobView:
    """One job `list_jobs` would show; NotFound otherwise (the same line for a job that
    does not exist and one the admin may not see)."""
    if not 1 <= job_id <= rules.MAX_JOB_ID:  # PostgreSQL would refuse it: no such job
        raise NotFound(_unknown_text(job_id))
    with ctx.store.session() as session:
        row = session.exec(select(m.Job).where(m.Job.id == job_id, _visible(ctx))).first()
        if row is None:
            raise NotFound(_unknown_text(job_id))
        return _view(row)


PERMISSION_OF = {rules.SYNC: Permission.TOKENS_SYNC, rules.ASSIGN: Permission.APPS_ASSIGN,
                 rules.UNASSIGN: Permission.APPS_UNASSIGN,
                 rules.REVOKE: Permission.APPS_REVOKE_HOLDER,
                 rules.RECONCILE: Permission.APPS_REVOKE}


def cancel(ctx: ServiceContext, job_id: int) -> JobView:
    """Cancel a job: a queued one at once, a running one at its next safe point, before
    it posts another batch to Apple (what it posted is awaited and recorded first; its
    worker sees the request on its next heartbeat and ends it cancelled). Whoever queued
    it may, or an admin with the kind's permission over its token. Audited as
    `job.cancel`. Raises NotFound, InvalidInput (finished already), AccessDenied."""
    try:
        seen = get_job(ctx, job_id)
    except NotFound:  # unknown, or out of the admin's sight: one line, naming no token
        raise NotFound(_("job {id} does not exist or is not yours to cancel; see "
                         "'vpp-tui jobs'").format(id=job_id)) from None
    kind, about, actor = seen.kind, seen.token, seen.actor
    token_id = token_id_of(ctx, about) if about else None
    if actor != ctx.actor:
        authorize(ctx, PERMISSION_OF.get(kind, Permission.TOKENS_SYNC), token_id=token_id)
    now = ctx.clock.now()
    with ctx.store.session() as session:
        queued = session.execute(update(m.Job).where(
            m.Job.id == job_id, m.Job.state == rules.QUEUED).values(
            state=rules.CANCELLED, finished_at=now, dedupe_key=None, exit_status=1,
            result=stored(rules.cancelled_text))).rowcount == 1
        if not queued:
            running = session.execute(update(m.Job).where(
                m.Job.id == job_id, m.Job.state == rules.RUNNING).values(
                cancel_requested=True)).rowcount == 1
            if not running:
                state = session.get(m.Job, job_id)
                raise InvalidInput(rules.bad_state_text(job_id, state.state if state
                                                        else "?"))
        audit.record(session, ctx, "job.cancel", f"{kind} {about or ''}".strip(),
                     detail=stored(lambda: _("job {id} cancelled").format(id=job_id)),
                     token_id=token_id)
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
