"""Sync one token (or all) from Apple: config, assets, assignments, users, metadata.

Everything Apple says is fetched first, then applied in one transaction per
token, so a failed sync changes nothing but the record that it failed. A lease
in the token row makes sure one token is never synced twice at once, even by
two admins' consoles on a shared PostgreSQL store.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.domain import tokens as rules
from vpp_tui.i18n import _
from vpp_tui.services import audit
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.apple_link import apple_failure_text, client_for
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.waitlist import serve_token
from vpp_tui.services.settings import get_setting
from vpp_tui.services.sync_apply import AppleSnapshot, apply_snapshot
from vpp_tui.services.tokens import bearer_of, get_token
from vpp_tui.services.views import SyncResult
from vpp_tui.store import models as m

LEASE_SECONDS = 15 * 60
METADATA_BATCH = 100
Progress = Callable[[str, int, int], None]


def _lease_owner(ctx: ServiceContext) -> str:
    return f"{ctx.actor}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire_lease(ctx: ServiceContext, token_id: int, owner: str) -> bool:
    """Atomically take the token's sync lease; False when someone else holds a live one."""
    now = ctx.clock.now()
    with ctx.store.session() as session:
        result = session.execute(
            update(m.Token)
            .where(m.Token.id == token_id)
            .where(or_(m.Token.lease_owner.is_(None), m.Token.lease_expires_at < now))
            .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=LEASE_SECONDS),
                    last_sync_status="in_progress")
        )
        return result.rowcount == 1


def release_lease(ctx: ServiceContext, token_id: int, owner: str) -> None:
    with ctx.store.session() as session:
        session.execute(update(m.Token).where(m.Token.id == token_id,
                                              m.Token.lease_owner == owner)
                        .values(lease_owner=None, lease_expires_at=None))


@dataclass
class _Plan:
    token_id: int
    name: str
    full: bool
    assignments_since: str | None
    users_since: str | None
    country: str
    platform: str | None


def _plan(ctx: ServiceContext, name: str, force_full: bool) -> _Plan:
    with ctx.store.session() as session:
        token = session.exec(select(m.Token).where(m.Token.name == name)).one()
        _due, full = rules.sync_due(token.last_sync_at, token.last_full_sync_at,
                                    ctx.clock.now(), int(get_setting(ctx, "sync_interval_hours")))
        full = full or force_full or not token.assignments_version_id
        return _Plan(token_id=token.id or 0, name=token.name, full=full,
                     assignments_since=None if full else token.assignments_version_id,
                     users_since=None if full else token.users_version_id,
                     country=token.country, platform=token.default_platform)


def _fetch(ctx: ServiceContext, plan: _Plan, bearer: str, on_progress: Progress | None,
           existing_adam_ids: set[str]) -> tuple[AppleSnapshot, int]:
    def progress(stage: str, done: int, total: int) -> None:
        if on_progress is not None:
            on_progress(stage, done, total)

    with client_for(ctx, bearer, check_owner=True, on_progress=on_progress) as client:
        progress("config", 0, 5)
        config = client.client_config()
        progress("assets", 1, 5)
        assets = client.assets()
        progress("assignments", 2, 5)
        assignments = client.assignments(since_version_id=plan.assignments_since)
        progress("users", 3, 5)
        users = client.users(since_version_id=plan.users_since)
        progress("metadata", 4, 5)
        platform = config.defaultPlatform or plan.platform or "enterprisestore"
        ids = sorted({a.adamId for a in assets.items if a.adamId})
        metadata: dict[str, Any] = {}
        for start in range(0, len(ids), METADATA_BATCH):
            metadata.update(client.lookup_metadata(ids[start:start + METADATA_BATCH],
                                                   plan.country, platform))
        progress("apply", 5, 5)
        snapshot = AppleSnapshot(config=config, assets=assets.items,
                                 unlimited=getattr(assets, "unlimited", []) or [],
                                 assignments=assignments.items,
                                 assignments_version=assignments.version_id,
                                 assignments_delta=assignments.delta,
                                 users=users.items, users_version=users.version_id,
                                 users_delta=users.delta, metadata=metadata,
                                 country=plan.country)
        return snapshot, client.requests_made


def _record_failure(ctx: ServiceContext, plan: _Plan, run_id: int, exc: Exception,
                    requests: int) -> str:
    text = apple_failure_text(exc)
    now = ctx.clock.now()
    with ctx.store.session() as session:
        token = session.get(m.Token, plan.token_id)
        run = session.get(m.SyncRun, run_id)
        if run is not None:
            run.status, run.error, run.finished_at, run.requests = "failed", text, now, requests
            session.add(run)
        if token is not None:
            token.last_sync_status, token.last_sync_error, token.last_sync_at = "failed", text, now
            if isinstance(exc, apple_errors.MdmConflict):
                token.external_mdm_id = getattr(exc, "mdm_id", None)
                token.external_mdm_name = getattr(exc, "mdm_name", None) or _("another MDM")
                token.external_mdm_metadata = getattr(exc, "mdm_metadata", None)
                token.take_control = False
            elif isinstance(exc, apple_errors.AppleError) and apple_errors.is_token_fault(exc):
                token.apple_error = exc.error_number
                token.apple_error_message = text
                token.apple_error_at = now
            session.add(token)
        audit.record(session, ctx, "token.sync", plan.name, result="failed", detail=text)
    return text


