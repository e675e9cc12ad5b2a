"""The append-only audit log: every change writes one entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from vpp_tui.services.context import ServiceContext
from vpp_tui.services.safe_text import SafeText
from vpp_tui.store import limits
from vpp_tui.store.models import AuditEntry


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
) -> None:
    """Add one entry to `session`'s transaction (`at` defaults to now). `target` and `detail` are made to fit
    their columns (`store.limits.clip`): an over-long file name or an odd character in
    Apple's text never stops the change it describes."""
    session.add(
        AuditEntry(
            at=at or ctx.clock.now(), actor=ctx.actor, action=action,
            target=limits.clip(AuditEntry, "target", target) or "", result=result,
            detail=limits.clip(AuditEntry, "detail", detail), apple_event_id=apple_event_id,
            apple_event_status=apple_event_status,
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


def list_entries(ctx: ServiceContext, *, offset: int = 0, limit: int = 200) -> list[AuditRecord]:
    with ctx.store.session() as session:
        rows = session.exec(
            select(AuditEntry).order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
        ).all()
        return [_to_record(r) for r in rows]


def count_entries(ctx: ServiceContext) -> int:
    with ctx.store.session() as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()
