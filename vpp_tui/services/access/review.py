"""What an access change will do, in words, before it is saved (the console's review).

Each function reads (needs `roles.read`), changes nothing, and returns an `AccessReview`:
a title and the lines the admin reads before pressing y, e.g. "ana gets App manager on
scope tags north" / "ana will be able to do this on 3 tokens: Mobile apps (read, assign…)".
A change that would be refused for a reason known now (a built-in role, a role still
granted, a tag in use, a name taken) raises InvalidInput here already, so the admin reads
the one line instead of a review; the saving service checks again (issue 10).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from vpp_tui.domain.access import (
    DEFAULT_SCOPE,
    Grant,
    Permission,
    describe_permissions,
    parse_permissions,
    tokens_reached,
)
from vpp_tui.i18n import _, ngettext
from vpp_tui.services.access import authorize, grants_of
from vpp_tui.services.access.admin import (
    _permissions,
    _role,
    _tag,
    checked_new_role,
    deletable_tag,
)
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput
from vpp_tui.store import models as m


@dataclass(frozen=True)
class AccessReview:
    """A change described before it is saved: the dialog's title and body lines."""

    title: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _tokens_tags(session: Session) -> list[tuple[str, ...]]:
    tags: dict[int, list[str]] = {i: [] for i in session.exec(select(m.Token.id)).all()
                                  if i is not None}
    for token_id, name in session.exec(select(m.TokenScopeTag.token_id, m.ScopeTag.name).join(
            m.ScopeTag, col(m.ScopeTag.id) == col(m.TokenScopeTag.scope_tag_id))).all():
        tags.setdefault(token_id, []).append(name)
    return [tuple(v) for v in tags.values()]


def _scope_text(all_scopes: bool, tags: Iterable[str]) -> str:
    if all_scopes:
        return _("over every scope")
    return _("on scope tags {tags}").format(tags=", ".join(sorted(tags)) or DEFAULT_SCOPE)


def _reach_lines(admin: str, grant: Grant, tokens: list[tuple[str, ...]],
                 verb: Callable[[int], str]) -> list[str]:
    scoped = {p for p in grant.permissions if p.scoped}
    wide = grant.permissions - scoped
    lines = []
    if scoped:
        n = tokens_reached(grant, tokens)
        lines.append(verb(n).format(admin=admin, n=n, what=describe_permissions(scoped)))
    if wide:
        lines.append(_("Across the store: {what}.").format(what=describe_permissions(wide)))
    return lines


def review_grant(ctx: ServiceContext, admin: str, role: str, scope_tags: Iterable[str] = (),
                 *, all_scopes: bool = False) -> AccessReview:
    """What `admin.grant(ctx, admin, role, scope_tags, all_scopes=…)` will do. Raises
    AccessDenied without `roles.read`, NotFound for an unknown role or tag, InvalidInput
    without an admin name."""
    authorize(ctx, Permission.ROLES_READ)
    admin = admin.strip()
    if not admin:
        raise InvalidInput(_("name the admin (their OS login)"))
    with ctx.store.session() as session:
        row = _role(session, role)
        tags = frozenset() if all_scopes else frozenset(
            _tag(session, t).name for t in scope_tags)
        perms = parse_permissions(_permissions(session, row))
        grant = Grant(row.name, perms, all_scopes, tags or frozenset({DEFAULT_SCOPE}))
        held = [g for g in grants_of(session, admin) if g.role == row.name]
        tokens = _tokens_tags(session)
    lines = [_("{admin} gets {role} {scope}.").format(
        admin=admin, role=row.name, scope=_scope_text(all_scopes, grant.scope_tags))]
    if held:
        lines.append(_("This replaces the scope of the {role} grant {admin} holds ({old}).")
                     .format(role=row.name, admin=admin,
                             old=_scope_text(held[0].all_scopes, held[0].scope_tags)))
    lines += _reach_lines(admin, grant, tokens,
                          lambda n: ngettext(
                              "{admin} will be able to do this on {n} token: {what}.",
                              "{admin} will be able to do this on {n} tokens: {what}.", n))
    return AccessReview(_("Grant {role} to {admin}").format(role=row.name, admin=admin),
                        tuple(lines))


