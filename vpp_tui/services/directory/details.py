"""Drill-down into one directory user, device or group: plain data for the details screens.

Each function reads the store only (no Apple call) and checks `Permission.DIRECTORY_READ`.
What belongs to a token (licenses held, Apple users and their invitations, assignments) is
kept to the tokens the acting admin reads apps of (`token_scope_clause` with
`Permission.APPS_READ`, the scope of every license list): an admin out of scope sees the
person or device, never another scope's licenses.

Who holds a user license follows the revoke path (`licensing.facts.AppleIds.member_of`):
the license row names the UPN, or a clientUserId Apple knows for the person (sync found
it), so the details list exactly what `revoke --user` would revoke.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from vpp_tui.apple.client import invitation_link
from vpp_tui.domain.leases import location_key
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.access import Permission, authorize, token_scope_clause
from vpp_tui.services.catalog.queries import DeviceView, Page
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import NotFound
from vpp_tui.services.licensing.facts import HELD, AppleIds, apple_ids
from vpp_tui.services.prompts import DevicePrompts, device_prompts
from vpp_tui.services.safe_text import SafeText
from vpp_tui.store import models as m


@dataclass(frozen=True)
class HeldLicense(SafeText):
    """One license a user or device holds: the item, its edition (`pricing_param`, STDQ
    or PLUS), the token it was bought under, `license_type` user|device, `status`
    licensed|pending, held `since` (UTC)."""

    item: str
    adam_id: str
    pricing_param: str
    product_type: str  # app | book
    token: str
    license_type: str
    status: str
    since: datetime


@dataclass(frozen=True)
class AppleUserStatus(SafeText):
    """The person's Apple user at one location: `status` Registered | Associated |
    Retired (apple-api.md §2.10), and the invitation link while Registered."""

    location: str
    token: str
    client_user_id: str
    status: str
    invitation: str | None


@dataclass(frozen=True)
class UserDetails(SafeText):
    upn: str
    name: str
    managed_apple_id: str | None
    personal_apple_id: bool
    active: bool
    devices: tuple[DeviceView, ...]  # the devices whose primary user this is
    groups: tuple[str, ...]
    licenses: tuple[HeldLicense, ...]
    apple_users: tuple[AppleUserStatus, ...]

    @property
    def invitation(self) -> str | None:
        """The first invitation link still waiting for the person, or None."""
        return next((a.invitation for a in self.apple_users if a.invitation), None)


@dataclass(frozen=True)
class ItemPrompts(SafeText):
    """What the device shows for one item assigned to it: `prompts` from
    `services.prompts.device_prompts`, the assignment's `intent`."""

    item: str
    pricing_param: str
    token: str
    intent: str
    prompts: DevicePrompts


@dataclass(frozen=True)
class DeviceDetails(SafeText):
    device: DeviceView
    groups: tuple[str, ...]
    licenses: tuple[HeldLicense, ...]
    prompts: tuple[ItemPrompts, ...]


@dataclass(frozen=True)
class GroupMemberView(SafeText):
    """A member of a group: its UPN or serial, its name in the directory ("" when gone),
    and one fact (a user's Managed Apple ID, a device's platform)."""

    member: str
    name: str
    detail: str
    known: bool


@dataclass(frozen=True)
class GroupAssignment(SafeText):
    item: str
    pricing_param: str
    product_type: str
    token: str
    intent: str
    license_type: str


@dataclass(frozen=True)
class GroupDetails(SafeText):
    name: str
    kind: str  # user | device
    members: Page[GroupMemberView]  # one page, in import order
    assignments: tuple[GroupAssignment, ...]


def _device_view(r: m.DirectoryDevice) -> DeviceView:
    return DeviceView(r.serial, r.name, r.platform, r.ownership, r.supervised, r.enrollment,
                      r.kiosk, r.app_store_blocked, r.primary_user, r.managed)


def _groups_of(session: Session, kind: str, member: str) -> tuple[str, ...]:
    return tuple(session.exec(select(m.DirectoryGroup.name).join(
        m.GroupMember, col(m.GroupMember.group_id) == col(m.DirectoryGroup.id)).where(
        m.DirectoryGroup.kind == kind, m.GroupMember.member == member)
        .order_by(col(m.DirectoryGroup.name))).all())


