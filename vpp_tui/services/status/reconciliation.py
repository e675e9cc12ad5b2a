"""The reconciliation's counts for `vpp-tui status`, read with SQLAlchemy Core (issue 13).

`status` needs how many rows each class holds and how many of them cannot be reclaimed,
not the rows. The classes are the one rule, `domain.reconcile.reconcile`, given the same
facts `services.reconcile.report_with_facts` gives it (Apple's holdings as of the last
sync, the console's assignments with their groups' members, the directory), read here in
`Store.reading()` from `store.tables`: `services.reconcile` reads them through the
licensing services, which load SQLModel and the ORM (a third of `status`'s start-up).
`tests/services/test_status_counts.py` checks both give the same counts on one store.

What differs from the report's facts and cannot change a count: users carry no Apple
clientUserIds (they only name the Apple operations of a plan; the reconciliation reads a
plan's members), and the directory is read whole (the report reads only the users and
devices a held row names; the reconciliation only looks those up).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from vpp_tui.domain.licensing import (
    Device,
    Enrollment,
    Group,
    GroupKind,
    Intent,
    Item,
    LicenseType,
    MemberKind,
    Ownership,
    Platform,
    ProductType,
    User,
    people,
)
from vpp_tui.domain.licensing.ledger import HELD_STATUSES, RowStatus
from vpp_tui.domain.licensing.model import platforms_from_apple
from vpp_tui.domain.reconcile import (
    Directory,
    HeldRow,
    Intention,
    ItemKey,
    NotHeld,
    reconcile,
)
from vpp_tui.services.access import Permission, authorize, visible_token_names
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import tables

_KINDS = {str(k): k for k in MemberKind}
_PLATFORMS = {str(v): v for v in Platform}
_OWNERSHIPS = {str(v): v for v in Ownership}
_ENROLLMENTS = {str(v): v for v in Enrollment}
_UNKNOWN = (None, False)  # an Apple user the store does not know: (status, ours)
_NOT_HELD = (str(RowStatus.FAILED), str(RowStatus.WAITLISTED))
_HELD = tuple(str(s) for s in HELD_STATUSES)
CHUNK = 500


@dataclass(frozen=True)
class ReconciliationCounts:
    """Rows per reconciliation class (`counts`: every class, 0 when none) and, per class
    with such rows, those whose license cannot be reclaimed (`unreclaimable`: books, apps
    Apple marks not revocable; `domain.reconcile.Finding.kept_reason`)."""

    counts: dict[str, int]
    unreclaimable: dict[str, int]


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)] or [[]]


def _location(token_id: int, location_id: str | None) -> str:
    return location_id or f"token:{token_id}"


def _item(row: Any) -> Item:
    """An asset row as the licensing rule reads it (the item of `licensing.facts.to_item`)."""
    return Item(adam_id=row.adam_id, pricing_param=row.pricing_param,
                product_type=ProductType.BOOK if row.product_type == "book"
                else ProductType.APP,
                platforms=platforms_from_apple(row.platforms),
                device_assignable=row.device_assignable, revocable=row.revocable,
                name=row.name or row.adam_id)


def _device(row: Any) -> Device:
    """A directory device row; an unknown platform, ownership or enrollment reads as iOS,
    corporate, device enrollment (as `licensing.members.to_device`)."""
    return Device(row.serial, _PLATFORMS.get(row.platform, Platform.IOS),
                  _OWNERSHIPS.get(row.ownership, Ownership.CORPORATE), row.supervised,
                  _ENROLLMENTS.get(row.enrollment, Enrollment.DEVICE), row.kiosk,
                  row.app_store_blocked, row.managed, row.primary_user, row.enrolled_at)


def _persons(db: Any, locations: dict[str, list[int]]) -> dict[str, dict[str, str]]:
    """{location: {clientUserId: person}} over every token of each location, Apple users
    in id order (`domain.licensing.people`: the row with a UPN wins)."""
    au = tables.apple_users.c
    found: dict[str, dict[str, str]] = {}
    for loc, token_ids in locations.items():
        upn_of = found.setdefault(loc, {})
        for cid, upn, email in db.execute(select(au.client_user_id, au.upn, au.email).where(
                au.token_id.in_(token_ids)).order_by(au.id)):
            person = people.person_of(upn, email)
            if person and people.replaces(upn_of.get(cid), bool(upn)):
                upn_of[cid] = person
    return found


def _group(db: Any, group_id: int, name: str, kind: str) -> Group:
    """The group's members (users in group order with their devices; or devices in group
    order with their primary users, by UPN, and those users' devices)."""
    du, dd, gm = tables.directory_users.c, tables.directory_devices.c, tables.group_members.c
    members = select(gm.member).where(gm.group_id == group_id).scalar_subquery()
    user_columns = (du.upn, du.managed_apple_id, du.personal_apple_id, du.active)

    def users(query: Any, owners: Any) -> tuple[User, ...]:
        devices_of: dict[str, list[Device]] = {}
        for row in db.execute(select(tables.directory_devices).where(dd.primary_user.in_(owners)).order_by(dd.id)):
            devices_of.setdefault(row.primary_user or "", []).append(_device(row))
        return tuple(User(upn, managed, personal, active, tuple(devices_of.get(upn, ())))
                     for upn, managed, personal, active in db.execute(query))

    if kind == "user":
        return Group(name, GroupKind.USER, users=users(select(*user_columns).join(
            tables.group_members, gm.member == du.upn).where(
            gm.group_id == group_id).order_by(gm.position), members))
    devices = tuple(_device(d) for d in db.execute(select(tables.directory_devices).join(
        tables.group_members, gm.member == dd.serial).where(
        gm.group_id == group_id).order_by(gm.position)))
    owners = select(dd.primary_user).where(dd.serial.in_(members),
                                           dd.primary_user.is_not(None)).scalar_subquery()
    return Group(name, GroupKind.DEVICE, users=users(select(*user_columns).where(
        du.upn.in_(owners)).order_by(du.upn), owners), devices=devices)


