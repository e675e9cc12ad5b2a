"""The directory: users, devices and groups the licenses go to; imported, never edited here.

A re-import is a sync. Users missing from the file, or no longer active, have left the
company; members missing from a group have left that group: both are returned as
departures so their licenses can be reclaimed. A device missing from the file is kept as
unmanaged, because licenses are not reclaimed when a device leaves management.

The file is checked as a whole first (issue 9, item 1): a file with no records is refused
(`directory_file`), group members must exist, and a re-import that would remove more than
a share of the directory (`domain.directory.is_mass_removal`) is refused with the counts
unless the mass removal is allowed. A removed user leaves no group membership behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from vpp_tui.domain.directory import (
    DEVICES,
    GROUP_MEMBERS,
    USERS,
    Removal,
    RemovalLimit,
    mass_removals,
)
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, for_store
from vpp_tui.services import audit
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.directory.file import DirectoryFile, DirectoryFileError, parse_directory
from vpp_tui.services.errors import InvalidInput
from vpp_tui.services.safe_text import SafeText
from vpp_tui.services.settings import get_setting
from vpp_tui.store import models as m
from vpp_tui.store.planner import analyze


@dataclass(frozen=True)
class Departure(SafeText):
    member: str
    kind: str  # user | device
    group: str | None  # None: left the company
    reason: str


@dataclass
class ImportResult:
    added: dict[str, int] = field(default_factory=lambda: {"users": 0, "devices": 0, "groups": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"users": 0, "devices": 0,
                                                             "groups": 0})
    removed_users: int = 0
    unmanaged_devices: int = 0
    removed_groups: int = 0
    removed_memberships: int = 0  # memberships of users or devices no longer in the store
    departures: list[Departure] = field(default_factory=list)
    mass_removal: tuple[Removal, ...] = ()  # over the limit, and allowed by the admin

    def as_json(self) -> dict[str, Any]:
        """The import's counts and departures (`directory import --json`, docs/cli.md)."""
        return {
            "added": dict(self.added), "updated": dict(self.updated),
            "removed_users": self.removed_users, "unmanaged_devices": self.unmanaged_devices,
            "removed_groups": self.removed_groups,
            "removed_memberships": self.removed_memberships,
            "departures": [{"member": d.member, "kind": d.kind, "group": d.group,
                            "reason": d.reason} for d in self.departures],
            "mass_removal": [{"what": r.what, "removed": r.removed, "total": r.total,
                              "percent": r.percent} for r in self.mass_removal],
        }

    def summary(self) -> str:
        text = _("users +{ua} ~{uu} -{ur}, devices +{da} ~{du} ({dn} no longer managed), "
                 "groups +{ga} ~{gu} -{gr}, {dep} departures").format(
            ua=self.added["users"], uu=self.updated["users"], ur=self.removed_users,
            da=self.added["devices"], du=self.updated["devices"], dn=self.unmanaged_devices,
            ga=self.added["groups"], gu=self.updated["groups"], gr=self.removed_groups,
            dep=len(self.departures))
        if self.removed_memberships:
            text += _(", {n} group members no longer in the directory removed").format(
                n=self.removed_memberships)
        if self.mass_removal:
            text += _("; mass removal allowed: {what}").format(
                what=describe_removals(self.mass_removal))
        return text


def describe_removals(removals: tuple[Removal, ...], limit: RemovalLimit | None = None) -> str:
    """'61 of 600 users (10.2 %) and 70 of 652 group members (10.8 %), limit 10 %'
    (user-facing; the limit part only when `limit` is given). The share is
    `Removal.share`: rounded up, so it is never shown as equal to the limit it exceeds."""
    labels = {USERS: _("{n} of {t} users ({p} %)"), DEVICES: _("{n} of {t} devices ({p} %)"),
              GROUP_MEMBERS: _("{n} of {t} group members ({p} %)")}
    parts = [labels[r.what].format(n=r.removed, t=r.total, p=r.share) for r in removals]
    text = _(" and ").join(parts)
    if limit is not None:
        text += _(", limit {p} %").format(p=f"{limit.percent:g}")
    return text


