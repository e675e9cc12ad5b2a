"""The append-only audit log: every change writes one entry in the same transaction.

One kind of entry changes after it is written, once: the note of a write post to Apple,
from `pending` to its end (`services.apple_posts`); readers show it as the admin reads it
(`apple_posts.shown`: what was asked, and "outcome unknown" once its writer is gone)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy import func as core_func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, func, select

from vpp_tui.domain.access import Grant
from vpp_tui.domain.audit_filter import AuditFilter
from vpp_tui.domain.text import nfc
from vpp_tui.services import apple_posts
from vpp_tui.services.access import (
    Permission,
    audit_token_id,
    authorize,
    grants_of,
    reach_clause,
    token_scope_clause,
)
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.safe_text import SafeText
from vpp_tui.store import limits
from vpp_tui.store import tables as t
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

    def as_json(self) -> dict[str, object]:
        """The entry as `vpp-tui audit --json` prints it: every field, `AUDIT_FIELDS`."""
        return {name: getattr(self, name) for name in AUDIT_FIELDS}


#: the result of an entry recording a refusal: nothing changed
REFUSED = "refused"

#: the JSON field names of an audit entry, in order: also the columns of its CSV
AUDIT_FIELDS = tuple(f.name for f in fields(AuditRecord))


def record_refusal(ctx: ServiceContext, action: str, target: str, detail: str) -> None:
    """Audit a refusal of the admin's input: one entry, result "refused", `detail` the
    refusal's message in English (the store is shared: `i18n.english`), in a transaction
    of its own; nothing else is written. The design's rule: "Refuse first, then log: a
    refusal changes nothing and is audited". The CLI calls it where it reports a refusal,
    once for every command (`cli/refusals.py`); a service that audits its own refusals
    (`tokens.gate.refuse`) marks the error `audited` so that it is not written twice."""
    with ctx.store.session() as session:
        record(session, ctx, action, target, result=REFUSED, detail=detail)


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
            at=at or ctx.clock.now(), actor=nfc(ctx.actor), action=action,
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


def _visible(ctx: ServiceContext, entry: Any = None,
             grants: list[Grant] | None = None):  # noqa: ANN202
    """Entries about no token, or about a token the admin reads (as a token or through its
    apps); an entry about a deleted token only for admins who reach every token. `entry`:
    the columns (the ORM model's, or `store.tables`' for a Core read); `grants`: the
    admin's, when already read."""
    token = col(AuditEntry.token_id) if entry is None else entry.token_id
    if grants is None:
        return or_(token.is_(None), token_scope_clause(ctx, token, Permission.TOKENS_READ),
                   token_scope_clause(ctx, token, Permission.APPS_READ))
    return or_(token.is_(None), reach_clause(grants, token, Permission.TOKENS_READ),
               reach_clause(grants, token, Permission.APPS_READ))


def _matching(ctx: ServiceContext, where: AuditFilter | None, entry: Any = None,
              grants: list[Grant] | None = None):  # noqa: ANN202
    """The entries `ctx` reads (`_visible`) that `where` asks for: its free text in
    actor, action, target, detail or Apple eventId, admin in the actor, action, target
    and result each in their own column (all literal, any case: `store.text_match`),
    `since` ≤ at < `until`. Every visible entry without a filter. `entry`, `grants`: as
    `_visible`."""
    where = where or AuditFilter()
    c = entry if entry is not None else _OrmColumns
    clauses = [_visible(ctx, entry, grants), contains_text(
        where.text, c.actor, c.action, c.target, c.detail, c.apple_event_id),
        contains_text(where.admin, c.actor),
        contains_text(where.action, c.action),
        contains_text(where.target, c.target),
        contains_text(where.result, c.result)]
    if where.since is not None:
        clauses.append(c.at >= where.since)
    if where.until is not None:
        clauses.append(c.at < where.until)
    return and_(*(clause for clause in clauses if clause is not None))


