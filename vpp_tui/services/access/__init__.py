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

from sqlalchemy import false, or_, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

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
from vpp_tui.store import models as m

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


def grants_of(session: Session, admin: str) -> list[Grant]:
    """The admin's grants as domain values: role permissions and scope tag names.

    Read with SQLAlchemy Core (`models.table`): every command asks this before it starts,
    and the ORM's mappers need not be configured for it."""
    grant_t, role_t = m.table(m.AdminGrant), m.table(m.Role)
    perm_t, tag_t, link_t = (m.table(m.RolePermission), m.table(m.ScopeTag),
                             m.table(m.GrantScopeTag))
    rows = session.exec(select(grant_t.c.id, grant_t.c.all_scopes, role_t.c.id, role_t.c.name,
                               role_t.c.built_in).join(
        role_t, role_t.c.id == grant_t.c.role_id).where(grant_t.c.admin == admin)).all()
    grants = []
    for grant_id, all_scopes, role_id, role_name, built_in in rows:
        if built_in and role_name in BUILT_IN_ROLES:
            perms = BUILT_IN_ROLES[role_name][1]
        else:
            perms = frozenset(_known(session.exec(select(perm_t.c.permission).where(
                perm_t.c.role_id == role_id)).all()))
        tags = frozenset(session.exec(select(tag_t.c.name).join(
            link_t, link_t.c.scope_tag_id == tag_t.c.id).where(
            link_t.c.grant_id == grant_id)).all())
        grants.append(Grant(role=role_name, permissions=perms, all_scopes=all_scopes,
                            scope_tags=tags or frozenset({DEFAULT_SCOPE})))
    return grants


def _known(values: Iterable[str]) -> set[Permission]:
    known = {p.value: p for p in Permission}
    return {known[v] for v in values if v in known}


def token_tags(session: Session, token_id: int) -> tuple[str, ...]:
    return tuple(session.exec(select(m.ScopeTag.name).join(
        m.TokenScopeTag, col(m.TokenScopeTag.scope_tag_id) == col(m.ScopeTag.id)).where(
        m.TokenScopeTag.token_id == token_id)).all())


def token_id_of(ctx: ServiceContext, name: str | None) -> int | None:
    """The id of the token named `name`, or None (no name, or no such token: the service
    then says NotFound itself). Used as `authorize(ctx, P, token_id=token_id_of(ctx, n))`."""
    if not name:
        return None
    with ctx.store.session() as session:
        return session.exec(select(m.Token.id).where(m.Token.name == name)).first()


def _owned(session: Session) -> bool:
    owner = m.table(m.StoreOwner)
    return session.exec(select(owner.c.id).where(owner.c.id == 1)).first() is not None


def _decide(ctx: ServiceContext, permission: Permission,
            token_id: int | None) -> tuple[bool, str | None]:
    """(allowed, the token's name when one was named and exists). Decided by
    `AccessSnapshot.allows` (`domain.access.allowed`), as the console decides."""
    from vpp_tui.services.access.identity import claim_store
    from vpp_tui.services.access.snapshot import AccessSnapshot

    def read(session: Session) -> tuple[tuple[Grant, ...], str | None,
                                          dict[int, tuple[str, ...]]]:
        grants = tuple(grants_of(session, ctx.actor))
        name = None
        tags: dict[int, tuple[str, ...]] = {}
        if token_id is not None:
            name = session.exec(select(m.Token.name).where(m.Token.id == token_id)).first()
            if name is not None:
                tags[token_id] = token_tags(session, token_id)
        return grants, name, tags

    with ctx.store.session() as session:  # an owned store (every store but a new one):
        found = read(session) if _owned(session) else None  # one connection
    if found is None:
        claim_store(ctx, ctx.actor)
        with ctx.store.session() as session:
            found = read(session)
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
    with ctx.store.session() as session:
        return reach_clause(grants_of(session, ctx.actor), token_column, permission)


def reach_clause(grants: Iterable[Grant], token_column: ColumnElement,
                 permission: Permission = Permission.TOKENS_READ) -> ColumnElement:
    """`token_scope_clause` for grants already read (`grants_of`), so one read of them
    serves a whole query (the token list reads them once)."""
    every, tags = reach(grants, permission)
    if every:
        return true()
    if not tags:
        return false()
    # Core (models.table): the clause joins ORM and Core queries alike.
    link_t, tag_t, token_t = m.table(m.TokenScopeTag), m.table(m.ScopeTag), m.table(m.Token)
    tagged = select(link_t.c.token_id).join(
        tag_t, tag_t.c.id == link_t.c.scope_tag_id).where(
        func.lower(tag_t.c.name).in_(sorted(tags)))
    clause = token_column.in_(tagged)
    if DEFAULT_SCOPE in tags:
        untagged = select(token_t.c.id).where(
            token_t.c.id.not_in(select(link_t.c.token_id)))
        clause = or_(clause, token_column.in_(untagged))
    return clause


def visible_names_in(session: Session, actor: str,
                     permission: Permission = Permission.TOKENS_READ,
                     grants: Iterable[Grant] | None = None) -> list[str]:
    """The names of the tokens `actor` reaches with `permission`, sorted, read in the
    caller's `session` (for hints and texts that name other tokens: a name outside the
    admin's scope tags must never appear in them). `grants`: `actor`'s, when already read."""
    token_t = m.table(m.Token)
    if grants is None:
        grants = grants_of(session, actor)
    clause = reach_clause(grants, token_t.c.id, permission)
    return list(session.exec(select(token_t.c.name).where(clause).order_by(token_t.c.name)).all())


def visible_token_ids(ctx: ServiceContext,
                      permission: Permission = Permission.TOKENS_READ) -> frozenset[int]:
    """The ids of the tokens the acting admin reaches with `permission`."""
    with ctx.store.session() as session:
        clause = token_scope_clause(ctx, col(m.Token.id), permission)
        return frozenset(i for i in session.exec(select(m.Token.id).where(clause)).all()
                         if i is not None)


def visible_token_names(ctx: ServiceContext,
                        permission: Permission = Permission.TOKENS_READ) -> frozenset[str]:
    """The names of the tokens the acting admin reaches with `permission`."""
    with ctx.store.session() as session:
        clause = token_scope_clause(ctx, col(m.Token.id), permission)
        return frozenset(session.exec(select(m.Token.name).where(clause)).all())


_PAREN = re.compile(r"\(([^()]+)\)")


def audit_token_id(session: Session, target: str) -> int | None:
    """The token an audit entry is about: the target is the token's name, or a label
    naming it in parentheses ("Pages (North Campus) → Teachers"); the last match wins."""
    if not target:
        return None
    candidates = [target, *reversed(_PAREN.findall(target))]
    rows = dict(session.exec(select(m.Token.name, m.Token.id).where(
        col(m.Token.name).in_(candidates))).all())
    return next((rows[c] for c in candidates if c in rows), None)


def insert_owner(session: Session, admin: str, now) -> bool:  # noqa: ANN001
    """Make `admin` the store's owner and Administrator over every scope, if nobody is
    yet. Returns False when another admin claimed it first (the row is unique)."""
    try:
        with session.begin_nested():
            session.add(m.StoreOwner(id=1, admin=admin, claimed_at=now))
            session.flush()
    except IntegrityError:
        return False
    role = session.exec(select(m.Role).where(m.Role.name == ADMINISTRATOR)).one()
    session.add(m.AdminGrant(admin=admin, role_id=role.id or 0, all_scopes=True,
                             created_by=admin, created_at=now))
    return True
