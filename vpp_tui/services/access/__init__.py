"""The one place where roles and scope tags are enforced (issue 10).

Every service that reads or changes something calls `authorize` before it reads or
writes; a refusal raises `AccessDenied` (one line naming the missing permission) and is
audited (`access.denied`, result `denied`) in its own transaction. The console greys what
an admin may not do from `check_action`, the same answer without the audit. Queries limit
themselves to the tokens an admin's grants reach with `token_scope_clause` (tokens,
catalog, assignments, audit), so what is out of scope is absent from every list, count,
search and JSON output. The rules themselves are pure, in `domain.access`.

The first admin to act on a store that has no owner becomes its owner and Administrator
over every scope (`identity.claim_store`); the CLI and the console claim it for the OS
login before they honour `--as` (see `identity.check_identity`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from vpp_tui.domain.access import (
    ADMINISTRATOR,
    BUILT_IN_ROLES,
    DEFAULT_SCOPE,
    Grant,
    Permission,
    denial_text,
    reach,
)
from vpp_tui.i18n import _, stored
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import ServiceError
from vpp_tui.store import tables as t

if TYPE_CHECKING:
    from sqlmodel import Session

# The read helpers below take `db`: an ORM session (`Store.session()`) or a Core
# connection (`Store.reading()`); they run Core queries of `store.tables` with
# `db.execute`, so a read-only command imports neither SQLModel nor the ORM (issue 13).

__all__ = [
    "AccessDenied", "Permission", "authorize", "check_action", "grants_of", "reach_clause",
    "token_id_of", "token_scope_clause", "visible_names_in", "visible_token_ids", "visible_token_names",
]

DENIED = "denied"


class AccessDenied(ServiceError, PermissionError):
    """The acting admin may not do this; the message names the missing permission.

    A ServiceError (the CLI exits 1, the console shows the message like any refusal)."""

    def __init__(self, message: str, permission: Permission | None = None) -> None:
        super().__init__(message)
        self.permission = permission


def grants_of(db: Any, admin: str) -> list[Grant]:
    """The admin's grants as domain values: role permissions and scope tag names, read in
    `db` (a session or a Core connection).

    Read with SQLAlchemy Core (`store.tables`): every command asks this before it starts,
    and neither SQLModel nor the ORM is needed for it."""
    grant_t, role_t = t.grants, t.roles
    perm_t, tag_t, link_t = t.role_permissions, t.scope_tags, t.grant_scope_tags
    rows = db.execute(select(grant_t.c.id, grant_t.c.all_scopes, role_t.c.id, role_t.c.name,
                             role_t.c.built_in).join(
        role_t, role_t.c.id == grant_t.c.role_id).where(grant_t.c.admin == admin)).all()
    grants = []
    for grant_id, all_scopes, role_id, role_name, built_in in rows:
        if built_in and role_name in BUILT_IN_ROLES:
            perms = BUILT_IN_ROLES[role_name][1]
        else:
            perms = frozenset(_known(db.execute(select(perm_t.c.permission).where(
                perm_t.c.role_id == role_id)).scalars().all()))
        tags = frozenset(db.execute(select(tag_t.c.name).join(
            link_t, link_t.c.scope_tag_id == tag_t.c.id).where(
            link_t.c.grant_id == grant_id)).scalars().all())
        grants.append(Grant(role=role_name, permissions=perms, all_scopes=all_scopes,
                            scope_tags=tags or frozenset({DEFAULT_SCOPE})))
    return grants


def _known(values: Iterable[str]) -> set[Permission]:
    known = {p.value: p for p in Permission}
    return {known[v] for v in values if v in known}


def token_tags(db: Any, token_id: int) -> tuple[str, ...]:
    """The scope tag names of token `token_id`, read in `db` (a session or a connection)."""
    tag_t, link_t = t.scope_tags, t.token_scope_tags
    return tuple(db.execute(select(tag_t.c.name).join(
        link_t, link_t.c.scope_tag_id == tag_t.c.id).where(
        link_t.c.token_id == token_id)).scalars().all())


def token_id_of(ctx: ServiceContext, name: str | None) -> int | None:
    """The id of the token named `name`, or None (no name, or no such token: the service
    then says NotFound itself). Used as `authorize(ctx, P, token_id=token_id_of(ctx, n))`."""
    if not name:
        return None
    with ctx.store.reading() as db:
        return db.execute(select(t.tokens.c.id).where(t.tokens.c.name == name)).scalar()


def _owned(db: Any) -> bool:
    owner = t.store_owner
    return db.execute(select(owner.c.id).where(owner.c.id == 1)).first() is not None


def _decide(ctx: ServiceContext, permission: Permission,
            token_id: int | None) -> tuple[bool, str | None]:
    """(allowed, the token's name when one was named and exists). Decided by
    `AccessSnapshot.allows` (`domain.access.allowed`), as the console decides."""
    from vpp_tui.services.access.identity import claim_store
    from vpp_tui.services.access.snapshot import AccessSnapshot

    def read(db: Any) -> tuple[tuple[Grant, ...], str | None, dict[int, tuple[str, ...]]]:
        grants = tuple(grants_of(db, ctx.actor))
        name = None
        tags: dict[int, tuple[str, ...]] = {}
        if token_id is not None:
            name = db.execute(select(t.tokens.c.name).where(
                t.tokens.c.id == token_id)).scalar()
            if name is not None:
                tags[token_id] = token_tags(db, token_id)
        return grants, name, tags

    with ctx.store.reading() as db:  # an owned store (every store but a new one):
        found = read(db) if _owned(db) else None  # one connection
    if found is None:
        claim_store(ctx, ctx.actor)
        with ctx.store.reading() as db:
            found = read(db)
    grants, name, tags = found
    snapshot = AccessSnapshot(ctx.actor, grants, tags)
    return snapshot.allows(permission, token_id), name


def check_action(ctx: ServiceContext, permission: Permission,
                 token_id: int | None = None) -> bool:
    """May `ctx.actor` do `permission` (on `token_id`'s scope)? No audit, no exception:
    what the console uses to hide or grey an action."""
    if not ctx.actor:
        return False
    return _decide(ctx, permission, token_id)[0]


def authorize(ctx: ServiceContext, permission: Permission, token_id: int | None = None) -> None:
    """Raise AccessDenied when `ctx.actor` may not do `permission` (on `token_id`'s scope).

    Without `token_id`, a scoped permission must be held in some scope; with it, through a
    grant covering that token's scope tags (domain.access.allowed). A refusal is audited
    (`access.denied`, result `denied`, the permission and token in its detail) before the
    exception is raised; nothing else is written."""
    if not ctx.actor:
        raise AccessDenied(_("no acting admin; pass --as NAME or set VPP_ADMIN"), permission)
    ok, name = _decide(ctx, permission, token_id)
    if ok:
        return
    text = denial_text(ctx.actor, permission, name)
    from vpp_tui.services import audit

    with ctx.store.session() as session:
        audit.record(session, ctx, "access.denied", permission.value, result=DENIED,
                     detail=stored(denial_text, ctx.actor, permission, name),  # shared: English
                     token_id=token_id if name is not None else None)
    raise AccessDenied(text, permission)


def token_scope_clause(ctx: ServiceContext, token_column: ColumnElement,
                       permission: Permission = Permission.TOKENS_READ) -> ColumnElement:
    """A WHERE clause keeping the rows whose `token_column` (a tokens.id) the acting admin
    reaches with `permission`: every row, the tokens carrying a covered scope tag, plus the
    untagged ones when the default scope is covered. The one scope filter of every query."""
    with ctx.store.reading() as db:
        return reach_clause(grants_of(db, ctx.actor), token_column, permission)


def reach_clause(grants: Iterable[Grant], token_column: ColumnElement,
                 permission: Permission = Permission.TOKENS_READ) -> ColumnElement:
    """`token_scope_clause` for grants already read (`grants_of`), so one read of them
    serves a whole query (the token list reads them once)."""
    every, tags = reach(grants, permission)
    if every:
        return true()
    if not tags:
        return false()
    # Core (store.tables): the clause joins ORM and Core queries alike.
    link_t, tag_t, token_t = t.token_scope_tags, t.scope_tags, t.tokens
    tagged = select(link_t.c.token_id).join(
        tag_t, tag_t.c.id == link_t.c.scope_tag_id).where(
        func.lower(tag_t.c.name).in_(sorted(tags)))
    clause = token_column.in_(tagged)
    if DEFAULT_SCOPE in tags:
        untagged = select(token_t.c.id).where(
            token_t.c.id.not_in(select(link_t.c.token_id)))
        clause = or_(clause, token_column.in_(untagged))
    return clause


def visible_names_in(db: Any, actor: str,
                     permission: Permission = Permission.TOKENS_READ,
                     grants: Iterable[Grant] | None = None) -> list[str]:
    """The names of the tokens `actor` reaches with `permission`, sorted, read in the
    caller's `db` (a session or a connection; for hints and texts that name other tokens:
    a name outside the admin's scope tags must never appear in them). `grants`: `actor`'s,
    when already read."""
    token_t = t.tokens
    if grants is None:
        grants = grants_of(db, actor)
    clause = reach_clause(grants, token_t.c.id, permission)
    return list(db.execute(select(token_t.c.name).where(clause).order_by(
        token_t.c.name)).scalars().all())


def visible_token_ids(ctx: ServiceContext,
                      permission: Permission = Permission.TOKENS_READ) -> frozenset[int]:
    """The ids of the tokens the acting admin reaches with `permission`."""
    clause = token_scope_clause(ctx, t.tokens.c.id, permission)
    with ctx.store.reading() as db:
        return frozenset(i for i in db.execute(select(t.tokens.c.id).where(
            clause)).scalars().all() if i is not None)


def visible_token_names(ctx: ServiceContext,
                        permission: Permission = Permission.TOKENS_READ) -> frozenset[str]:
    """The names of the tokens the acting admin reaches with `permission`."""
    clause = token_scope_clause(ctx, t.tokens.c.id, permission)
    with ctx.store.reading() as db:
        return frozenset(db.execute(select(t.tokens.c.name).where(clause)).scalars().all())


_PAREN = re.compile(r"\(([^()]+)\)")


def audit_token_id(db: Any, target: str) -> int | None:
    """The token an audit entry is about: the target is the token's name, or a label
    naming it in parentheses ("Pages (North Campus) → Teachers"); the last match wins."""
    if not target:
        return None
    candidates = [target, *reversed(_PAREN.findall(target))]
    rows = dict(db.execute(select(t.tokens.c.name, t.tokens.c.id).where(
        t.tokens.c.name.in_(candidates))).all())
    return next((rows[c] for c in candidates if c in rows), None)


def insert_owner(session: Session, admin: str, now) -> bool:  # noqa: ANN001
    """Make `admin` the store's owner and Administrator over every scope, if nobody is
    yet. Returns False when another admin claimed it first (the row is unique)."""
    from sqlmodel import select as orm_select

    from vpp_tui.store import models as m

    try:
        with session.begin_nested():
            session.add(m.StoreOwner(id=1, admin=admin, claimed_at=now))
            session.flush()
    except IntegrityError:
        return False
    role = session.exec(orm_select(m.Role).where(m.Role.name == ADMINISTRATOR)).one()
    session.add(m.AdminGrant(admin=admin, role_id=role.id or 0, all_scopes=True,
                             created_by=admin, created_at=now))
    return True
