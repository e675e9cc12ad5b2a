"""The console's Tokens table at 3,000 tokens (issue 13): a light triage list, and full
views for the rows on screen only.

A token's state (expired, expiring soon, duplicate…) is `domain.tokens.token_health`,
computed from the clock, the expiry window setting, the leases and the other tokens at
its location: a stored column would go stale as time passes, and an SQL `CASE` would write
the rule a second time. So one query reads only the columns the rule needs (no secrets, no
ORM objects), the rule judges each row once, and the triage order, the filter and the
counts are worked out on those light rows (`TokenBrief`); the expensive part of a row (the
token file's masked secret, asset counts, scope tags, advice) is read by `token_views`
for the page the table shows.

Both read with SQLAlchemy Core (`store.tables`, in `Store.reading()`), as `list_tokens`
does: the console's first token row imports neither SQLModel nor the ORM (issue 13).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from vpp_tui.domain import tokens as rules
from vpp_tui.services.access import Permission, authorize, grants_of, reach_clause
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.safe_text import SafeText
from vpp_tui.services.tokens.queries import asset_counts, judge, judging, read_views
from vpp_tui.services.views import TokenView
from vpp_tui.store import tables


@dataclass(frozen=True)
class TokenBrief(SafeText):
    """One token as the triage order, the filter and the token choices need it: its
    state as `domain.tokens.token_health` judges it now (`state`, `state_reason`,
    `needs_attention`, `urgency`: lower first) and the fields the filter searches
    (`tokens.matching`). `days_left`: whole days to the effective expiry; counts of its
    apps and books in the catalog."""

    id: int
    name: str
    state: str
    state_reason: str
    needs_attention: bool
    urgency: int
    location_name: str | None
    org_name: str
    apple_id: str
    country: str
    expires_at: datetime
    days_left: int
    app_count: int
    book_count: int


_TOKEN = tables.tokens.c
_COLUMNS = (_TOKEN.id, _TOKEN.name, _TOKEN.location_id, _TOKEN.location_name, _TOKEN.org_name,
            _TOKEN.apple_id, _TOKEN.country, _TOKEN.expires_at, _TOKEN.apple_expires_at,
            _TOKEN.apple_error, _TOKEN.external_mdm_name, _TOKEN.external_mdm_metadata,
            _TOKEN.last_sync_status, _TOKEN.last_sync_error)
# A row of those columns as a plain named tuple: the rule reads ten fields of each of
# 3,000 rows, and a named tuple's fields read faster than a SQLAlchemy Row's.
_BriefRow = namedtuple("_BriefRow", [c.name for c in _COLUMNS])


def token_briefs(ctx: ServiceContext) -> list[TokenBrief]:
    """Every token the acting admin sees, as `list_tokens` orders them (by urgency, then
    name, case-insensitively), light: three queries (the rule's columns, the tokens per
    location, the catalog counts) whatever the number of tokens. Raises AccessDenied
    without tokens.read."""
    authorize(ctx, Permission.TOKENS_READ)
    with ctx.store.reading() as db:
        grants = grants_of(db, ctx.actor)  # read once: the scope and the names shown
        rows = [_BriefRow._make(r) for r in db.execute(
            select(*_COLUMNS).where(reach_clause(grants, _TOKEN.id)))]
        env = judging(ctx, db, grants=grants)
        counts = asset_counts(db)
        briefs = []
        for t in rows:
            expires_at, _status, health = judge(t, env)
            briefs.append(TokenBrief(
                id=t.id, name=t.name, state=str(health.state), state_reason=health.reason,
                needs_attention=health.needs_attention, urgency=health.urgency,
                location_name=t.location_name, org_name=t.org_name, apple_id=t.apple_id,
                country=t.country, expires_at=expires_at,
                days_left=rules.days_left(expires_at, env.now),
                app_count=counts.get((t.id, "app"), 0),
                book_count=counts.get((t.id, "book"), 0)))
    return sorted(briefs, key=lambda b: (b.urgency, b.name.lower()))


def token_views(ctx: ServiceContext, ids: list[int], *,
                hints: bool = True) -> list[TokenView]:
    """The full views (`list_tokens`' rows) of the tokens `ids`, in that order: one page
    of the table, read for those tokens alone. Ids the admin may not see, or that are
    gone, are left out. `hints` False leaves `secret_hint` empty: no secret is decrypted
    (the console's table never shows it). Raises AccessDenied without tokens.read."""
    authorize(ctx, Permission.TOKENS_READ)
    if not ids:
        return []
    with ctx.store.reading() as db:
        grants = grants_of(db, ctx.actor)
        found = db.execute(select(*tables.tokens.columns).where(
            reach_clause(grants, _TOKEN.id), _TOKEN.id.in_(ids))).all()
        views = {v.id: v for v in read_views(ctx, db, found, hints=hints, grants=grants)}
    return [views[i] for i in ids if i in views]
