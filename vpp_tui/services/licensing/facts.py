"""From the store to the license engine's inputs: items, groups, holders, Apple user ids.

The engine (`domain.licensing`) decides; this module only reads rows and builds its plain
inputs. A user's Apple identity is per token: the `AppleUser` row matched by UPN (or by
the e-mail Apple was given, for users another MDM registered), else a clientUserId this
console will register when the user first needs a user license.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from vpp_tui.domain.licensing import (
    Device,
    Enrollment,
    Group,
    GroupKind,
    Holdings,
    Item,
    Ownership,
    Platform,
    Pool,
    ProductType,
    User,
)
from vpp_tui.domain.licensing.model import platforms_from_apple
from vpp_tui.i18n import _
from vpp_tui.services.errors import NotFound
from vpp_tui.store import models as m

# clientUserIds this console mints are stable per (location, UPN), so a retry of a failed
# registration reuses the same id instead of leaving orphans at Apple.
_NS = uuid.UUID("6c1f3f0e-5d2b-4a8e-9b57-0f4f2d8f7a41")
HELD = ("licensed", "pending")


def minted_client_user_id(token_id: int, upn: str) -> str:
    return str(uuid.uuid5(_NS, f"{token_id}:{upn.casefold()}"))


def to_item(asset: m.Asset) -> Item:
    return Item(adam_id=asset.adam_id, pricing_param=asset.pricing_param,
                product_type=ProductType.BOOK if asset.product_type == "book"
                else ProductType.APP,
                platforms=platforms_from_apple(asset.platforms),
                device_assignable=asset.device_assignable, revocable=asset.revocable,
                name=asset.name or asset.adam_id)


def to_pool(asset: m.Asset) -> Pool:
    return Pool(total=asset.total, used=asset.assigned)


def _enum(kind: type, value: str | None, default):  # noqa: ANN001, ANN202
    try:
        return kind(value)
    except ValueError:
        return default


def to_device(row: m.DirectoryDevice) -> Device:
    return Device(serial=row.serial, platform=_enum(Platform, row.platform, Platform.IOS),
                  ownership=_enum(Ownership, row.ownership, Ownership.CORPORATE),
                  supervised=row.supervised,
                  enrollment=_enum(Enrollment, row.enrollment, Enrollment.DEVICE),
                  kiosk=row.kiosk, app_store_blocked=row.app_store_blocked,
                  managed=row.managed, primary_user=row.primary_user,
                  enrolled_at=row.enrolled_at)


@dataclass
class AppleIds:
    """Who is who at Apple for one token."""

    token_id: int
    by_upn: dict[str, m.AppleUser] = field(default_factory=dict)
    upn_of: dict[str, str] = field(default_factory=dict)  # clientUserId -> UPN

    def client_id(self, upn: str) -> str:
        row = self.by_upn.get(upn.casefold())
        return row.client_user_id if row is not None else minted_client_user_id(
            self.token_id, upn)

    def registered(self, upn: str) -> bool:
        row = self.by_upn.get(upn.casefold())
        return row is not None and row.status != "Retired"

    def member_of(self, lic: m.License) -> str:
        if lic.kind != "user":
            return lic.member
        return (self.upn_of.get(lic.client_user_id or "") or self.upn_of.get(lic.member)
                or lic.member)


def apple_ids(session: Session, token_id: int) -> AppleIds:
    ids = AppleIds(token_id)
    rows = session.exec(select(m.AppleUser).where(m.AppleUser.token_id == token_id)
                        .order_by(col(m.AppleUser.id))).all()
    for row in rows:
        upn = row.upn or row.email
        if not upn:
            continue
        ids.upn_of[row.client_user_id] = upn
        current = ids.by_upn.get(upn.casefold())
        # A live record wins over a retired twin of the same person.
        if current is None or (current.status == "Retired" and row.status != "Retired"):
            ids.by_upn[upn.casefold()] = row
    return ids


def to_user(row: m.DirectoryUser, devices: Iterable[Device], ids: AppleIds) -> User:
    return User(upn=row.upn, managed_apple_id=row.managed_apple_id,
                personal_apple_id=row.personal_apple_id, active=row.active,
                devices=tuple(devices), client_user_ids=(ids.client_id(row.upn),))


def _devices_of(session: Session, upns: list[str]) -> dict[str, list[Device]]:
    found: dict[str, list[Device]] = {}
    for start in range(0, len(upns), 500):
        part = upns[start:start + 500]
        for row in session.exec(select(m.DirectoryDevice).where(
                col(m.DirectoryDevice.primary_user).in_(part))).all():
            found.setdefault(row.primary_user or "", []).append(to_device(row))
    return found


def users_by_upn(session: Session, upns: list[str], ids: AppleIds) -> dict[str, User]:
    rows: list[m.DirectoryUser] = []
    for start in range(0, len(upns), 500):
        rows += session.exec(select(m.DirectoryUser).where(
            col(m.DirectoryUser.upn).in_(upns[start:start + 500]))).all()
    devices = _devices_of(session, [r.upn for r in rows])
    return {r.upn: to_user(r, devices.get(r.upn, ()), ids) for r in rows}


def group_row(session: Session, name: str) -> m.DirectoryGroup:
    row = session.exec(select(m.DirectoryGroup).where(m.DirectoryGroup.name == name)).first()
    if row is None:
        raise NotFound(_("no group named {name!r}; import it with 'vpp-tui directory import'")
                       .format(name=name))
    return row


def group_members(session: Session, group_id: int) -> list[str]:
    return list(session.exec(select(m.GroupMember.member).where(
        m.GroupMember.group_id == group_id).order_by(col(m.GroupMember.position))).all())


def load_group(session: Session, row: m.DirectoryGroup, ids: AppleIds) -> Group:
    members = group_members(session, row.id or 0)
    if row.kind == "user":
        users = users_by_upn(session, members, ids)
        return Group(row.name, GroupKind.USER, users=tuple(users.values()))
    devices: list[Device] = []
    for start in range(0, len(members), 500):
        devices += [to_device(d) for d in session.exec(select(m.DirectoryDevice).where(
            col(m.DirectoryDevice.serial).in_(members[start:start + 500]))).all()]
    owners = sorted({d.primary_user for d in devices if d.primary_user})
    users = users_by_upn(session, owners, ids)
    return Group(row.name, GroupKind.DEVICE, users=tuple(users.values()),
                 devices=tuple(devices))


def group_devices(group: Group) -> list[Device]:
    if group.kind is GroupKind.DEVICE:
        return list(group.devices)
    return [d for u in group.users for d in u.devices]


def license_rows(session: Session, asset_id: int) -> list[m.License]:
    return list(session.exec(select(m.License).where(m.License.asset_id == asset_id)).all())


def holdings_of(rows: Iterable[m.License], ids: AppleIds) -> Holdings:
    users: set[str] = set()
    devices: set[str] = set()
    for lic in rows:
        if lic.status not in HELD:
            continue
        if lic.kind == "user":
            users.add(ids.member_of(lic))
        else:
            devices.add(lic.member)
    return Holdings(users=frozenset(users), devices=frozenset(devices))


def assigned_groups(session: Session, asset_id: int) -> list[tuple[m.Assignment,
                                                                   m.DirectoryGroup]]:
    return list(session.exec(select(m.Assignment, m.DirectoryGroup).join(
        m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id)).where(
        m.Assignment.asset_id == asset_id)).all())


def reach(group: Group) -> Holdings:
    """Every member an assignment to `group` can license: users, devices, users' devices."""
    users = {u.upn for u in group.users} if group.kind is GroupKind.USER else set()
    devices = {d.serial for d in group_devices(group)}
    if group.kind is GroupKind.DEVICE:
        users |= {d.primary_user for d in group.devices if d.primary_user}
    return Holdings(users=frozenset(users), devices=frozenset(devices))


def still_assigned(session: Session, asset_id: int, except_group: int | None,
                   ids: AppleIds) -> Holdings:
    """Members other assignments (not Uninstall) of the same asset still reach."""
    users: set[str] = set()
    devices: set[str] = set()
    for assignment, row in assigned_groups(session, asset_id):
        if row.id == except_group or assignment.intent == "uninstall":
            continue
        reached = reach(load_group(session, row, ids))
        users |= reached.users
        devices |= reached.devices
    return Holdings(users=frozenset(users), devices=frozenset(devices))
