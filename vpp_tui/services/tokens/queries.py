"""Reading tokens: the triage list, one token's details, and the decrypted bearer.

The list reads with SQLAlchemy Core (`store.tables`, in `Store.reading()`): `vpp-tui token
list` imports neither SQLModel nor the ORM (issue 13). Helpers taking `db` accept an ORM
session as well as a Core connection (both have `execute`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import func, select

from vpp_tui.apple.stoken import decode_token
from vpp_tui.domain import tokens as rules
from vpp_tui.domain.access import Grant
from vpp_tui.domain.leases import lease_key
from vpp_tui.domain.outcomes import shown_sync_status
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.access import (
    Permission,
    authorize,
    grants_of,
    reach_clause,
    token_id_of,
    visible_names_in,
)
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import NotFound
from vpp_tui.services.leases import expiries
from vpp_tui.services.settings import get_setting
from vpp_tui.services.views import (
    NotificationSeen,
    SyncRunView,
    TokenDetails,
    TokenView,
)
from vpp_tui.store import tables
from vpp_tui.store.secrets import SecretBox, secret_box

if TYPE_CHECKING:
    from sqlmodel import Session

    from vpp_tui.store import models as m


def _get(session: Session, name: str, actor: str) -> m.Token:
    """The token named `name`; NotFound names the tokens `actor` may see, no others."""
    from sqlmodel import select as orm_select

    from vpp_tui.store import models as m

    token = session.exec(orm_select(m.Token).where(m.Token.name == name)).first()
    if token is None:
        names = visible_names_in(session, actor)
        hint = _(" (tokens: {names})").format(names=", ".join(names)) if names else ""
        raise NotFound(_("no token named {name}{hint}").format(name=quote(name), hint=hint))
    return token


V = TypeVar("V")  # a TokenView or a triage.TokenBrief: what `matching` searches, both have

# At most this many tokens asked for: their facts are read for them alone, not for every
# token (a sync of one token among 3,000 must not scan them all; issue 13).
FEW = 100


def asset_counts(db: Any, ids: list[int] | None = None) -> dict[tuple[int, str], int]:
    """{(token id, "app"/"book"): assets in the catalog} of tokens `ids` (None: all), read
    in `db` (a session or a connection)."""
    asset = tables.assets  # Core, as every read of the token list (no ORM)
    query = select(asset.c.token_id, asset.c.product_type, func.count())
    if ids is not None:
        query = query.where(asset.c.token_id.in_(ids))
    rows = db.execute(query.group_by(asset.c.token_id, asset.c.product_type)).all()
    return {(token_id, kind): n for token_id, kind, n in rows}


def _scope_tags(db: Any, ids: list[int] | None = None) -> dict[int, tuple[str, ...]]:
    link, tag = tables.token_scope_tags, tables.scope_tags
    query = select(link.c.token_id, tag.c.name).join(tag, tag.c.id == link.c.scope_tag_id)
    if ids is not None:
        query = query.where(link.c.token_id.in_(ids))
    rows = db.execute(query.order_by(tag.c.name)).all()
    tags: dict[int, list[str]] = {}
    for token_id, name in rows:
        tags.setdefault(token_id, []).append(name)
    return {k: tuple(v) for k, v in tags.items()}


# Masked secrets already worked out, by (key, ciphertext): decrypting and decoding 3,000
# token files took a third of the token list's time (issue 13). Only masked hints are kept.
_HINTS: dict[tuple[str | None, bytes], str] = {}
_HINTS_KEPT = 20_000


def _hint(box: SecretBox, secret: bytes) -> str:
    """The token file's masked form (`decode_token(...).masked()`); "?" when this key
    cannot open it or it is no token file (a wrong key must not hide the token list)."""
    known = _HINTS.get((box.key_id, secret))
    if known is not None:
        return known
    try:
        hint = decode_token(box.decrypt(secret)).masked()
    except Exception:
        return "?"
    if len(_HINTS) >= _HINTS_KEPT:
        _HINTS.clear()
    _HINTS[(box.key_id, secret)] = hint
    return hint


@dataclass
class Judging:
    """What judging a token's state needs besides its own row (`judge`): the tokens per
    location (duplicates), the names the admin may see (read only when a duplicate needs
    naming), the leases (a sync in progress), the clock and the expiry window. `grants`:
    the acting admin's, when the caller read them already."""

    ctx: ServiceContext
    session: Any  # an ORM session or a Core connection
    by_location: Counter
    names_by_location: dict[str, list[str]]
    leases: dict
    now: datetime
    soon: int
    hints: rules.ActionHints
    grants: list[Grant] | None = None
    _visible: set[str] | None = None

    def visible(self) -> set[str]:
        if self._visible is None:
            self._visible = set(visible_names_in(self.session, self.ctx.actor,
                                                 grants=self.grants))
        return self._visible


