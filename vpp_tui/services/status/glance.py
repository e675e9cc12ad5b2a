"""What the console header and `vpp-tui status` say at a glance: items nearly out of
licenses and tokens inside their expiry notice window.

Both read only what the acting admin may read: `low_items` the apps and books in their
scope (mobile_apps.read), `expiry_notices` the tokens (managed_apps.read). Read with
SQLAlchemy Core (`store.tables`, in `Store.reading()`): `vpp-tui status` loads neither
SQLModel nor the ORM (issue 13).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from vpp_tui.domain import notices
from vpp_tui.domain.access import Permission
from vpp_tui.domain.settings import is_low_on_licenses
from vpp_tui.domain.tokens import effective_expiry
from vpp_tui.services.access import authorize, check_action, token_scope_clause
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.settings import get_setting, low_license_thresholds
from vpp_tui.store import tables


@dataclass(frozen=True)
class LowItem:
    """An app or book over its low-license threshold (`domain.settings.is_low_on_licenses`):
    `used` of `total` licenses, `threshold` the percentage that applied to it."""

    token: str
    adam_id: str
    pricing_param: str
    name: str
    product_type: str  # app | book
    used: int
    total: int
    available: int
    threshold: float

    def as_json(self) -> dict[str, Any]:
        return {"token": self.token, "adam_id": self.adam_id,
                "pricing_param": self.pricing_param, "name": self.name,
                "product_type": self.product_type, "used": self.used, "total": self.total,
                "available": self.available, "threshold_percent": self.threshold}


def low_items(ctx: ServiceContext) -> list[LowItem]:
    """Every app and book in the admin's scope at or over its low-license threshold, by
    token then name. Raises AccessDenied without mobile_apps.read."""
    authorize(ctx, Permission.APPS_READ)
    default, overrides = low_license_thresholds(ctx)
    token, asset = tables.tokens.c, tables.assets.c
    scope = token_scope_clause(ctx, asset.token_id, Permission.APPS_READ)
    with ctx.store.reading() as db:
        rows = db.execute(select(
            token.name, asset.adam_id, asset.pricing_param, asset.name, asset.product_type,
            asset.assigned, asset.total, asset.available).join(
            tables.tokens, token.id == asset.token_id).where(
            asset.total > 0, asset.unlimited.is_(False), scope).order_by(
            token.name, asset.name, asset.id)).all()
    found = []
    for token, adam_id, param, name, kind, used, total, available in rows:
        percent = overrides.get(adam_id, default)
        if is_low_on_licenses(used, total, False, percent):
            found.append(LowItem(token, adam_id, param, name or adam_id, kind, used, total,
                                 available, percent))
    return found


def expiry_notices(ctx: ServiceContext) -> list[notices.ExpiryNotice]:
    """Tokens in the admin's scope inside their expiry notice window (the first notice day
    is the `expiring_soon_days` setting; `domain.notices`), most urgent first. Raises
    AccessDenied without managed_apps.read."""
    authorize(ctx, Permission.TOKENS_READ)
    first_day = int(get_setting(ctx, "expiring_soon_days"))
    now = ctx.clock.now()
    token = tables.tokens.c
    scope = token_scope_clause(ctx, token.id)
    with ctx.store.reading() as db:
        rows = db.execute(select(token.name, token.expires_at, token.apple_expires_at)
                          .where(scope)).all()
    found = []
    for name, expires_at, apple_expires_at in rows:
        notice = notices.expiry_notice(name, effective_expiry(expires_at, apple_expires_at),
                                       now, first_day)
        if notice is not None:
            found.append(notice)
    return notices.most_urgent(found)


@dataclass(frozen=True)
class Glance:
    """The console header's notices: counts of low apps and books, and the token expiry
    notices (most urgent first). `parts()` words them."""

    low_apps: int = 0
    low_books: int = 0
    expiring: tuple[notices.ExpiryNotice, ...] = ()

    def parts(self, *, short: bool = False) -> list[str]:
        """The header's phrases: the most urgent token notice ("(+N)" more tokens have
        one), then the apps and books nearly out of licenses; `short`: the narrow
        terminal's words ("South Campus 10 d", "6 apps, 1 book low")."""
        words = []
        if self.expiring:
            first = self.expiring[0]
            words.append(first.short_text() if short else first.text())
            if len(self.expiring) > 1:
                words[-1] += f" (+{len(self.expiring) - 1})"
        summary = (notices.low_license_short if short else notices.low_license_summary)
        return words + summary(self.low_apps, self.low_books)


def glance(ctx: ServiceContext) -> Glance:
    """The header's notices for the acting admin: parts the admin may not read are left
    out (no audit of a refusal: nothing was asked for). Raises nothing it can avoid."""
    low: list[LowItem] = []
    if check_action(ctx, Permission.APPS_READ):
        low = low_items(ctx)
    expiring = (expiry_notices(ctx) if check_action(ctx, Permission.TOKENS_READ) else [])
    return Glance(low_apps=sum(1 for i in low if i.product_type == "app"),
                  low_books=sum(1 for i in low if i.product_type == "book"),
                  expiring=tuple(expiring))