def _held(lic: m.License, asset: m.Asset, token: str) -> HeldLicense:
    return HeldLicense(asset.name or asset.adam_id, asset.adam_id, asset.pricing_param,
                       asset.product_type, token, lic.kind, lic.status, lic.since)


def _license_query(scope, kind: str):  # noqa: ANN001, ANN202
    return (select(m.License, m.Asset, m.Token.name)
            .join(m.Asset, col(m.Asset.id) == col(m.License.asset_id))
            .join(m.Token, col(m.Token.id) == col(m.Asset.token_id))
            .where(m.License.kind == kind, col(m.License.status).in_(HELD),
                   scope)
            .order_by(func.lower(m.Asset.name), col(m.Token.name), col(m.License.id)))


def _apple_rows(session: Session, user: m.DirectoryUser, token_scope):  # noqa: ANN001, ANN202
    names = {user.upn.casefold()}
    if user.managed_apple_id:
        names.add(user.managed_apple_id.casefold())
    who = sorted(names)
    return session.exec(
        select(m.AppleUser, m.Token)
        .join(m.Token, col(m.Token.id) == col(m.AppleUser.token_id))
        .where(or_(func.lower(m.AppleUser.upn).in_(who), func.lower(m.AppleUser.email).in_(who),
                   func.lower(m.AppleUser.managed_apple_id).in_(who)),
               token_scope)
        .order_by(col(m.Token.name), col(m.AppleUser.id))).all()


def user_details(ctx: ServiceContext, upn: str) -> UserDetails:
    """One directory user: identity, devices (as primary user), groups, licenses held in
    the admin's scope, Apple user status per location with invitation links.

    Raises NotFound when no user `upn` (compared case-insensitively) is in the directory,
    AccessDenied without `directory.read`."""
    authorize(ctx, Permission.DIRECTORY_READ)
    scope = token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_READ)
    token_scope = token_scope_clause(ctx, col(m.Token.id), Permission.APPS_READ)
    with ctx.store.session() as session:
        user = session.exec(select(m.DirectoryUser).where(
            func.lower(m.DirectoryUser.upn) == upn.casefold())).first()
        if user is None:
            raise NotFound(_("no user {upn} in the directory; import it with "
                             "'vpp-tui directory import'").format(upn=quote(upn)))
        devices = tuple(_device_view(d) for d in session.exec(
            select(m.DirectoryDevice).where(m.DirectoryDevice.primary_user == user.upn)
            .order_by(col(m.DirectoryDevice.serial))).all())
        apple_rows = _apple_rows(session, user, token_scope)
        cids = {a.client_user_id for a, _t in apple_rows}
        query = _license_query(scope, "user").where(or_(
            func.lower(m.License.member) == user.upn.casefold(),
            col(m.License.client_user_id).in_(sorted(cids))))
        ids_of: dict[int, AppleIds] = {}
        licenses = []
        for lic, asset, token in session.exec(query).all():
            if asset.token_id not in ids_of:  # once per token, not once per license
                ids_of[asset.token_id] = apple_ids(session, asset.token_id)
            if ids_of[asset.token_id].member_of(lic).casefold() == user.upn.casefold():
                licenses.append(_held(lic, asset, token))
        seen: set[tuple[str, str]] = set()
        statuses = []
        for row, token in apple_rows:
            location = location_key(token.location_id, token.id)
            if (location, row.client_user_id) in seen:  # one location, several tokens
                continue
            seen.add((location, row.client_user_id))
            link = invitation_link(row.invite_code) if row.invite_code and \
                row.status == "Registered" else None
            statuses.append(AppleUserStatus(token.location_name or token.name, token.name,
                                            row.client_user_id, row.status, link))
        return UserDetails(user.upn, user.name, user.managed_apple_id,
                           user.personal_apple_id, user.active, devices,
                           _groups_of(session, "user", user.upn), tuple(licenses),
                           tuple(statuses))


def _assigned_to_device(session: Session, device: m.DirectoryDevice, scope):  # noqa: ANN001, ANN202
    """(Assignment, Asset, token name) of every assignment reaching the device: through a
    device group naming it, or a user group naming its primary user; admin's scope."""
    reach = [m.GroupMember.member == device.serial]
    if device.primary_user:
        reach.append(m.GroupMember.member == device.primary_user)
    kind_ok = or_(*[(m.DirectoryGroup.kind == kind) & clause for kind, clause in
                    zip(("device", "user"), reach, strict=False)])
    return session.exec(
        select(m.Assignment, m.Asset, m.Token.name)
        .join(m.Asset, col(m.Asset.id) == col(m.Assignment.asset_id))
        .join(m.Token, col(m.Token.id) == col(m.Asset.token_id))
        .join(m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id))
        .join(m.GroupMember, col(m.GroupMember.group_id) == col(m.DirectoryGroup.id))
        .where(kind_ok, scope)
        .order_by(func.lower(m.Asset.name), col(m.Token.name), col(m.DirectoryGroup.name))
    ).all()


