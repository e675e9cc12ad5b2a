"""From the directory to the license engine's inputs: users, devices, groups, reach.

The directory's users and devices, and a group's members, read as the engine's plain
`User`, `Device` and `Group` (`domain.licensing`) with Core statements, a fixed number
per group however many members it has (issue 13: chunks of 500 ids, ORM rows and an
unused datetime column per row made a 100k-member group cost seconds). Apple identities
come from `licensing.facts.AppleIds`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from vpp_tui.domain.licensing import (
    Device,
    Group,
    GroupKind,
    Holdings,
    User,
)
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.directory_reads import device
from vpp_tui.services.errors import NotFound
from vpp_tui.store import models as m

if TYPE_CHECKING:
    from vpp_tui.services.licensing.facts import AppleIds


# Each enum by its value, looked up per row as a dict (an Enum call, with its ValueError
# for an unknown value, cost a microsecond or more per field of every device).


def to_device(row: m.DirectoryDevice) -> Device:
    """`row`: a DirectoryDevice or a row of its columns, read as `directory_reads.device`
    reads a row (an unknown platform, ownership or enrollment reads as iOS, corporate,
    device enrollment)."""
    return device((row.serial, row.platform, row.ownership, row.supervised, row.enrollment,
                   row.kiosk, row.app_store_blocked, row.managed, row.primary_user,
                   row.enrolled_at))


def to_user(row: Any, devices: Iterable[Device], ids: AppleIds) -> User:
    """`row`: a row of `_USER_COLUMNS` (upn, managed_apple_id, personal_apple_id,
    active), unpacked once (attribute access per field cost 1 µs × 100k members)."""
    upn, managed_apple_id, personal_apple_id, active = row
    return User(upn, managed_apple_id, personal_apple_id, active, tuple(devices),
                ids.client_ids(upn, managed_apple_id, personal_apple_id))


_DU = m.DirectoryUser.__table__.c  # type: ignore[attr-defined]
_DD = m.DirectoryDevice.__table__.c  # type: ignore[attr-defined]
_GM = m.GroupMember.__table__.c  # type: ignore[attr-defined]
# What `to_user` and `to_device` read, as Core columns: no ORM row, no unused column
# (a datetime per row that nothing reads cost a second per 100k users).
_USER_COLUMNS = (_DU.upn, _DU.managed_apple_id, _DU.personal_apple_id, _DU.active)
_DEVICE_COLUMNS = (_DD.serial, _DD.platform, _DD.ownership, _DD.supervised, _DD.enrollment,
                   _DD.kiosk, _DD.app_store_blocked, _DD.managed, _DD.primary_user,
                   _DD.enrolled_at)


def _devices_of(session: Session, upns: Any) -> dict[str, list[Device]]:
    """`upns`: a list, or a subquery of UPNs (one statement however many)."""
    found: dict[str, list[Device]] = {}
    parts = [upns[i:i + 500] for i in range(0, len(upns), 500)] \
        if isinstance(upns, list) else [upns]
    for part in parts:
        for row in session.execute(core_select(*_DEVICE_COLUMNS).where(
                _DD.primary_user.in_(part)).order_by(_DD.id)).all():
            found.setdefault(row[8] or "", []).append(device(row))
    return found


def users_by_upn(session: Session, upns: list[str], ids: AppleIds) -> dict[str, User]:
    session.flush()  # Core reads below: flushed as the ORM reads they replace were
    rows: list[Any] = []  # DirectoryUser columns
    for start in range(0, len(upns), 500):
        rows += session.execute(core_select(*_USER_COLUMNS).where(
            _DU.upn.in_(upns[start:start + 500]))).all()
    devices = _devices_of(session, [r.upn for r in rows])
    return {r[0]: to_user(r, devices.get(r[0], ()), ids) for r in rows}


def group_row(session: Session, name: str) -> m.DirectoryGroup:
    row = session.exec(select(m.DirectoryGroup).where(m.DirectoryGroup.name == name)).first()
    if row is None:
        raise NotFound(_("no group named {name}; import it with 'vpp-tui directory import'")
                       .format(name=quote(name)))
    return row


def group_members(session: Session, group_id: int) -> list[str]:
    return list(session.exec(select(m.GroupMember.member).where(
        m.GroupMember.group_id == group_id).order_by(col(m.GroupMember.position))).all())


def load_group(session: Session, row: m.DirectoryGroup, ids: AppleIds) -> Group:
    """The group's members as the licensing rule reads them, in a fixed number of
    statements (the directory joined to the group's members, never chunks of ids):
    users in group order with their devices; or devices in group order with their
    primary users (by UPN) with those users' devices (no statement for them when no
    device has a primary user)."""
    session.flush()
    if row.kind == "user":
        members = core_select(_GM.member).where(_GM.group_id == row.id)
        rows = session.execute(core_select(*_USER_COLUMNS).join(
            m.GroupMember.__table__, _GM.member == _DU.upn).where(
            _GM.group_id == row.id).order_by(_GM.position)).all()
        devices_of = _devices_of(session, members.scalar_subquery())
        return Group(row.name, GroupKind.USER, users=tuple(
            to_user(r, devices_of.get(r[0], ()), ids) for r in rows))
    # `.all()`: the rows fetched and converted at once (iterating fetched them one by
    # one, a third of a 100k-device group's cost).
    devices = list(map(device, session.execute(core_select(*_DEVICE_COLUMNS).join(
        m.GroupMember.__table__, _GM.member == _DD.serial).where(
        _GM.group_id == row.id).order_by(_GM.position)).all()))
    if all(d.primary_user is None for d in devices):  # no primary user: no statement
        return Group(row.name, GroupKind.DEVICE, users=(), devices=tuple(devices))
    # The primary users with their devices, in one statement: the subquery joining the
    # members to the directory runs once (issue 13: it ran twice, for the users and for
    # their devices, 0.12 s each at 100k members on PostgreSQL).
    owned = m.DirectoryDevice.__table__.alias("member_device")  # type: ignore[attr-defined]
    owners = core_select(owned.c.primary_user).where(
        owned.c.serial.in_(core_select(_GM.member).where(_GM.group_id == row.id)),
        owned.c.primary_user.is_not(None))
    rows = session.execute(core_select(*_USER_COLUMNS, *_DEVICE_COLUMNS).select_from(
        m.DirectoryUser.__table__.outerjoin(  # type: ignore[attr-defined]
            m.DirectoryDevice.__table__, _DD.primary_user == _DU.upn)).where(
        _DU.upn.in_(owners)).order_by(_DU.upn, _DD.id)).all()
    users: list[User] = []
    person: Any = None
    own: list[Device] = []
    for r in rows:  # by UPN, each user's devices in id order (none: a row of NULLs)
        if person is None or r[0] != person[0]:
            if person is not None:
                users.append(to_user(person, own, ids))
            person, own = r[:4], []
        if r[4] is not None:
            own.append(device(r[4:]))
    if person is not None:
        users.append(to_user(person, own, ids))
    return Group(row.name, GroupKind.DEVICE, users=tuple(users), devices=tuple(devices))


def group_devices(group: Group) -> list[Device]:
    if group.kind is GroupKind.DEVICE:
        return list(group.devices)
    return [d for u in group.users for d in u.devices]


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