class MassRemoval(InvalidInput):
    """A re-import would remove more of the directory than the limit allows (issue 9,
    item 1); nothing was written and the refusal is audited. `removals`: the parts over
    the limit (`domain.directory.Removal`, with counts); `limit` the limit applied.
    Allowed with `allow_mass_removal=True` (CLI `--allow-mass-removal`, or the console's
    confirmation)."""

    def __init__(self, filename: str, removals: tuple[Removal, ...],
                 limit: RemovalLimit) -> None:
        self.filename, self.removals, self.limit = filename, removals, limit
        super().__init__(_("{file}: would remove {what}; nothing was imported; check the "
                           "file, or allow the mass removal").format(
            file=filename, what=describe_removals(removals, limit)))


def removal_limit(ctx: ServiceContext, percent: float | None = None) -> RemovalLimit:
    """The mass-removal limit: `percent` (0–100) when given, else the store setting
    `directory_max_removal_percent`; the floor is `directory_removal_floor`.
    Raises InvalidInput for a percentage outside 0–100."""
    value = get_setting(ctx, "directory_max_removal_percent") if percent is None else percent
    if not 0 <= float(value) <= 100:
        raise InvalidInput(_("the maximum removal must be a percentage from 0 to 100, not "
                             "{v}").format(v=value))
    return RemovalLimit(percent=float(value),
                        floor=int(get_setting(ctx, "directory_removal_floor")))


def removal_totals(ctx: ServiceContext) -> tuple[Removal, ...]:
    """How many users, managed devices and group memberships the store holds now, as
    Removals of nothing (`total` is the count): what the removal limit is measured
    against. Raises AccessDenied without `directory.read`."""
    authorize(ctx, Permission.DIRECTORY_READ)
    with ctx.store.session() as session:
        return _planned_removals(session, DirectoryFile())


def _planned_removals(session: Session, parsed: DirectoryFile) -> tuple[Removal, ...]:
    """What applying `parsed` would remove, counted against the store (nothing written)."""
    users = dict(session.exec(select(m.DirectoryUser.upn, m.DirectoryUser.active)).all())
    incoming = ({u.upn: u.active for u in parsed.users} if parsed.users is not None
                else dict(users))
    leaving = {u for u, active in users.items()
               if u not in incoming or (active and not incoming[u])}
    managed = set(session.exec(select(m.DirectoryDevice.serial).where(
        col(m.DirectoryDevice.managed))).all())
    unmanaged = (set() if parsed.devices is None
                 else managed - {d.serial for d in parsed.devices if d.managed})
    rows = session.exec(select(m.DirectoryGroup.name, m.DirectoryGroup.kind,
                               m.GroupMember.member).join(
        m.GroupMember, col(m.GroupMember.group_id) == col(m.DirectoryGroup.id))).all()
    serials = set(session.exec(select(m.DirectoryDevice.serial)).all())
    # Memberships already dangling (left by an import before this check) are not lost now.
    before = {(g, x) for g, kind, x in rows if x in (users if kind == "user" else serials)}
    kinds = {g: kind for g, kind, _x in rows}
    after = set(before)
    if parsed.groups is not None:
        kinds = {g.name: g.kind for g in parsed.groups}
        after = {(g.name, x) for g in parsed.groups for x in g.members}
    after = {(g, x) for g, x in after if kinds[g] != "user" or x in incoming}
    return (Removal(USERS, len(leaving), len(users)),
            Removal(DEVICES, len(unmanaged), len(managed)),
            Removal(GROUP_MEMBERS, len(before - after), len(before)))