class _OrmColumns:
    """The ORM model's columns under the names `store.tables` gives them (`_matching`)."""

    actor = col(AuditEntry.actor)
    action = col(AuditEntry.action)
    target = col(AuditEntry.target)
    detail = col(AuditEntry.detail)
    apple_event_id = col(AuditEntry.apple_event_id)
    result = col(AuditEntry.result)
    at = col(AuditEntry.at)


def _filter(text: str | None, where: AuditFilter | None) -> AuditFilter | None:
    """`text` (the older keyword) is the free text of a filter without one."""
    if text and (where is None or where.text is None):
        return replace(where or AuditFilter(), text=text)
    return where


def _entries(ctx: ServiceContext, offset: int, limit: int | None,
             where: AuditFilter | None) -> list[AuditRecord]:
    with ctx.store.session() as session:
        query = select(AuditEntry).where(_matching(ctx, where)).order_by(
            col(AuditEntry.id).desc()).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return apple_posts.shown(session, [_to_record(r) for r in session.exec(query).all()],
                                 ctx.clock.now())


def list_entries(ctx: ServiceContext, *, offset: int = 0, limit: int = 200,
                 text: str | None = None,
                 where: AuditFilter | None = None) -> list[AuditRecord]:
    """The newest entries first, only those the acting admin's scope reaches; with `text`,
    only those whose actor, action, target, detail or Apple eventId contains it (literal
    text, any case: `%` and `_` are not wildcards); with `where`
    (`domain.audit_filter`), only those it asks for. Paged in SQL: `offset`, `limit` rows.

    Raises AccessDenied without `audit.read`."""
    authorize(ctx, Permission.AUDIT_READ)
    return _entries(ctx, offset, limit, _filter(text, where))


def export_entries(ctx: ServiceContext, *, limit: int | None = None,
                   text: str | None = None,
                   where: AuditFilter | None = None) -> list[AuditRecord]:
    """Entries for export (`vpp-tui audit --json|--csv`, the console's `x`), newest first,
    scope-limited and filtered like `list_entries`, every one unless `limit`. Raises
    AccessDenied without `audit.export`."""
    authorize(ctx, Permission.AUDIT_EXPORT)
    return _entries(ctx, 0, limit, _filter(text, where))


def count_entries(ctx: ServiceContext, *, text: str | None = None,
                  where: AuditFilter | None = None) -> int:
    """How many entries `list_entries` can page through with the same filter. Raises
    AccessDenied without `audit.read`."""
    authorize(ctx, Permission.AUDIT_READ)
    with ctx.store.session() as session:
        return session.exec(select(func.count()).select_from(AuditEntry).where(
            _matching(ctx, _filter(text, where)))).one()


@dataclass(frozen=True)
class AuditPage:
    """One page of `list_entries`: its entries, the offset they start at (clamped to the
    last page) and how many entries the filter keeps in all (`count_entries`)."""

    entries: list[AuditRecord]
    offset: int
    total: int


def page_of_entries(ctx: ServiceContext, *, offset: int = 0, limit: int = 100,
                    where: AuditFilter | None = None) -> AuditPage:
    """`count_entries` and the page of `list_entries` at `offset` (moved back to the last
    page when the log shrank below it), in one read: authorized once, the admin's grants
    read once, on SQLAlchemy Core (issue 13: the console's Activity read them six times,
    its first visit at 20k entries). Raises AccessDenied without `audit.read`."""
    authorize(ctx, Permission.AUDIT_READ)
    entry = t.audit_entries.c
    with ctx.store.reading() as db:
        matching = _matching(ctx, where, entry, grants_of(db, ctx.actor))
        total = int(db.execute(core_select(core_func.count()).select_from(
            t.audit_entries).where(matching)).scalar_one())
        offset = min(offset, max(0, (total - 1) // limit * limit))
        rows = db.execute(core_select(*(getattr(entry, name) for name in AUDIT_FIELDS))
                          .where(matching).order_by(entry.id.desc())
                          .offset(offset).limit(limit)).all()
        records = apple_posts.shown(db, [AuditRecord(*row) for row in rows], ctx.clock.now())
    return AuditPage(records, offset, total)
