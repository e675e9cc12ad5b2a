"""The directory read for the bulk readers with SQLAlchemy Core alone (issue 13).

What a held license row can name (`held_directory`, `users_named`) and an assigned group's
members as the reconciliation reads them (`read_group`), and the row converters both
bulk readers share (`device`, `to_item`), from `store.tables`, for "a
session or a connection": an ORM `Session` (flushed first, as an ORM read would be) or a
`Store.reading()` Connection, so `vpp-tui status` reads them without SQLModel, pydantic or
the ORM. The license plans' group reader, which also gives each user its Apple
clientUserIds, is `licensing.members.load_group`; the two read the same members in the
same order (`tests/services/test_reconcile_facts.py`).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import ARRAY, LargeBinary, String, any_, bindparam, cast, func, select

from vpp_tui.domain.licensing import (
    Device,
    Enrollment,
    Group,
    GroupKind,
    Item,
    Ownership,
    Platform,
    ProductType,
    User,
)
from vpp_tui.domain.licensing.ledger import HELD_STATUSES
from vpp_tui.domain.licensing.model import platforms_from_apple
from vpp_tui.store import tables
from vpp_tui.store.reads import prepared

HELD = tuple(sorted(str(s) for s in HELD_STATUSES))  # "licensed", "pending"
# Each enum by its value, looked up per row (an Enum call cost a microsecond per field).
PLATFORMS = {str(v): v for v in Platform}
OWNERSHIPS = {str(v): v for v in Ownership}
ENROLLMENTS = {str(v): v for v in Enrollment}
_DU, _DD = tables.directory_users.c, tables.directory_devices.c
_GM, _LIC, _AU = tables.group_members.c, tables.licenses.c, tables.apple_users.c
_USER_COLUMNS = (_DU.upn, _DU.managed_apple_id, _DU.personal_apple_id, _DU.active)
_DEVICE_COLUMNS = (_DD.serial, _DD.platform, _DD.ownership, _DD.supervised, _DD.enrollment,
                   _DD.kiosk, _DD.app_store_blocked, _DD.managed, _DD.primary_user,
                   _DD.enrolled_at)


def device(row: Any) -> Device:
    """A row of `_DEVICE_COLUMNS` (serial, platform, ownership, supervised, enrollment,
    kiosk, app_store_blocked, managed, primary_user, enrolled_at), unpacked once; an
    unknown platform, ownership or enrollment reads as iOS, corporate, device enrollment
    (as `licensing.members.to_device`). `licensing.members` reads its rows with it too."""
    (serial, platform, ownership, supervised, enrollment, kiosk, blocked, managed, primary,
     enrolled_at) = row
    return Device(serial, PLATFORMS.get(platform, Platform.IOS),
                  OWNERSHIPS.get(ownership, Ownership.CORPORATE), supervised,
                  ENROLLMENTS.get(enrollment, Enrollment.DEVICE), kiosk, blocked, managed,
                  primary, enrolled_at)


def to_item(row: Any) -> Item:
    """An asset row (`store.tables.assets` or `m.Asset`: any object with its attributes)
    as the licensing rule reads it; the one converter of the plans and the
    reconciliation."""
    return Item(adam_id=row.adam_id, pricing_param=row.pricing_param,
                product_type=ProductType.BOOK if row.product_type == "book"
                else ProductType.APP,
                platforms=platforms_from_apple(row.platforms),
                device_assignable=row.device_assignable, revocable=row.revocable,
                name=row.name or row.adam_id)


def read_group(db: Any, group_id: int, name: str, kind: str) -> Group:
    """Group `group_id` (`name`; `kind` "user" or "device") as the reconciliation reads
    it, in a fixed number of statements: users in group order with their devices (by
    device id); or devices in group order with their primary users (by UPN) and those
    users' devices. Users carry no clientUserIds (only a plan's Apple operations name
    them; `licensing.members.load_group` adds them)."""
    prepared(db)
    members = select(_GM.member).where(_GM.group_id == group_id).scalar_subquery()

    def users(query: Any, owners: Any) -> tuple[User, ...]:
        devices_of: dict[str, list[Device]] = {}
        for row in db.execute(select(*_DEVICE_COLUMNS).where(
                _DD.primary_user.in_(owners)).order_by(_DD.id)).all():
            devices_of.setdefault(row[8] or "", []).append(device(row))
        return tuple(User(upn, managed, personal, active, tuple(devices_of.get(upn, ())))
                     for upn, managed, personal, active in db.execute(query).all())

    if kind == "user":
        return Group(name, GroupKind.USER, users=users(select(*_USER_COLUMNS).join(
            tables.group_members, _GM.member == _DU.upn).where(
            _GM.group_id == group_id).order_by(_GM.position), members))
    devices = tuple(map(device, db.execute(select(*_DEVICE_COLUMNS).join(
        tables.group_members, _GM.member == _DD.serial).where(
        _GM.group_id == group_id).order_by(_GM.position)).all()))
    owners = select(_DD.primary_user).where(
        _DD.serial.in_(members), _DD.primary_user.is_not(None)).scalar_subquery()
    return Group(name, GroupKind.DEVICE, users=users(select(*_USER_COLUMNS).where(
        _DU.upn.in_(owners)).order_by(_DU.upn), owners), devices=devices)


def _not_ascii(dialect: Any, column: Any) -> Any:
    """A WHERE clause: `column` holds a character beyond ASCII (SQL's lower() and Python's
    casefold() may then disagree, so such rows are never left out by a lower() match)."""
    if dialect.name == "sqlite":
        # More bytes than characters: a fifth of the cost of GLOB "*[^\x01-\x7f]*" per
        # row (a NUL, which ends SQLite's character count, counts too: never left out).
        return func.length(column) != func.length(cast(column, LargeBinary))
    return column.op("~")("[^\x01-\x7f]")


def users_named(db: Any, names: Collection[str]) -> dict[str, bool]:
    """UPN -> active for the directory users whose UPN is one of `names` (lower-case
    ASCII: a held row's person, as `held_directory` matches it), plus every UPN beyond
    ASCII (its casefold may still equal a name). One statement however many names: a
    JSON array on SQLite, an array on PostgreSQL (issue 13: deriving the names again
    in SQL from every held license cost more than the plan's own reading of them)."""
    dialect = prepared(db)
    listed = sorted(names)
    if dialect.name == "sqlite":
        values = func.json_each(bindparam("names", json.dumps(listed))).table_valued("value")
        named = _DU.upn.in_(select(values.c.value))
    else:
        named = _DU.upn == any_(bindparam("names", listed, type_=ARRAY(String)))
    users = select(_DU.upn, _DU.active).where(named).union(
        select(_DU.upn, _DU.active).where(_not_ascii(dialect, _DU.upn)))
    return dict(db.execute(users).all())  # type: ignore[arg-type]


def held_directory(db: Any, *, every_user: bool = False
                   ) -> tuple[dict[str, bool], dict[str, bool]]:
    """(UPN -> active, serial -> managed): the directory users and devices a held license
    row can name, in two statements, not the whole directory (issue 13: a reconcile
    read 120k users and 105k devices to look up the 25k holding a license).

    Users: those whose UPN is, in lower case, the member of a held user license or the
    person (UPN, else e-mail) of an Apple user (`AppleIds.member_of` resolves a row to
    one of those), plus every UPN beyond ASCII; `every_user`: all of them (a caller
    whose holders are not all ASCII, as SQL's lower() folds ASCII only). Devices: those
    whose serial is the member of a held device license.
    """
    dialect = prepared(db)
    held = _LIC.status.in_(HELD)
    users: Any = select(_DU.upn, _DU.active)
    if not every_user:
        named = select(func.lower(_LIC.member)).where(held, _LIC.kind == "user").union(
            select(func.lower(func.coalesce(_AU.upn, _AU.email))))
        # Two parts, not one OR: each is then an index search or a cheap scan (an OR
        # made the database test every directory user against both: 0.2 s at 120k).
        users = users.where(_DU.upn.in_(named)).union(
            select(_DU.upn, _DU.active).where(_not_ascii(dialect, _DU.upn)))
    devices = select(_DD.serial, _DD.managed).where(_DD.serial.in_(
        select(_LIC.member).where(held, _LIC.kind == "device")))
    return dict(db.execute(users).all()), dict(db.execute(devices).all())