def _check_references(session: Session, parsed: DirectoryFile, filename: str) -> None:
    known_users = ({u.upn for u in parsed.users} if parsed.users is not None
                   else set(session.exec(select(m.DirectoryUser.upn)).all()))
    known_devices = ({d.serial for d in parsed.devices} if parsed.devices is not None
                     else set(session.exec(select(m.DirectoryDevice.serial)).all()))
    problems = []
    for group in parsed.groups or []:
        known = known_users if group.kind == "user" else known_devices
        missing = [x for x in group.members if x not in known]
        if missing:
            line = parsed.lines.get(("groups", group.name), 0)
            problems.append(f"{filename}:{line}: groups: " + _(
                "{group} lists {n} unknown members ({first}); import them or remove them"
            ).format(group=quote(group.name), n=len(missing), first=", ".join(quote(x) for x in missing[:3])))
    if parsed.groups is not None:
        named = {g.name for g in parsed.groups}
        rows = session.exec(select(m.DirectoryGroup.name).join(
            m.Assignment, col(m.Assignment.group_id) == col(m.DirectoryGroup.id))).all()
        for name in sorted(set(rows) - named):
            problems.append(f"{filename}: groups: " + _(
                "{group} is missing from the file but has assignments; remove its "
                "assignments first or keep it in the file").format(group=quote(name)))
    if problems:
        raise DirectoryFileError(filename, problems)


def _import_users(session: Session, parsed: DirectoryFile, result: ImportResult, now) -> None:  # noqa: ANN001
    if parsed.users is None:
        return
    existing = {u.upn: u for u in session.exec(select(m.DirectoryUser)).all()}
    incoming = {u.upn for u in parsed.users}
    for rec in parsed.users:
        row = existing.get(rec.upn)
        if row is None:
            row = m.DirectoryUser(upn=rec.upn)
            result.added["users"] += 1
        else:
            if row.active and not rec.active:
                result.departures.append(Departure(rec.upn, "user", None,
                                                   _("left the company (inactive)")))
            if (row.name, row.managed_apple_id, row.personal_apple_id, row.active) != (
                    rec.name, rec.managed_apple_id, rec.personal_apple_id, rec.active):
                result.updated["users"] += 1
        row.name, row.managed_apple_id = rec.name, rec.managed_apple_id
        row.personal_apple_id, row.active, row.imported_at = rec.personal_apple_id, rec.active, now
        session.add(row)
    for upn, row in existing.items():
        if upn not in incoming:
            result.removed_users += 1
            if row.active:
                result.departures.append(Departure(upn, "user", None,
                                                   _("left the company (not in the directory)")))
            session.delete(row)


_DEVICE_FIELDS = ("name", "platform", "ownership", "supervised", "enrollment", "kiosk",
                  "app_store_blocked", "primary_user", "managed")


def _import_devices(session: Session, parsed: DirectoryFile, result: ImportResult, now) -> None:  # noqa: ANN001
    if parsed.devices is None:
        return
    existing = {d.serial: d for d in session.exec(select(m.DirectoryDevice)).all()}
    incoming = {d.serial for d in parsed.devices}
    for rec in parsed.devices:
        row = existing.get(rec.serial)
        if row is None:
            row = m.DirectoryDevice(serial=rec.serial, platform=rec.platform, enrolled_at=now)
            result.added["devices"] += 1
        elif any(getattr(row, name) != getattr(rec, name) for name in _DEVICE_FIELDS):
            result.updated["devices"] += 1  # only a device whose values change is modified
        for name in _DEVICE_FIELDS:
            setattr(row, name, getattr(rec, name))
        row.imported_at = now
        session.add(row)
    for serial, row in existing.items():
        if serial not in incoming and row.managed:
            row.managed = False
            result.unmanaged_devices += 1
            session.add(row)


def _import_groups(session: Session, parsed: DirectoryFile, result: ImportResult, now) -> None:  # noqa: ANN001
    if parsed.groups is None:
        return
    existing = {g.name: g for g in session.exec(select(m.DirectoryGroup)).all()}
    for rec in parsed.groups:
        row = existing.get(rec.name)
        if row is None:
            row = m.DirectoryGroup(name=rec.name, kind=rec.kind, imported_at=now)
            session.add(row)
            session.flush()
            result.added["groups"] += 1
            before: set[str] = set()
        else:
            listed = tuple(session.exec(select(m.GroupMember.member).where(
                m.GroupMember.group_id == row.id).order_by(col(m.GroupMember.position))).all())
            before = set(listed)
            if (row.kind, listed) != (rec.kind, rec.members):
                result.updated["groups"] += 1  # only a group whose kind or members change
            row.kind, row.imported_at = rec.kind, now
            session.add(row)
        for member in sorted(before - set(rec.members)):
            result.departures.append(Departure(member, rec.kind, rec.name,
                                               _("left the group {g}").format(g=rec.name)))
        session.execute(delete(m.GroupMember).where(col(m.GroupMember.group_id) == row.id))
        session.add_all(m.GroupMember(group_id=row.id or 0, member=member, position=i)
                        for i, member in enumerate(rec.members))
    named = {g.name for g in parsed.groups}
    for name, row in existing.items():
        if name not in named:
            result.removed_groups += 1
            session.delete(row)


