"""The usage history: each completed sync records every item's license counts (in its own
write transaction), thinned by `domain.usage`; the item details chart reads it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from vpp_tui.domain import usage as rules
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import models as m

# Thinning looks back this far before the 30-day line each sync: syncs up to a week apart
# thin every day they crossed. A token left unsynced longer keeps a few more samples of
# those days until they pass 400 days.
THIN_WINDOW = timedelta(days=8)


def record_usage(session: Session, token_id: int, now: datetime) -> int:
    """Add one sample per item of the token (its counts as the sync just wrote them) and
    thin the token's history; inside the sync's write transaction. Returns how many
    samples were added."""
    assets = session.exec(select(m.Asset.adam_id, m.Asset.pricing_param, m.Asset.assigned,
                                 m.Asset.available, m.Asset.total).where(
        m.Asset.token_id == token_id)).all()
    session.add_all([m.UsageSample(token_id=token_id, adam_id=adam_id, pricing_param=param,
                                   assigned=assigned, available=available, total=total,
                                   recorded_at=now)
                     for adam_id, param, assigned, available, total in assets])
    prune_usage(session, token_id, now)
    return len(assets)


def prune_usage(session: Session, token_id: int, now: datetime) -> int:
    """Apply the keeping rule (`domain.usage`) to the token's history: drop samples past
    400 days, thin those that crossed the 30-day line lately. Returns how many went."""
    sample = m.UsageSample
    gone = session.exec(delete(sample).where(  # type: ignore[call-overload]
        col(sample.token_id) == token_id,
        col(sample.recorded_at) < rules.drop_before(now))).rowcount or 0
    thin = rules.thin_before(now)
    start = (thin - THIN_WINDOW).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = session.exec(select(sample.id, sample.adam_id, sample.pricing_param,
                               sample.recorded_at).where(
        col(sample.token_id) == token_id, col(sample.recorded_at) >= start,
        col(sample.recorded_at) < thin)).all()
    ids = rules.samples_to_prune(
        ((i or 0, (adam_id, param), at) for i, adam_id, param, at in rows), now)
    for chunk in range(0, len(ids), 500):
        session.exec(delete(sample).where(  # type: ignore[call-overload]
            col(sample.id).in_(ids[chunk:chunk + 500])))
    return gone + len(ids)


@dataclass(frozen=True)
class UsagePoint:
    """One sample: licenses `assigned`, `available` and `total` at `recorded_at` (UTC)."""

    recorded_at: datetime
    assigned: int
    available: int
    total: int


def usage_history(ctx: ServiceContext, asset_id: int, *,
                  days: int = 400) -> list[UsagePoint]:
    """The item's samples of the last `days` days, oldest first. Raises AccessDenied
    when the admin may not read the item's token's apps."""
    with ctx.store.session() as session:
        asset = session.get(m.Asset, asset_id)
        token_id = asset.token_id if asset is not None else None
    authorize(ctx, Permission.APPS_READ, token_id=token_id)
    if asset is None:
        return []
    since = ctx.clock.now() - timedelta(days=days)
    sample = m.UsageSample
    with ctx.store.session() as session:
        rows = session.exec(select(sample.recorded_at, sample.assigned, sample.available,
                                   sample.total).where(
            col(sample.token_id) == asset.token_id, col(sample.adam_id) == asset.adam_id,
            col(sample.pricing_param) == asset.pricing_param,
            col(sample.recorded_at) >= since).order_by(
            col(sample.recorded_at), col(sample.id))).all()
    return [UsagePoint(*row) for row in rows]
