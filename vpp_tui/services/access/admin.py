"""Managing access: roles, grants, scope tags and the list of admins (issue 10).

Reading needs `roles.read`, every change `roles.manage`; every change is audited. Built-in
roles (domain.access.BUILT_IN_ROLES) can be granted but neither changed nor deleted. The
last grant of Administrator over every scope cannot be revoked (nobody could manage
access any more).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from vpp_tui.domain.access import (
    ADMINISTRATOR,
    BUILT_IN_ROLES,
    DEFAULT_SCOPE,
    Permission,
    parse_permissions,
)
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, for_store
from vpp_tui.services import audit
from vpp_tui.services.access import authorize, grants_of
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.store import models as m


@dataclass(frozen=True)
class RoleView:
    name: str
    description: str
    built_in: bool
    permissions: tuple[str, ...]
    admins: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "built_in": self.built_in, "permissions": list(self.permissions),
                "admins": list(self.admins)}


@dataclass(frozen=True)
class GrantView:
    admin: str
    role: str
    all_scopes: bool
    scope_tags: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"role": self.role, "all_scopes": self.all_scopes,
                "scope_tags": list(self.scope_tags)}


@dataclass(frozen=True)
class AdminView:
    admin: str
    owner: bool
    grants: tuple[GrantView, ...]
    permissions: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"admin": self.admin, "owner": self.owner,
                "grants": [g.as_json() for g in self.grants],
                "permissions": list(self.permissions)}


@dataclass(frozen=True)
class ScopeTagView:
    name: str
    description: str
    tokens: int
    grants: int

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "tokens": self.tokens,
                "grants": self.grants}


def _role(session: Session, name: str) -> m.Role:
    role = session.exec(select(m.Role).where(func.lower(m.Role.name) == name.lower())).first()
    if role is None:
        names = session.exec(select(m.Role.name).order_by(m.Role.name)).all()
        raise NotFound(_("no role named {name} (roles: {names})").format(
            name=quote(name), names=", ".join(names)))
    return role


def _tag(session: Session, name: str) -> m.ScopeTag:
    tag = session.exec(select(m.ScopeTag).where(
        func.lower(m.ScopeTag.name) == name.strip().lower())).first()
    if tag is None:
        raise NotFound(_("no scope tag named {name}; create it with 'vpp-tui scope-tag "
                         "create {name}'").format(name=quote(name)))
    return tag


def _permissions(session: Session, role: m.Role) -> tuple[str, ...]:
    if role.built_in and role.name in BUILT_IN_ROLES:
        perms: Iterable[str] = (p.value for p in BUILT_IN_ROLES[role.name][1])
    else:
        perms = session.exec(select(m.RolePermission.permission).where(
            m.RolePermission.role_id == role.id)).all()
    order = {p.value: i for i, p in enumerate(Permission)}
    return tuple(sorted(perms, key=lambda p: order.get(p, len(order))))


def _role_view(session: Session, role: m.Role) -> RoleView:
    admins = session.exec(select(m.AdminGrant.admin).where(
        m.AdminGrant.role_id == role.id).order_by(m.AdminGrant.admin)).all()
    return RoleView(role.name, role.description, role.built_in, _permissions(session, role),
                    tuple(admins))


def list_roles(ctx: ServiceContext) -> list[RoleView]:
    """Every role, built-in first. Raises AccessDenied without `roles.read`."""
    authorize(ctx, Permission.ROLES_READ)
    with ctx.store.session() as session:
        return _roles(session)


def _roles(session: Session) -> list[RoleView]:
    roles = session.exec(select(m.Role).order_by(col(m.Role.built_in).desc(),
                                                  m.Role.name)).all()
    return [_role_view(session, r) for r in roles]


def get_role(ctx: ServiceContext, name: str) -> RoleView:
    """One role. Raises AccessDenied without `roles.read`, NotFound for an unknown name."""
    authorize(ctx, Permission.ROLES_READ)
    with ctx.store.session() as session:
        return _role_view(session, _role(session, name))


def checked_new_role(ctx: ServiceContext, name: str, permissions: Iterable[str],
                     none_given: str) -> tuple[str, Any]:
    """(the stripped name, the parsed permissions) of a custom role about to be created.

    Raises InvalidInput for an empty or taken name (any case), an unknown permission, or
    none at all (`none_given`: the sentence saying how to give some, CLI or console)."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("a role needs a name"))
    try:
        perms = parse_permissions(permissions)
    except ValueError as exc:
        raise InvalidInput.of(exc) from exc
    if not perms:
        raise InvalidInput(none_given)
    with ctx.store.session() as session:
        if session.exec(select(m.Role).where(func.lower(m.Role.name) == name.lower())).first():
            raise InvalidInput(_("a role named {name} exists; choose another name").format(
                name=quote(name)))
    return name, perms


