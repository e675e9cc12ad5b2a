"""`services.reconcile.facts.load_facts`, the one reader of the reconciliation's facts (the
report, the reclaim and `vpp-tui status`), reads with SQLAlchemy Core through an ORM
Session or a `Store.reading()` Connection alike; `directory_reads.read_group` reads a
group's members as the license plans' `licensing.members.load_group` does. Both
databases."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import select

from tests.services.test_reconcile import _fill
from vpp_tui.domain.licensing import Group
from vpp_tui.domain.reconcile import reconcile
from vpp_tui.services.directory_reads import read_group
from vpp_tui.services.licensing.facts import apple_ids
from vpp_tui.services.licensing.members import load_group
from vpp_tui.services.reconcile.facts import load_facts
from vpp_tui.store import models as m


def _world_of_every_class(ctx) -> None:  # noqa: ANN001
    """`_fill`'s location, with a device group (one device with a primary user) assigned
    a book held twice, one device whose license failed and a member never licensed."""
    _fill(ctx, 0, 12)
    with ctx.store.session() as session:
        session.add(m.Asset(id=20, token_id=1, adam_id="200", name="Atlas",
                            product_type="book", total=10))
        session.add(m.DirectoryGroup(id=2, name="Carts", kind="device"))
        session.flush()
        session.add(m.DirectoryDevice(serial="CART1", platform="iPadOS", managed=True,
                                      primary_user="u3@x.org"))
        for position, serial in enumerate(("S00000", "CART1")):
            session.add(m.GroupMember(group_id=2, member=serial, position=position))
        session.add(m.Assignment(asset_id=20, group_id=2, intent="available",
                                 license_type="device"))
        for serial in ("S00001", "S00002"):
            session.add(m.License(asset_id=20, kind="device", member=serial, serial=serial,
                                  status="licensed"))
        session.add(m.License(asset_id=20, kind="device", member="S00000",
                              serial="S00000", status="failed"))
        session.add(m.DirectoryUser(upn="new@x.org"))
        session.add(m.GroupMember(group_id=1, member="new@x.org", position=99))


def test_load_facts_reads_the_same_through_a_session_and_a_connection(world) -> None:  # noqa: ANN001
    ctx = world.ctx
    _world_of_every_class(ctx)
    names = frozenset({"North"})
    with ctx.store.reading() as connection:
        core = load_facts(connection, names)
    with ctx.store.session() as session:
        orm = load_facts(session, names)
    assert core.held and core.not_held and len(core.intentions) == 2
    assert (core.held, core.not_held, core.intentions, core.directory) == (
        orm.held, orm.not_held, orm.intentions, orm.directory)
    assert core.location_names == orm.location_names == {"loc-1": "North Campus"}
    assert sorted(core.assets) == sorted(orm.assets) == [10, 11, 20]
    assert core.assets[20].product_type == "book"
    result = reconcile(core.held, core.not_held, core.intentions, core.directory)
    assert result.counts == reconcile(orm.held, orm.not_held, orm.intentions,
                                      orm.directory).counts
    with ctx.store.reading() as connection:
        assert load_facts(connection, frozenset({"South"})).held == []


def _without_client_ids(group: Group) -> Group:
    return replace(group, users=tuple(replace(u, client_user_ids=()) for u in group.users))


def test_read_group_reads_the_members_load_group_reads(world) -> None:  # noqa: ANN001
    ctx = world.ctx
    _world_of_every_class(ctx)
    with ctx.store.session() as session:
        ids = apple_ids(session, 1)
        rows = session.exec(select(m.DirectoryGroup).order_by(m.DirectoryGroup.id)).all()
        planned = [_without_client_ids(load_group(session, row, ids)) for row in rows]
    with ctx.store.reading() as connection:
        read = [read_group(connection, row.id or 0, row.name, row.kind) for row in rows]
    assert read == planned
    teachers, carts = read
    assert [u.upn for u in teachers.users][-1] == "new@x.org"
    assert [d.serial for d in carts.devices] == ["S00000", "CART1"]
    assert [u.upn for u in carts.users] == ["u3@x.org"]
    assert [d.serial for d in carts.users[0].devices] == ["CART1"]
