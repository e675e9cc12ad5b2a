"""Who waits for a license, counted for `vpp-tui status` with SQLAlchemy Core (issue 13).

A member waits for an item while its license row's status is `waitlisted`
(`domain.licensing.ledger.RowStatus.WAITLISTED`, the status the waitlist service queues
and serves: `services.licensing.waitlist`); `status` counts those rows per item without
reading the queue's order or loading the licensing services (SQLModel and the ORM).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from vpp_tui.domain.access import Permission
from vpp_tui.domain.licensing.ledger import RowStatus
from vpp_tui.services.access import authorize, token_scope_clause
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import tables


@dataclass(frozen=True)
class WaitlistCount:
    """How many wait for one item under one token."""

    token: str
    adam_id: str
    pricing_param: str
    name: str
    waiting: int

    def as_json(self) -> dict[str, Any]:
        return {"token": self.token, "adam_id": self.adam_id,
                "pricing_param": self.pricing_param, "name": self.name,
                "waiting": self.waiting}


def waitlist_counts(ctx: ServiceContext) -> list[WaitlistCount]:
    """Every item someone waits for, in the admin's scope, with how many wait (license
    rows `waitlisted`), ordered as `services.licensing.waitlist.waitlists` lists them (item
    name, then token name). One statement. Raises AccessDenied without mobile_apps.read."""
    authorize(ctx, Permission.APPS_READ)
    token, asset, lic = tables.tokens.c, tables.assets.c, tables.licenses.c
    scope = token_scope_clause(ctx, asset.token_id, Permission.APPS_READ)
    with ctx.store.reading() as db:
        rows = db.execute(select(
            token.name, asset.adam_id, asset.pricing_param, asset.name, func.count()).join(
            tables.assets, asset.id == lic.asset_id).join(
            tables.tokens, token.id == asset.token_id).where(
            lic.status == str(RowStatus.WAITLISTED), scope).group_by(
            asset.id, token.name, asset.adam_id, asset.pricing_param, asset.name).order_by(
            asset.name, token.name, asset.id)).all()
    return [WaitlistCount(t, adam_id, param, name or adam_id, n)
            for t, adam_id, param, name, n in rows]