def _facts(db: Any, names: Iterable[str]) -> tuple[list[HeldRow], list[NotHeld],
                                                    list[Intention], Directory]:
    """What `domain.reconcile.reconcile` is given for the locations of the tokens `names`
    (as `services.reconcile.facts.load_facts` reads it; rows of other tokens left out)."""
    tk = tables.tokens.c
    wanted = set(names)
    tokens = {i: (n, _location(i, loc)) for i, n, loc in db.execute(
        select(tk.id, tk.name, tk.location_id)) if n in wanted}
    if not tokens:
        return [], [], [], Directory({}, {})
    location_ids = {loc for _n, loc in tokens.values() if not loc.startswith("token:")}
    locations: dict[str, list[int]] = {loc: [] for _n, loc in tokens.values()}
    for i, loc in db.execute(select(tk.id, tk.location_id).where(
            tk.location_id.in_(sorted(location_ids)))):
        locations[loc].append(i)
    for i, (_n, loc) in tokens.items():
        if loc.startswith("token:"):
            locations[loc] = [i]
    persons = _persons(db, locations)
    token_ids = sorted(tokens)
    au, asset, lic = tables.apple_users.c, tables.assets.c, tables.licenses.c
    apple_users: dict[tuple[str, str], tuple[str, bool]] = {}
    for cid, status, upn, token_id in db.execute(select(
            au.client_user_id, au.status, au.upn, au.token_id).where(
            au.token_id.in_(token_ids))):
        key = (tokens[token_id][1], cid)
        old = apple_users.get(key)
        if old is None or (old[0] == "Retired" and status != "Retired"):
            apple_users[key] = (status, bool(upn) or bool(old and old[1]))
        elif upn:
            apple_users[key] = (old[0], True)
    place: dict[int, tuple[str, str, ItemKey, Item]] = {}
    for part in _chunks(token_ids):
        for row in db.execute(select(tables.assets).where(
                asset.token_id.in_(part))):
            name, loc = tokens[row.token_id]
            place[row.id] = (name, loc, ItemKey(loc, row.adam_id, row.pricing_param),
                             _item(row))
    held: list[HeldRow] = []
    not_held: list[NotHeld] = []
    for part in _chunks(token_ids):
        for (license_id, asset_id, kind_name, raw, cid, serial, state, assignment_id,
             source) in db.execute(select(
                lic.id, lic.asset_id, lic.kind, lic.member, lic.client_user_id, lic.serial,
                lic.status, lic.assignment_id, lic.source).join(
                tables.assets, asset.id == lic.asset_id).where(
                asset.token_id.in_(part)).order_by(lic.id)):
            token_name, loc, item_key, item = place[asset_id]
            kind = _KINDS[kind_name]
            upn_of = persons[loc]
            if state in _HELD:
                if kind is MemberKind.USER:
                    member = upn_of.get(cid or "") or upn_of.get(raw) or raw
                    target = cid or raw
                    status, ours = apple_users.get((loc, target), _UNKNOWN)
                else:
                    member, target = raw, serial or raw
                    status, ours = None, apple_users.get((loc, target), _UNKNOWN)[1]
                console = source == "console"
                held.append(HeldRow(license_id, asset_id, token_name, item_key, kind, member,
                                    target, item, status, ours or console,
                                    assignment_id is not None, console))
            elif state in _NOT_HELD:
                member = (upn_of.get(cid or "") or upn_of.get(raw) or raw
                          if kind is MemberKind.USER else raw)
                not_held.append(NotHeld(license_id, item_key, kind, member, state))
    du, dd = tables.directory_users.c, tables.directory_devices.c
    directory = Directory({upn.casefold(): active for upn, active in db.execute(
        select(du.upn, du.active))}, dict(db.execute(select(dd.serial, dd.managed)).all()))
    return held, not_held, _intentions(db, tokens, place), directory