def judging(ctx: ServiceContext, session: Any, locations: set[str] | None = None,
            soon: int | None = None, grants: list[Grant] | None = None) -> Judging:
    """The `Judging` for tokens at `locations` (None: every location), read in `session`
    (an ORM session or a Core connection)."""
    token_t = tables.tokens
    siblings = select(token_t.c.name, token_t.c.location_id)
    if locations is not None:  # only the locations of these tokens matter
        siblings = siblings.where(token_t.c.location_id.in_(locations))
    all_tokens = session.execute(siblings).all()
    by_location = Counter(loc for _n, loc in all_tokens if loc)
    names_by_location: dict[str, list[str]] = {}
    for name, loc in all_tokens:
        if loc and by_location[loc] > 1:
            names_by_location.setdefault(loc, []).append(name)
    if soon is None:
        soon = int(get_setting(ctx, "expiring_soon_days"))
    return Judging(ctx, session, by_location, names_by_location, expiries(session),
                   ctx.clock.now(), soon, ctx.action_hints or rules.console_hints(), grants)


def judge(t: Any, env: Judging, hints: rules.ActionHints | None = None,
          ) -> tuple[datetime, str, rules.TokenHealth]:
    """(effective expiry, shown sync status, health) of token row `t` (a `m.Token` or a
    row with its columns): `domain.tokens.token_health`, the one rule, fed from the store."""
    expires_at = rules.effective_expiry(t.expires_at, t.apple_expires_at)
    # Only names the admin may see: an out-of-scope duplicate is "another token".
    others = env.names_by_location.get(t.location_id or "", [])
    dupes = tuple(n for n in others if n != t.name and n in env.visible()) if others else ()
    status = shown_sync_status(t.last_sync_status, env.leases.get(
        lease_key(t.location_id, t.id or 0)), env.now)
    health = rules.token_health(
        rules.TokenFacts(
            expires_at=expires_at,
            apple_error=t.apple_error,
            external_mdm_name=t.external_mdm_name,
            external_mdm_metadata=t.external_mdm_metadata,
            is_duplicate=bool(t.location_id) and env.by_location[t.location_id] > 1,
            duplicate_of=dupes,
            last_sync_status=status,
            last_sync_error=t.last_sync_error,
        ),
        env.now,
        expiring_soon_days=env.soon,
        hints=hints or env.hints,
    )
    return expires_at, status, health


def read_views(ctx: ServiceContext, session: Any, tokens: Sequence[Any],
               soon: int | None = None, *, hints: bool = True,
               grants: list[Grant] | None = None) -> list[TokenView]:
    """The full views of `tokens` (`m.Token` objects or rows of its table; their order
    kept), read in `session`: for at most `FEW` tokens their facts (counts, tags,
    siblings) are read for them alone. `soon`: the expiry window in days (None: the stored
    setting). `hints` False leaves `secret_hint` empty (no secret decrypted). `grants`: the
    acting admin's, when the caller read them already."""
    few = len(tokens) <= FEW
    ids = [t.id or 0 for t in tokens] if few else None
    env = judging(ctx, session, {t.location_id for t in tokens if t.location_id}
                  if few else None, soon, grants)
    counts = asset_counts(session, ids)
    tags = _scope_tags(session, ids)
    now = env.now
    box = secret_box(ctx.store, ctx.key_file) if hints else None
    views = []
    for t in tokens:
        expires_at, status, health = judge(t, env, env.hints.for_token(t.name))
        hint = _hint(box, t.secret) if box is not None else ""
        views.append(TokenView(
            id=t.id or 0, name=t.name, state=str(health.state), state_reason=health.reason,
            advice=health.advice, needs_attention=health.needs_attention,
            urgency=health.urgency, can_sync=health.can_sync, location_id=t.location_id,
            location_name=t.location_name, org_name=t.org_name, apple_id=t.apple_id,
            expires_at=expires_at, days_left=rules.days_left(expires_at, now),
            last_sync_at=t.last_sync_at,
            last_sync_status=status,
            last_sync_error=t.last_sync_error,
            app_count=counts.get((t.id, "app"), 0), book_count=counts.get((t.id, "book"), 0),
            country=t.country, account_type=t.account_type, auto_update=t.auto_update,
            external_mdm_name=t.external_mdm_name,
            external_mdm_metadata=t.external_mdm_metadata, scope_tags=tags.get(t.id or 0, ()),
            notification_url=t.notification_url,
            secret_hint=hint,
        ))
    return views