def create_role(ctx: ServiceContext, name: str, permissions: Iterable[str],
                description: str = "") -> RoleView:
    """A custom role holding `permissions` (`family.action`, or `family.*`).

    Raises AccessDenied without `roles.manage`; InvalidInput for an empty or taken name,
    an unknown permission or none at all."""
    authorize(ctx, Permission.ROLES_MANAGE)
    name, perms = checked_new_role(ctx, name, permissions,
                                   _("a role needs at least one permission (--permission P)"))
    with ctx.store.session() as session:
        role = m.Role(name=name, description=description)
        session.add(role)
        session.flush()
        for p in sorted(perms):
            session.add(m.RolePermission(role_id=role.id or 0, permission=p.value))
        audit.record(session, ctx, "role.create", name,
                     detail=", ".join(sorted(p.value for p in perms)))
        session.flush()
        return _role_view(session, role)


def delete_role(ctx: ServiceContext, name: str) -> None:
    """Delete a custom role nobody holds. Raises AccessDenied without `roles.manage`,
    InvalidInput for a built-in role or one still granted."""
    authorize(ctx, Permission.ROLES_MANAGE)
    with ctx.store.session() as session:
        role = _role(session, name)
        if role.built_in:
            raise InvalidInput(_("{name} is a built-in role and cannot be deleted").format(
                name=quote(role.name)))
        holders = _role_view(session, role).admins
        if holders:
            raise InvalidInput(_("{name} is granted to {admins}; revoke those grants "
                                 "first").format(name=quote(role.name), admins=", ".join(holders)))
        session.delete(role)
        audit.record(session, ctx, "role.delete", role.name)


def grant(ctx: ServiceContext, admin: str, role: str, scope_tags: Iterable[str] = (),
          *, all_scopes: bool = False) -> GrantView:
    """Give `role` to `admin` over `scope_tags` (none: the default scope) or every scope;
    granting a role the admin holds replaces its scope. Raises AccessDenied without
    `roles.manage`, NotFound for an unknown role or scope tag."""
    authorize(ctx, Permission.ROLES_MANAGE)
    admin = admin.strip()
    if not admin:
        raise InvalidInput(_("name the admin (their OS login)"))
    with ctx.store.session() as session:
        row = _role(session, role)
        tags = [] if all_scopes else [_tag(session, t) for t in scope_tags]
        found = session.exec(select(m.AdminGrant).where(
            m.AdminGrant.admin == admin, m.AdminGrant.role_id == row.id)).first()
        if found is None:
            found = m.AdminGrant(admin=admin, role_id=row.id or 0, created_by=ctx.actor,
                                 created_at=ctx.clock.now())
        found.all_scopes = all_scopes
        session.add(found)
        session.flush()
        for link in session.exec(select(m.GrantScopeTag).where(
                m.GrantScopeTag.grant_id == found.id)).all():
            session.delete(link)
        session.flush()
        for tag in {t.id: t for t in tags}.values():
            session.add(m.GrantScopeTag(grant_id=found.id or 0, scope_tag_id=tag.id or 0))
        names = tuple(sorted(t.name for t in tags)) or (DEFAULT_SCOPE,)
        with for_store():  # the store is shared: English
            scope = _("every scope") if all_scopes else ", ".join(names)
            audit.record(session, ctx, "grant.create", f"{admin}: {row.name}",
                         detail=_("scope: {scope}").format(scope=scope))
    return GrantView(admin, row.name, all_scopes, () if all_scopes else names)


def revoke_grant(ctx: ServiceContext, admin: str, role: str) -> None:
    """Take `role` from `admin`. Raises AccessDenied without `roles.manage`, NotFound when
    the admin does not hold it, InvalidInput for the last Administrator over every scope."""
    authorize(ctx, Permission.ROLES_MANAGE)
    with ctx.store.session() as session:
        row = _role(session, role)
        found = session.exec(select(m.AdminGrant).where(
            m.AdminGrant.admin == admin, m.AdminGrant.role_id == row.id)).first()
        if found is None:
            raise NotFound(_("{admin} does not hold {role}; see 'vpp-tui admins'").format(
                admin=admin, role=quote(row.name)))
        if row.name == ADMINISTRATOR and found.all_scopes:
            others = session.exec(select(func.count()).select_from(m.AdminGrant).where(
                m.AdminGrant.role_id == row.id, col(m.AdminGrant.all_scopes),
                m.AdminGrant.id != found.id)).one()
            if not others:
                raise InvalidInput(_("{admin} is the last Administrator over every scope; "
                                     "grant Administrator to someone else first").format(
                    admin=admin))
        session.delete(found)
        audit.record(session, ctx, "grant.delete", f"{admin}: {row.name}")


def list_admins(ctx: ServiceContext) -> list[AdminView]:
    """Every admin holding a grant, with scopes and the permissions they add up to.
    Raises AccessDenied without `roles.read`."""
    authorize(ctx, Permission.ROLES_READ)
    with ctx.store.session() as session:
        return _admins(session)


