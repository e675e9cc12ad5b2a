"""Fill a fresh demo store: the demo world's token files, its directory, a first sync."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from vpp_tui.services import tokens
from vpp_tui.services.context import ServiceContext

DEMO_APPLE_ID = "vpp-admin@appleid.contoso.edu"


@dataclass(frozen=True)
class DemoToken:
    location_name: str
    content: str


def token_names(files: list[DemoToken]) -> list[str]:
    """Locations loaded twice get A/B names ("Music A", "Music B"), as admins name them."""
    seen = Counter(f.location_name for f in files)
    used: Counter[str] = Counter()
    names = []
    for f in files:
        if seen[f.location_name] > 1:
            letter = "ABCDEFGH"[used[f.location_name]]
            used[f.location_name] += 1
            names.append(f"{f.location_name.split()[0]} {letter}")
        else:
            names.append(f.location_name)
    return names


def is_seeded(ctx: ServiceContext) -> bool:
    """True when the demo store holds a token (one Core query, no ORM)."""
    from vpp_tui.store import tables

    with ctx.store.reading() as db:
        return db.execute(select(tables.tokens.c.id).limit(1)).first() is not None


def seed(ctx: ServiceContext, files: list[DemoToken], directory: dict[str, Any] | None) -> bool:
    """Load the demo once; returns False when the store already holds tokens.

    The demo shows a token in every state, so its expired and revoked files go in through
    the demo-only `tokens.seed_demo_token`, which keeps what Apple refuses; an admin's
    `add_token` refuses such files."""
    if is_seeded(ctx):
        return False
    for name, f in zip(token_names(files), files, strict=True):
        tokens.seed_demo_token(ctx, tokens.NewToken(
            name=name, apple_id=DEMO_APPLE_ID, content=f.content, consent=True,
            country="US", account_type="education", auto_update=True,
            scope_tags=[f.location_name]))
    if directory is not None:
        try:
            from vpp_tui.services import directory as directory_service
        except ImportError:
            directory_service = None
        if directory_service is not None:
            import json

            directory_service.import_directory(ctx, json.dumps(directory))
    from vpp_tui.services.sync import sync_all

    sync_all(ctx)
    return True


# The demo's one recorded intent (issue 12): Story Builder for the Teachers of North
# Campus, not applied yet, so the Reconcile view shows intent next to Apple's holders.
DEMO_INTENT = ("Story Builder", "North Campus", "Teachers", "required", "user")


def add_intent(ctx: ServiceContext) -> bool:
    """Record DEMO_INTENT once (only in a store with no assignment, whose item and group
    exist); returns whether it was added. Apple is not called: the assignment waits to be
    applied (its members are `intended_not_held`, Story Builder's other holders
    `held_not_intended`)."""
    from sqlmodel import func, select

    from vpp_tui.store import models as m

    item, token, group, intent, license_type = DEMO_INTENT
    with ctx.store.session() as session:
        if session.exec(select(func.count()).select_from(m.Assignment)).one():
            return False
        asset = session.exec(select(m.Asset).join(
            m.Token, m.Token.id == m.Asset.token_id).where(
            m.Asset.name == item, m.Token.name == token, m.Asset.pricing_param == "STDQ")
        ).first()
        row = session.exec(select(m.DirectoryGroup).where(
            m.DirectoryGroup.name == group)).first()
        if asset is None or row is None:
            return False
        session.add(m.Assignment(asset_id=asset.id or 0, group_id=row.id or 0, intent=intent,
                                 license_type=license_type, created_by=ctx.actor))
    return True