def list_tokens(ctx: ServiceContext, *, attention_only: bool = False,
                text: str | None = None,
                expiring_soon_days: int | None = None) -> list[TokenView]:
    """Tokens sorted by urgency (needs attention first), then name. `expiring_soon_days`:
    the window to judge expiry with instead of the stored setting (a settings preview).
    `secret_hint` is empty in a list (no secret is decrypted); `get_token` gives it."""
    authorize(ctx, Permission.TOKENS_READ)
    token_t = tables.tokens  # Core: rows, not objects; neither SQLModel nor the ORM
    with ctx.store.reading() as db:
        grants = grants_of(db, ctx.actor)  # read once: the scope and the names shown
        scope = reach_clause(grants, token_t.c.id)
        tokens = list(db.execute(select(*token_t.columns).where(scope)).all())
        views = read_views(ctx, db, tokens, expiring_soon_days, hints=False, grants=grants)
    return matching(sorted(views, key=lambda v: (v.urgency, v.name.lower())),
                    attention_only=attention_only, text=text)


def matching(views: list[V], *, attention_only: bool = False,
             text: str | None = None) -> list[V]:
    """The views (`TokenView`s or `triage.TokenBrief`s, order kept) that need attention
    (`attention_only`) and contain `text`, case-insensitively, in their name, location, organisation, state, reason, Apple ID or
    country: the token list's filter, applied to views already read (no store access)."""
    if attention_only:
        views = [v for v in views if v.needs_attention]
    if text:
        needle = text.lower()
        views = [v for v in views if needle in " ".join(
            str(x) for x in (v.name, v.location_name, v.org_name, v.state, v.state_reason,
                             v.apple_id, v.country)).lower()]
    return views


def get_token(ctx: ServiceContext, name: str, *, history: int = 10) -> TokenDetails:
    from sqlmodel import col
    from sqlmodel import select as orm_select

    from vpp_tui.store import models as m

    authorize(ctx, Permission.TOKENS_READ, token_id=token_id_of(ctx, name))
    with ctx.store.session() as session:
        token = _get(session, name, ctx.actor)
        view = read_views(ctx, session, [token])[0]
        lease_until = expiries(session).get(lease_key(token.location_id, token.id or 0))
        runs = session.exec(orm_select(m.SyncRun).where(m.SyncRun.token_id == token.id)
                            .order_by(col(m.SyncRun.id).desc()).limit(history)).all()
        seen = session.exec(orm_select(m.Notification).where(
            m.Notification.token_id == token.id).order_by(
            col(m.Notification.id).desc()).limit(5)).all()
        return TokenDetails(
            notifications=tuple(NotificationSeen(
                n.received_at, n.notification_type, n.outcome or "",
                n.applied_at is not None) for n in seen),
            token=view, website_url=token.website_url, default_platform=token.default_platform,
            apple_country=token.apple_country, take_control=token.take_control,
            claimed_at=token.claimed_at, created_at=token.created_at,
            history=tuple(SyncRunView(
                started_at=r.started_at, finished_at=r.finished_at, actor=r.actor, full=r.full,
                status=shown_sync_status(r.status, lease_until, ctx.clock.now()),
                requests=r.requests, assets=r.assets,
                assignments=r.assignments, users=r.users, error=r.error) for r in runs),
        )


def bearer_of(ctx: ServiceContext, name: str) -> str:
    """The decrypted secret, for the Apple client only: never printed, never logged."""
    with ctx.store.session() as session:
        token = _get(session, name, ctx.actor)
        return secret_box(ctx.store, ctx.key_file).decrypt(token.secret)
