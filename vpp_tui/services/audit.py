"""The append-only audit log: every change writes one entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from vpp_tui.services.access import (
    Permission,
    audit_token_id,
    authorize,
    token_scope_clause,
)
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.safe_text import SafeText
from vpp_tui.store import limits
from vpp_tui.store.models import AuditEntry
from vpp_tui.store.text_match import contains_text


@dataclass(frozen=True)
class AuditRecord(SafeText):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    result: str
    detail: str | None
    apple_event_id: str | None
    apple_event_status: str | None


def record(
    session: Session,
    ctx: ServiceContext,
    action: str,
    target: str,
    *,
    result: str = "ok",
    detail: str | None = None,
    apple_event_id: str | None = None,
    apple_event_status: str | None = None,
    at: datetime | None = None,
    token_id: int | None = None,
) -> None:
    """Add one entry to `session` (committed with the change it records; `at` defaults to
    now). The token it is about is `token_id`, else the token `target` names
    (`access.audit_token_id`): scope tags then decide who reads the entry. `target` and
    `detail` are made to fit their columns (`store.limits.clip`): an over-long file name or
    an odd character in Apple's text never stops the change it describes."""
    if token_id is None:
        token_id = audit_token_id(session, target)
    session.add(
        AuditEntry(
            at=at or ctx.clock.now(), actor=ctx.actor, action=action,
            target=limits.clip(AuditEntry, "target", target) or "", result=result,
            detail=limits.clip(AuditEntry, "detail", detail), apple_event_id=apple_event_id,
            apple_event_status=apple_event_status, token_id=token_id,
        )
    )


def record_failure(ctx: ServiceContext, action: str, target: str, detail: str) -> None:
    """A refused or failed change is audited too, in its own transaction (the change rolled back)."""
    with ctx.store.session() as session:
        record(session, ctx, action, target, result="failed", detail=detail)


def _to_record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=row.id or 0, at=row.at, actor=row.actor, action=row.action, target=row.target,
        result=row.result, detail=row.detail, apple_event_id=row.apple_event_id,
        apple_event_status=row.apple_event_status,
    )


def _visible(ctx: ServiceContext):  # noqa: ANN202
    """Entries about no token, or about a token the admin reads (as a token or through its
    apps); an entry about a deleted token only for admins who reach every token."""
    token = col(AuditEntry.token_id)
    return or_(token.is_(None), token_scope_clause(ctx, token, Permission.TOKENS_READ),
               token_scope_clause(ctx, token, Permission.APPS_READ))


def _matching(ctx: ServiceContext, text: str | None):  # noqa: ANN202
    """The entries `ctx` reads (`_visible`) whose actor, action, target, detail or Apple
    eventId contains `text` literally (`store.text_match`); every visible entry without it."""
    match = contains_text(text, col(AuditEntry.actor), col(AuditEntry.action),
                          col(AuditEntry.target), col(AuditEntry.detail),
                          col(AuditEntry.apple_event_id))
    return _visible(ctx) if match is None else and_(_visible(ctx), match)


def _entries(ctx: ServiceContext, offset: int, limit: int | None,
             text: str | None) -> list[AuditRecord]:
    with ctx.store.session() as session:
        query = select(AuditEntry).where(_matching(ctx, text)).order_by(
            col(AuditEntry.id).desc()).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [_to_record(r) for r in session.exec(query).all()]


def list_entries(ctx: ServiceContext, *, offset: int = 0, limit: int = 200,
                 text: str | None = None) -> list[AuditRecord]:
    """The newest entries first, only those the acting admin's scope reaches; with `text`,
    only those whose actor, action, target, detail or Apple eventId contains it (literal
    text, any case: `%` and `_` are not wildcards). Paged in SQL: `offset`, `limit` rows.

    Raises AccessDenied without `audit.read`."""
    authorize(ctx, Permission.AUDIT_READ)
    return _entries(ctx, offset, limit, text)


def export_entries(ctx: ServiceContext, *, limit: int | None = None,
                   text: str | None = None) -> list[AuditRecord]:
    """Entries for export (`vpp-tui audit --json`), newest first, scope-limited and
    filtered by `text` like `list_entries`. Raises AccessDenied without `audit.export`."""
    authorize(ctx, Permission.AUDIT_EXPORT)
    return _entries(ctx, 0, limit, text)


def count_entries(ctx: ServiceContext, *, text: str | None = None) -> int:
    """How many entries `list_entries` can page through with the same `text`. Raises
    AccessDenied without `audit.read`."""
    authorize(ctx, Permission.AUDIT_READ)
    with ctx.store.session() as session:
        return session.exec(select(func.count()).select_from(AuditEntry).where(
            _matching(ctx, text))).one()