def device_details(ctx: ServiceContext, serial: str) -> DeviceDetails:
    """One directory device: its facts, groups, licenses held in the admin's scope, and
    for each item assigned to it the prompts it will show (`services.prompts`).

    Raises NotFound when no device `serial` is in the directory, AccessDenied without
    `directory.read`."""
    authorize(ctx, Permission.DIRECTORY_READ)
    scope = token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_READ)
    with ctx.store.session() as session:
        device = session.exec(select(m.DirectoryDevice).where(
            func.upper(m.DirectoryDevice.serial) == serial.upper())).first()
        if device is None:
            raise NotFound(_("no device {serial} in the directory; import it with "
                             "'vpp-tui directory import'").format(serial=quote(serial)))
        query = _license_query(scope, "device").where(or_(
            m.License.member == device.serial, m.License.serial == device.serial))
        licenses = tuple(_held(lic, a, t) for lic, a, t in session.exec(query).all())
        prompts: list[ItemPrompts] = []
        shown: set[int] = set()
        for assignment, asset, token in _assigned_to_device(session, device, scope):
            if asset.id in shown:  # the first assignment decides (device_prompts)
                continue
            shown.add(asset.id or 0)
            prompts.append(ItemPrompts(asset.name or asset.adam_id, asset.pricing_param,
                                       token, assignment.intent,
                                       device_prompts(session, device, asset, token=token)))
        return DeviceDetails(_device_view(device), _groups_of(session, "device",
                                                              device.serial),
                             licenses, tuple(prompts))


def _members(session: Session, group: m.DirectoryGroup, offset: int,
             limit: int | None) -> Page[GroupMemberView]:
    gm = m.GroupMember
    total = int(session.exec(select(func.count()).select_from(gm).where(
        gm.group_id == group.id)).one())
    if group.kind == "user":
        u = m.DirectoryUser
        query = select(gm.member, u.name, u.managed_apple_id, u.id).outerjoin(
            u, col(u.upn) == col(gm.member))
    else:
        d = m.DirectoryDevice
        query = select(gm.member, d.name, d.platform, d.id).outerjoin(
            d, col(d.serial) == col(gm.member))
    query = query.where(gm.group_id == group.id).order_by(col(gm.position), col(gm.member))
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = [GroupMemberView(member, name or "", detail or "", row_id is not None)
            for member, name, detail, row_id in session.exec(query).all()]
    return Page(rows, offset, total)


def group_details(ctx: ServiceContext, name: str, *, offset: int = 0,
                  limit: int | None = 200) -> GroupDetails:
    """One directory group: one page of its members (paged in SQL, import order) and the
    assignments targeting it in the admin's scope (item, edition, token, intent, license
    type).

    Raises NotFound when no group `name` is in the directory, AccessDenied without
    `directory.read`."""
    authorize(ctx, Permission.DIRECTORY_READ)
    scope = token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_READ)
    with ctx.store.session() as session:
        group = session.exec(select(m.DirectoryGroup).where(
            m.DirectoryGroup.name == name)).first()
        if group is None:
            raise NotFound(_("no group named {name}; import it with 'vpp-tui directory "
                             "import'").format(name=quote(name)))
        members = _members(session, group, max(offset, 0), limit)
        rows = session.exec(
            select(m.Assignment, m.Asset, m.Token.name)
            .join(m.Asset, col(m.Asset.id) == col(m.Assignment.asset_id))
            .join(m.Token, col(m.Token.id) == col(m.Asset.token_id))
            .where(m.Assignment.group_id == group.id,
                   scope)
            .order_by(func.lower(m.Asset.name), col(m.Token.name))).all()
        assignments = tuple(GroupAssignment(a.name or a.adam_id, a.pricing_param,
                                            a.product_type, token, x.intent, x.license_type)
                            for x, a, token in rows)
        return GroupDetails(group.name, group.kind, members, assignments)