def sync_token(ctx: ServiceContext, name: str, *, full: bool = False,
               on_progress: Progress | None = None) -> SyncResult:
    authorize(ctx, Permission.TOKENS_SYNC)
    view = get_token(ctx, name).token
    if not view.can_sync:
        return SyncResult(name=name, status="skipped",
                          error=_("not synced: {reason}").format(reason=view.state_reason))
    plan = _plan(ctx, name, full)
    owner = _lease_owner(ctx)
    if not acquire_lease(ctx, plan.token_id, owner):
        return SyncResult(name=name, status="skipped",
                          error=_("already being synced by another console; try again later"))
    try:
        with ctx.store.session() as session:
            run = m.SyncRun(token_id=plan.token_id, actor=ctx.actor, full=plan.full,
                            started_at=ctx.clock.now())
            session.add(run)
            session.flush()
            run_id = run.id or 0
            existing = set(session.exec(select(m.Asset.adam_id).where(
                m.Asset.token_id == plan.token_id)).all())
        bearer = bearer_of(ctx, name)
        requests = 0
        try:
            snapshot, requests = _fetch(ctx, plan, bearer, on_progress, existing)
            with ctx.store.session() as session:
                counts = apply_snapshot(ctx, session, plan.token_id, snapshot)
                _finish(ctx, session, plan, run_id, snapshot, counts, requests)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, then reported
            error = _record_failure(ctx, plan, run_id, exc, requests)
            return SyncResult(name=name, status="failed", requests=requests, error=error,
                              full=plan.full)
        # Committed, lease still held: licenses bought or freed go to those waiting.
        served = _serve_waitlists(ctx, plan.token_id, bearer)
        return SyncResult(name=name, status="completed", requests=requests,
                          assets=counts.assets, assignments=counts.assignments,
                          users=counts.users, full=plan.full,
                          notes=tuple(counts.notes) + served)
    finally:
        release_lease(ctx, plan.token_id, owner)


def _serve_waitlists(ctx: ServiceContext, token_id: int, bearer: str) -> tuple[str, ...]:
    """One note per item whose waitlist the sync served (licenses bought or freed)."""
    return tuple(_("waitlist of {item}: {n} licensed, {w} still waiting").format(
        item=s.item, n=len(s.admitted), w=s.waiting) + (f" ({s.error})" if s.error else "")
        for s in serve_token(ctx, token_id, bearer))


def _finish(ctx: ServiceContext, session: Session, plan: _Plan, run_id: int,
            snapshot: AppleSnapshot, counts: Any, requests: int) -> None:
    now = ctx.clock.now()
    token = session.get(m.Token, plan.token_id)
    assert token is not None
    token.last_sync_at = now
    token.last_sync_status = "completed"
    token.last_sync_error = None
    if snapshot.assignments_version:
        token.assignments_version_id = snapshot.assignments_version
    if snapshot.users_version:
        token.users_version_id = snapshot.users_version
    if plan.full:
        token.last_full_sync_at = now
    token.updated_at = now
    session.add(token)
    run = session.get(m.SyncRun, run_id)
    if run is not None:
        run.status, run.finished_at, run.requests = "completed", now, requests
        run.assets, run.assignments, run.users = counts.assets, counts.assignments, counts.users
        session.add(run)
    audit.record(session, ctx, "token.sync", plan.name, detail=(
        f"{'full' if plan.full else 'delta'}: {counts.assets} assets, "
        f"{counts.assignments} assignments, {counts.users} users, {requests} requests"))


def sync_all(ctx: ServiceContext, *, full: bool = False, due_only: bool = False,
             names: list[str] | None = None,
             on_progress: Callable[[str, int, int], None] | None = None) -> list[SyncResult]:
    """Sync every token (or the named ones); with `due_only`, only those whose interval passed."""
    from vpp_tui.services.tokens import list_tokens

    authorize(ctx, Permission.TOKENS_SYNC)
    views = list_tokens(ctx)
    if names:
        wanted = set(names)
        views = [v for v in views if v.name in wanted]
    interval = int(get_setting(ctx, "sync_interval_hours"))
    results = []
    for index, view in enumerate(views):
        if on_progress is not None:
            on_progress(view.name, index, len(views))
        if due_only:
            due, _full = rules.sync_due(view.last_sync_at, None, ctx.clock.now(), interval)
            if not due:
                continue
        results.append(sync_token(ctx, view.name, full=full))
    if on_progress is not None:
        on_progress("", len(views), len(views))
    return results