def review_revoke_grant(ctx: ServiceContext, admin: str, role: str) -> AccessReview:
    """What `admin.revoke_grant(ctx, admin, role)` will do, with the roles `admin` keeps.
    Raises AccessDenied without `roles.read`, NotFound when `admin` does not hold it."""
    from vpp_tui.services.errors import NotFound

    authorize(ctx, Permission.ROLES_READ)
    with ctx.store.session() as session:
        row = _role(session, role)
        grants = grants_of(session, admin)
        tokens = _tokens_tags(session)
    grant = next((g for g in grants if g.role == row.name), None)
    if grant is None:
        raise NotFound(_("{admin} does not hold {role!r}").format(admin=admin, role=row.name))
    kept = sorted(g.role for g in grants if g.role != row.name)
    lines = [_("{admin} loses {role} {scope}.").format(
        admin=admin, role=row.name, scope=_scope_text(grant.all_scopes, grant.scope_tags))]
    lines += _reach_lines(admin, grant, tokens,
                          lambda n: ngettext(
                              "This grant let {admin} do this on {n} token: {what}.",
                              "This grant let {admin} do this on {n} tokens: {what}.", n))
    lines.append(_("{admin} keeps: {roles}.").format(
        admin=admin, roles=", ".join(kept) or _("no role (no access at all)")))
    return AccessReview(_("Revoke {role} from {admin}").format(role=row.name, admin=admin),
                        tuple(lines))


def review_create_role(ctx: ServiceContext, name: str, permissions: Iterable[str],
                       description: str = "") -> AccessReview:
    """What `admin.create_role` will do. Raises InvalidInput for an empty or taken name,
    an unknown permission or none at all; AccessDenied without `roles.read`."""
    authorize(ctx, Permission.ROLES_READ)
    name, perms = checked_new_role(
        ctx, name, permissions, _("a role needs at least one permission: tick some with space"))
    lines = [_("A custom role {name}{about}, held by nobody yet.").format(
        name=name, about=f" ({description})" if description else ""),
        _("It allows: {what}.").format(what=describe_permissions(perms))]
    if any(p.scoped for p in perms):
        lines.append(_("Managed apps and Mobile apps hold only on the scope tags of each "
                       "grant."))
    return AccessReview(_("Create role {name}").format(name=name), tuple(lines))


def review_delete_role(ctx: ServiceContext, name: str) -> AccessReview:
    """What `admin.delete_role` will do. Raises InvalidInput for a built-in role or one
    still granted (the line says what to do), NotFound for an unknown one."""
    authorize(ctx, Permission.ROLES_READ)
    with ctx.store.session() as session:
        row = _role(session, name)
        if row.built_in:
            raise InvalidInput(_("{name!r} is a built-in role and cannot be deleted").format(
                name=row.name))
        holders = session.exec(select(m.AdminGrant.admin).where(
            m.AdminGrant.role_id == row.id).order_by(m.AdminGrant.admin)).all()
        if holders:
            raise InvalidInput(_("{name!r} is granted to {admins}; revoke those grants "
                                 "first (r on Admins)").format(name=row.name,
                                                               admins=", ".join(holders)))
        perms = parse_permissions(_permissions(session, row))
    return AccessReview(_("Delete role {name}").format(name=row.name), (
        _("The custom role {name} goes; nobody holds it.").format(name=row.name),
        _("It allowed: {what}.").format(what=describe_permissions(perms))))


def review_create_scope_tag(ctx: ServiceContext, name: str,
                            description: str = "") -> AccessReview:
    """What `admin.create_scope_tag` will do. Raises InvalidInput for an empty, comma'd or
    taken name."""
    authorize(ctx, Permission.ROLES_READ)
    name = name.strip()
    if not name or "," in name:
        raise InvalidInput(_("a scope tag needs a name without commas"))
    with ctx.store.session() as session:
        if session.exec(select(m.ScopeTag).where(
                func.lower(m.ScopeTag.name) == name.lower())).first():
            raise InvalidInput(_("a scope tag named {name!r} exists").format(name=name))
    return AccessReview(_("Create scope tag {name}").format(name=name), (
        _("A scope tag {name}{about}; no token carries it and no grant names it yet.")
        .format(name=name, about=f" ({description})" if description else ""),
        _("Put it on tokens with e in Tokens, then grant roles on it with g.")))


def review_delete_scope_tag(ctx: ServiceContext, name: str) -> AccessReview:
    """What `admin.delete_scope_tag` will do. Raises InvalidInput for the default scope or
    a tag on tokens or grants, NotFound for an unknown one."""
    authorize(ctx, Permission.ROLES_READ)
    with ctx.store.session() as session:
        tag = deletable_tag(session, name, _("remove it from them first"))
    return AccessReview(_("Delete scope tag {name}").format(name=tag.name), (
        _("The scope tag {name} goes; no token carries it and no grant names it.").format(
            name=tag.name),))
