"""A device group's members as the licensing rule reads them (`members.load_group`): the
devices in group order, then their primary users (by UPN) with each such user's devices
in one statement (issue 13: the primary users were found by two subqueries joining the
100k members to the directory, one for the users and one for their devices, 0.12 s each
on PostgreSQL). Timings: bench/revoke_scale.py."""

from __future__ import annotations

from sqlalchemy import event, insert

from vpp_tui.domain.licensing import Group
from vpp_tui.services.licensing.facts import AppleIds
from vpp_tui.services.licensing.members import group_row, load_group
from vpp_tui.store import models as m

USERS = 300
GROUP = 700
OTHERS = 120


def _directory(world) -> dict[str, list[str]]:  # noqa: ANN001
    """Users u000..; devices not in the group (OTHER…, written first) and the group's
    devices (GRP…, written in reverse group order), each with a primary user or none;
    one primary user is not in the directory. Returns owner -> serials in id order."""
    upns = [f"u{i:03d}@contoso.edu" for i in range(USERS)]
    owner = {f"GRP{i:05d}": (upns[(i * 7) % USERS] if i % 5 else None)
             for i in range(GROUP)}
    owner["GRP00003"] = "ghost@contoso.edu"  # a primary user the directory lacks
    others = {f"OTHER{i:04d}": upns[(i * 3) % USERS] for i in range(OTHERS)}
    written = [*others, *reversed(list(owner))]  # the id order
    owner.update(others)
    with world.ctx.store.session() as session:
        session.execute(insert(m.DirectoryUser), [{"upn": u, "name": u} for u in upns])
        session.execute(insert(m.DirectoryDevice), [
            {"serial": s, "platform": "iOS", "managed": True, "primary_user": owner[s]}
            for s in written])
        group = m.DirectoryGroup(name="carts", kind="device")
        session.add(group)
        session.flush()
        session.execute(insert(m.GroupMember), [
            {"group_id": group.id, "member": f"GRP{i:05d}", "position": i}
            for i in range(GROUP)])
    devices_of: dict[str, list[str]] = {}
    for serial in written:
        if owner[serial]:
            devices_of.setdefault(owner[serial] or "", []).append(serial)
    return devices_of


def _load(world, name: str) -> tuple[Group, list[str]]:  # noqa: ANN001
    """The group `name` as `load_group` reads it, and the SQL statements it ran."""
    seen: list[str] = []

    def statement(_conn, _cursor, sql: str, *_args: object) -> None:  # noqa: ANN001
        seen.append(sql)

    engine = world.ctx.store.engine
    with world.ctx.store.session() as session:
        row = group_row(session, name)
        event.listen(engine, "before_cursor_execute", statement)
        try:
            return load_group(session, row, AppleIds(0)), seen
        finally:
            event.remove(engine, "before_cursor_execute", statement)


def test_device_group_reads_its_primary_users_with_their_devices_at_once(world) -> None:
    """Fault: `load_group` joined the group's members to the directory three times for
    a device group (its devices, then its primary users and their devices each through
    a subquery of the members): the statements naming group_members were 3, not 2."""
    devices_of = _directory(world)
    group, seen = _load(world, "carts")
    assert len([s for s in seen if "group_members" in s]) == 2, seen
    assert [d.serial for d in group.devices] == [f"GRP{i:05d}" for i in range(GROUP)]
    owners = {d.primary_user for d in group.devices if d.primary_user}
    assert [u.upn for u in group.users] == sorted(o for o in owners if o.startswith("u"))
    for user in group.users:
        assert [d.serial for d in user.devices] == devices_of[user.upn], user.upn
        assert all(d.primary_user == user.upn for d in user.devices)
    assert len(group.users) > 200  # most users own a device of the group


def test_device_group_with_no_primary_user_reads_no_users(world) -> None:
    """No device has a primary user: no user is read (one statement in all; there were
    three)."""
    with world.ctx.store.session() as session:
        session.execute(insert(m.DirectoryDevice), [
            {"serial": f"S{i}", "platform": "iOS", "managed": True} for i in range(3)])
        group = m.DirectoryGroup(name="loaners", kind="device")
        session.add(group)
        session.flush()
        session.execute(insert(m.GroupMember), [
            {"group_id": group.id, "member": f"S{i}", "position": 2 - i} for i in range(3)])
    loaded, seen = _load(world, "loaners")
    assert len(seen) == 1, seen
    assert [d.serial for d in loaded.devices] == ["S2", "S1", "S0"]
    assert loaded.users == ()
