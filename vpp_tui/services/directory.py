"""The directory: users, devices and groups the licenses go to; imported, never edited here.

A re-import is a sync. Users missing from the file, or no longer active, have left the
company; members missing from a group have left that group: both are returned as
departures so their licenses can be reclaimed. A device missing from the file is kept as
unmanaged, because licenses are not reclaimed when a device leaves management.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from vpp_tui.i18n import _
from vpp_tui.services import audit
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.directory_file import DirectoryFile, DirectoryFileError, parse_directory
from vpp_tui.services.safe_text import SafeText
from vpp_tui.store import models as m


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
    departures: list[Departure] = field(default_factory=list)

    def summary(self) -> str:
        return _("users +{ua} ~{uu} -{ur}, devices +{da} ~{du} ({dn} no longer managed), "
                 "groups +{ga} ~{gu} -{gr}, {dep} departures").format(
            ua=self.added["users"], uu=self.updated["users"], ur=self.removed_users,
            da=self.added["devices"], du=self.updated["devices"], dn=self.unmanaged_devices,
            ga=self.added["groups"], gu=self.updated["groups"], gr=self.removed_groups,
            dep=len(self.departures))


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
                "{group!r} lists {n} unknown members ({first}); import them or remove them"
            ).format(group=group.name, n=len(missing), first=", ".join(missing[:3])))
    if parsed.groups is not None:
        named = {g.name for g in parsed.groups}
        rows = session.exec(select(m.DirectoryGroup.name).join(
            m.Assignment, col(m.Assignment.group_id) == col(m.DirectoryGroup.id))).all()
        for name in sorted(set(rows) - named):
            problems.append(f"{filename}: groups: " + _(
                "{group!r} is missing from the file but has assignments; remove its "
                "assignments first or keep it in the file").format(group=name))
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
        else:
            result.updated["devices"] += 1
        for name in ("name", "platform", "ownership", "supervised", "enrollment", "kiosk",
                     "app_store_blocked", "primary_user", "managed"):
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
            before = set(session.exec(select(m.GroupMember.member).where(
                m.GroupMember.group_id == row.id)).all())
            result.updated["groups"] += 1
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


def import_directory(ctx: ServiceContext, text: str, *, filename: str = "directory.json",
                     kind: str | None = None) -> ImportResult:
    """Validate the whole file, then apply it in one transaction; nothing is written on error."""
    authorize(ctx, Permission.DIRECTORY_IMPORT)
    parsed = parse_directory(text, filename=filename, kind=kind)
    result = ImportResult()
    now = ctx.clock.now()
    with ctx.store.session() as session:
        _check_references(session, parsed, filename)
        _import_users(session, parsed, result, now)
        _import_devices(session, parsed, result, now)
        session.flush()
        _import_groups(session, parsed, result, now)
        audit.record(session, ctx, "directory.import", filename, detail=result.summary())
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