def _drop_dangling_members(session: Session, result: ImportResult) -> None:
    """Delete memberships naming a user (user groups) or a device (device groups) the
    directory no longer holds: a removed user leaves no group member behind."""
    session.flush()
    for kind, key in (("user", m.DirectoryUser.upn), ("device", m.DirectoryDevice.serial)):
        gone = session.exec(select(m.GroupMember.group_id, m.GroupMember.member).join(
            m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.GroupMember.group_id)).where(
            m.DirectoryGroup.kind == kind,
            col(m.GroupMember.member).notin_(select(key)))).all()
        by_group: dict[int, list[str]] = {}
        for group_id, member in gone:
            by_group.setdefault(group_id, []).append(member)
        for group_id, members in by_group.items():
            session.execute(delete(m.GroupMember).where(
                col(m.GroupMember.group_id) == group_id, col(m.GroupMember.member).in_(members)))
        result.removed_memberships += len(gone)


DIRECTORY_TABLES = tuple(model.__tablename__ for model in (
    m.DirectoryUser, m.DirectoryDevice, m.DirectoryGroup, m.GroupMember))


def import_directory(ctx: ServiceContext, text: str, *, filename: str = "directory.json",
                     kind: str | None = None, allow_mass_removal: bool = False,
                     max_removal_percent: float | None = None) -> ImportResult:
    """Validate the whole file, then apply it in one transaction; nothing is written on error.

    Raises DirectoryFileError (bad records, unknown group members), DirectoryFileUnusable
    (empty, no records, bad header or quoting), MassRemoval (more than `removal_limit` of
    the users, managed devices or group members would go; audited) unless
    `allow_mass_removal`; `max_removal_percent` overrides the store setting for this import.
    On PostgreSQL the directory tables' statistics are refreshed after the import
    (`store.planner.analyze`), so the next plan over a large group does not join blind.
    """
    authorize(ctx, Permission.DIRECTORY_IMPORT)
    parsed = parse_directory(text, filename=filename, kind=kind)
    limit = removal_limit(ctx, max_removal_percent)
    result = ImportResult()
    now = ctx.clock.now()
    try:
        with ctx.store.session() as session:
            _check_references(session, parsed, filename)
            over = mass_removals(_planned_removals(session, parsed), limit)
            if over and not allow_mass_removal:
                raise MassRemoval(filename, over, limit)
            result.mass_removal = over
            _import_users(session, parsed, result, now)
            _import_devices(session, parsed, result, now)
            session.flush()
            _import_groups(session, parsed, result, now)
            _drop_dangling_members(session, result)
            audit.record(session, ctx, "directory.import", filename, detail=result.summary())
    except MassRemoval as exc:
        with for_store():  # the store is shared: English
            audit.record_failure(ctx, "directory.import", filename, _(
                "refused: would remove {what}").format(what=describe_removals(exc.removals,
                                                                         exc.limit)))
        exc.audited = True  # not again where it is reported (cli/refusals.py)
        raise
    with ctx.store.session() as session:  # after the commit: the new rows are counted
        analyze(session.connection(), DIRECTORY_TABLES)
    return result


@dataclass(frozen=True)
class DirectoryCounts:
    users: int
    devices: int
    groups: int


def counts(ctx: ServiceContext) -> DirectoryCounts:
    authorize(ctx, Permission.DIRECTORY_READ)
    with ctx.store.session() as session:
        def n(model: type) -> int:
            return int(session.exec(select(func.count()).select_from(model)).one())

        return DirectoryCounts(users=n(m.DirectoryUser), devices=n(m.DirectoryDevice),
                               groups=n(m.DirectoryGroup))
