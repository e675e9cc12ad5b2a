"""What the console needs to grey actions without asking the store on every key press.

Textual asks a screen's `check_action` for every binding on every refresh; answering each
from the store meant several SQL statements per binding. The console loads an
`AccessSnapshot` once (when a section mounts, and again when grants or tokens change) and
decides from it with `domain.access.allowed`, the same rule `authorize` applies: one rule
in one place (issue 10).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from vpp_tui.domain.access import Grant, Permission, allowed
from vpp_tui.services.access import _owned, grants_of
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import tables as t


@dataclass(frozen=True)
class AccessSnapshot:
    """Plain data: the acting admin's grants (permission sets with scope tags) and every
    token's scope tags, by id and by name. Decides nothing itself beyond calling
    `domain.access.allowed`; holds no session and reads nothing after it is built."""

    actor: str
    grants: tuple[Grant, ...] = ()
    tags_by_id: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    ids_by_name: Mapping[str, int] = field(default_factory=dict)

    def allows(self, permission: Permission, token: int | str | None = None) -> bool:
        """May the admin do `permission` (on `token`, an id or a name)? An unknown token
        decides as no token (the service then says NotFound itself), as `authorize`."""
        if not self.actor:
            return False
        token_id = self.ids_by_name.get(token) if isinstance(token, str) else token
        tags = self.tags_by_id.get(token_id) if token_id is not None else None
        return allowed(self.grants, permission, tags)


def access_snapshot(ctx: ServiceContext) -> AccessSnapshot:
    """Load `ctx.actor`'s AccessSnapshot: three queries plus one per grant. Claims an
    unowned store for the actor first, as `authorize` does. Raises nothing of its own."""
    from vpp_tui.services.access.identity import claim_store

    if not ctx.actor:
        return AccessSnapshot(actor="")
    with ctx.store.reading() as db:  # Core (store.tables): no SQLModel, no ORM
        owned = _owned(db)
    if not owned:
        claim_store(ctx, ctx.actor)
    link, tag_t = t.token_scope_tags, t.scope_tags
    with ctx.store.reading() as db:
        grants = tuple(grants_of(db, ctx.actor))
        ids = {name: i for i, name in db.execute(select(t.tokens.c.id, t.tokens.c.name)).all()
               if i is not None}
        tags: dict[int, list[str]] = {i: [] for i in ids.values()}
        for token_id, tag in db.execute(select(link.c.token_id, tag_t.c.name).join(
                tag_t, tag_t.c.id == link.c.scope_tag_id)).all():
            tags.setdefault(token_id, []).append(tag)
    return AccessSnapshot(ctx.actor, grants, {k: tuple(v) for k, v in tags.items()}, ids)
