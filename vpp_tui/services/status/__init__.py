"""`vpp-tui status`: the estate on one screen for cron mail and monitoring (issue 12).

Something needs attention (`StatusReport.needs_attention`, exit status 1) when:
- a token needs attention by the one rule the token list and the console use
  (`domain.tokens.needs_attention`): expired, invalid, held by another MDM, a duplicate,
  expiring soon (inside the `expiring_soon_days` window), or its last sync failed;
  `notice_due` still says on which days the Jamf cadence of `domain.notices` (30, 23, 16,
  9 days ahead, then daily in the last week) would send an expiry notice;
- an app or book is at or over its low-license threshold;
- someone waits on a waitlist;
- a reconciliation class holds rows an admin can act on (`reconciliation_counts`): rows
  whose license cannot be reclaimed (a book held twice; books are never reclaimed,
  design.md "Apps and books") are listed in `reconciliation_unreclaimable` and do not
  count, or a daily cron would mail about them for ever with nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vpp_tui.domain import notices
from vpp_tui.domain.access import Permission
from vpp_tui.domain.tokens import TokenState
from vpp_tui.i18n import _, ngettext
from vpp_tui.services import apple_posts
from vpp_tui.services.access import authorize
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.status.glance import (
    Glance,
    LowItem,
    expiry_notices,
    glance,
    low_items,
)
from vpp_tui.services.status.waiting import WaitlistCount, waitlist_counts
from vpp_tui.services.tokens.queries import list_tokens
from vpp_tui.services.views import TokenView

__all__ = ["Glance", "LowItem", "StatusReport", "TokenStatus", "WaitlistCount",
           "expiry_notices", "glance", "low_items", "reconciliation_counts", "status_report",
           "waitlist_counts"]

# Token states that need an admin whatever the day (expiring soon follows the cadence).
_BROKEN = frozenset({TokenState.EXPIRED, TokenState.INVALID, TokenState.EXTERNAL_MDM,
                     TokenState.DUPLICATE})


@dataclass(frozen=True)
class TokenStatus:
    """One token: its state, expiry notice (None outside the window) and last sync."""

    view: TokenView
    notice: notices.ExpiryNotice | None

    @property
    def needs_attention(self) -> bool:
        """The token list's answer (`domain.tokens.needs_attention`), never a second rule."""
        return self.view.needs_attention

    def as_json(self) -> dict[str, Any]:
        v, n = self.view, self.notice
        return {"name": v.name, "state": v.state, "state_reason": v.state_reason,
                "expires_at": v.expires_at.isoformat(), "days_left": v.days_left,
                "notice_due": bool(n and n.due_today),
                "next_notice_in_days": None if n is None else n.next_in,
                "last_sync_at": v.last_sync_at.isoformat() if v.last_sync_at else None,
                "last_sync_status": v.last_sync_status, "last_sync_error": v.last_sync_error,
                "needs_attention": self.needs_attention}


@dataclass(frozen=True)
class StatusReport:
    """The whole `status` answer; `reasons()` lists what needs attention, one line each."""

    checked_at: datetime
    tokens: tuple[TokenStatus, ...]
    low: tuple[LowItem, ...]
    waiting: tuple[WaitlistCount, ...]
    reconciliation: dict[str, int] = field(default_factory=dict)
    # Rows per class that cannot be reclaimed (books): shown, not needing attention.
    unreclaimable: dict[str, int] = field(default_factory=dict)
    # Posts to Apple whose outcome nobody recorded (`services.apple_posts`), one line each.
    unsettled: tuple[str, ...] = ()

    def reasons(self) -> list[str]:
        lines = list(self.unsettled)
        for t in self.tokens:
            if not t.needs_attention:
                continue
            if t.notice is not None and t.view.state == TokenState.EXPIRING_SOON:
                lines.append(t.notice.text())
            elif t.view.state in _BROKEN or t.view.state == TokenState.EXPIRING_SOON:
                lines.append(_("token {name}: {reason}").format(
                    name=t.view.name, reason=t.view.state_reason))
            else:
                lines.append(_("token {name}: last sync failed").format(name=t.view.name))
        lines += notices.low_license_summary(
            sum(1 for i in self.low if i.product_type == "app"),
            sum(1 for i in self.low if i.product_type == "book"))
        waiting = sum(w.waiting for w in self.waiting)
        if waiting:
            lines.append(ngettext("{n} waiting for a license", "{n} waiting for licenses",
                                  waiting).format(n=waiting))
        for name, count in sorted(self.reconciliation.items()):
            count -= self.unreclaimable.get(name, 0)
            if count > 0:
                lines.append(_("reconciliation: {n} {name}").format(n=count, name=name))
        return lines

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons())

    def as_json(self) -> dict[str, Any]:
        return {"healthy": not self.needs_attention, "attention": self.reasons(),
                "checked_at": self.checked_at.isoformat(),
                "tokens": [t.as_json() for t in self.tokens],
                "low_on_licenses": [i.as_json() for i in self.low],
                "waitlists": [w.as_json() for w in self.waiting],
                "reconciliation": dict(self.reconciliation),
                "reconciliation_unreclaimable": dict(self.unreclaimable)}


def reconciliation_counts(ctx: ServiceContext) -> dict[str, int]:
    """Rows per reconciliation class ({class name: count}, every class present), over the
    locations the admin may read (`services.reconcile.reconciliation_summary`: the
    reconcile report's facts and rule, read with Core). Raises AccessDenied without
    mobile_apps.read."""
    from vpp_tui.services.reconcile import reconciliation_summary

    return reconciliation_summary(ctx).counts


def status_report(ctx: ServiceContext) -> StatusReport:
    """The estate for `vpp-tui status`, as the acting admin may read it. Raises
    AccessDenied without managed_apps.read and mobile_apps.read. Read with SQLAlchemy
    Core only (no SQLModel, no ORM: issue 13, CLI start-up)."""
    from vpp_tui.services.reconcile import reconciliation_summary

    authorize(ctx, Permission.TOKENS_READ)
    authorize(ctx, Permission.APPS_READ)
    by_name = {n.token: n for n in expiry_notices(ctx)}
    tokens = tuple(TokenStatus(v, by_name.get(v.name)) for v in list_tokens(ctx))
    waiting = tuple(waitlist_counts(ctx))
    found = reconciliation_summary(ctx)
    with ctx.store.reading() as db:
        unsettled = apple_posts.unsettled_lines(db, ctx.clock.now(),
                                                [t.view.id for t in tokens])
    return StatusReport(checked_at=ctx.clock.now(), tokens=tokens, low=tuple(low_items(ctx)),
                        waiting=waiting, reconciliation=dict(found.counts),
                        unreclaimable=dict(found.unreclaimable), unsettled=tuple(unsettled))