def _admins(session: Session) -> list[AdminView]:
    owner = session.get(m.StoreOwner, 1)
    admins = session.exec(select(m.AdminGrant.admin).distinct().order_by(
        m.AdminGrant.admin)).all()
    views = []
    for admin in admins:
        grants = grants_of(session, admin)
        perms = {p for g in grants for p in g.permissions}
        views.append(AdminView(
            admin, owner is not None and owner.admin == admin,
            tuple(GrantView(admin, g.role, g.all_scopes,
                            () if g.all_scopes else tuple(sorted(g.scope_tags)))
                  for g in sorted(grants, key=lambda g: g.role)),
            tuple(p.value for p in Permission if p in perms)))
    return views


def list_scope_tags(ctx: ServiceContext) -> list[ScopeTagView]:
    """Every scope tag with how many tokens carry it and how many grants name it.
    Raises AccessDenied without `roles.read`."""
    authorize(ctx, Permission.ROLES_READ)
    with ctx.store.session() as session:
        return _scope_tags(session)


def _scope_tags(session: Session) -> list[ScopeTagView]:
    untagged = session.exec(select(func.count()).select_from(m.Token).where(
        col(m.Token.id).not_in(select(m.TokenScopeTag.token_id)))).one()
    views = []
    for tag in session.exec(select(m.ScopeTag).order_by(m.ScopeTag.name)).all():
        tokens = session.exec(select(func.count()).select_from(m.TokenScopeTag).where(
            m.TokenScopeTag.scope_tag_id == tag.id)).one()
        if tag.name.lower() == DEFAULT_SCOPE:
            tokens += untagged
        grants = session.exec(select(func.count()).select_from(m.GrantScopeTag).where(
            m.GrantScopeTag.scope_tag_id == tag.id)).one()
        views.append(ScopeTagView(tag.name, tag.description, int(tokens), int(grants)))
    return views


@dataclass(frozen=True)
class AccessOverview:
    """What the console's Access section shows: `list_roles`, `list_admins` and
    `list_scope_tags` together."""

    roles: list[RoleView]
    admins: list[AdminView]
    tags: list[ScopeTagView]


def access_overview(ctx: ServiceContext) -> AccessOverview:
    """Roles, admins and scope tags as the three listings give them, authorized once and
    read in one session (the console's Access section; issue 13: three authorizations and
    three sessions for its first visit). Raises AccessDenied without `roles.read`."""
    authorize(ctx, Permission.ROLES_READ)
    with ctx.store.session() as session:
        return AccessOverview(_roles(session), _admins(session), _scope_tags(session))


def create_scope_tag(ctx: ServiceContext, name: str, description: str = "") -> ScopeTagView:
    """A new scope tag. Raises AccessDenied without `roles.manage`, InvalidInput for an
    empty or taken name."""
    authorize(ctx, Permission.ROLES_MANAGE)
    name = name.strip()
    if not name or "," in name:
        raise InvalidInput(_("a scope tag needs a name without commas"))
    with ctx.store.session() as session:
        if session.exec(select(m.ScopeTag).where(
                func.lower(m.ScopeTag.name) == name.lower())).first():
            raise InvalidInput(_("a scope tag named {name} exists").format(name=quote(name)))
        session.add(m.ScopeTag(name=name, description=description))
        audit.record(session, ctx, "scope_tag.create", name)
    return ScopeTagView(name, description, 0, 0)


def deletable_tag(session: Session, name: str, how: str) -> m.ScopeTag:
    """The scope tag `name`, if it may be deleted: not the default scope, on no token and
    in no grant (removing it would widen or end someone's reach silently). Raises NotFound,
    or InvalidInput ending with `how` (what to do first, CLI or console words)."""
    tag = _tag(session, name)
    if tag.name.lower() == DEFAULT_SCOPE:
        raise InvalidInput(_("the default scope cannot be deleted"))
    used = session.exec(select(func.count()).select_from(m.TokenScopeTag).where(
        m.TokenScopeTag.scope_tag_id == tag.id)).one() + session.exec(
        select(func.count()).select_from(m.GrantScopeTag).where(
            m.GrantScopeTag.scope_tag_id == tag.id)).one()
    if used:
        raise InvalidInput(_("scope tag {name} is on tokens or grants; {how}").format(
            name=quote(tag.name), how=how))
    return tag


def delete_scope_tag(ctx: ServiceContext, name: str) -> None:
    """Delete a scope tag no token and no grant uses (removing it would widen or end
    someone's reach silently). Raises AccessDenied without `roles.manage`, InvalidInput
    for the default scope or a tag in use."""
    authorize(ctx, Permission.ROLES_MANAGE)
    with ctx.store.session() as session:
        tag = deletable_tag(session, name, _(
            "remove it from them first ('vpp-tui token set NAME --scope-tag …', "
            "'vpp-tui grant …')"))
        session.delete(tag)
        audit.record(session, ctx, "scope_tag.delete", tag.name)