def _intentions(db: Any, tokens: dict[int, tuple[str, str]],
                place: dict[int, tuple[str, str, ItemKey, Item]]) -> list[Intention]:
    asg, asset, grp = tables.assignments.c, tables.assets.c, tables.directory_groups.c
    found = []
    groups: dict[tuple[str, int], Group] = {}
    for part in _chunks(sorted(tokens)):
        found += db.execute(select(asg.asset_id, asg.intent, asg.license_type, grp.id,
                                   grp.name, grp.kind).join(
            tables.assets, asset.id == asg.asset_id).join(
            tables.directory_groups, grp.id == asg.group_id).where(
            asset.token_id.in_(part))).all()
    intentions = []
    for asset_id, intent, license_type, group_id, group_name, group_kind in found:
        token_name, loc, item_key, item = place[asset_id]
        if (loc, group_id) not in groups:
            groups[(loc, group_id)] = _group(db, group_id, group_name, group_kind)
        try:
            wanted, kind = Intent(intent), LicenseType(license_type)
        except ValueError:
            continue
        intentions.append(Intention(asset_id, token_name, item_key, item,
                                    groups[(loc, group_id)], wanted, kind))
    return intentions


def reconciliation_counts(ctx: ServiceContext) -> ReconciliationCounts:
    """The reconciliation's counts over every location the admin reads (APPS_READ), as
    `services.reconcile.reconcile_report(ctx)` counts them (`counts`, `unreclaimable`).
    Raises AccessDenied. Read only; Core reads (no ORM)."""
    authorize(ctx, Permission.APPS_READ)
    names = visible_token_names(ctx, Permission.APPS_READ)
    with ctx.store.reading() as db:
        held, not_held, intentions, directory = _facts(db, names)
    result = reconcile(held, not_held, intentions, directory)
    kept: dict[str, int] = {}
    for finding in result.findings:
        if finding.kept_reason:
            kept[str(finding.discrepancy)] = kept.get(str(finding.discrepancy), 0) + 1
    return ReconciliationCounts(dict(result.counts), kept)
