"""Every bulk plan reads a fixed number of SQL statements and builds no ORM object per row,
however many rows it touches (issue 13): the dry-run revoke of an item, the departures'
reclaim plans, the reconcile reclaim plan, the targets of a token's revoke-all and the
assignment plan for a user group and for a device group. Each is run at 8 and at 32 rows
of each kind; timings at 100k rows: bench/revoke_scale.py. (Revoke by user or device and
the reclaim count: test_linear_plans.py.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlmodel import col, select

from tests.services.bulk_ledger import add_group, add_rows, depart
from tests.services.licensing_helpers import NORTH, north
from vpp_tui.services import revocation
from vpp_tui.services.licensing import departures, plan_assign
from vpp_tui.services.licensing.revoke import plan_revoke
from vpp_tui.services.reconcile.reclaim import plan_reclaim
from vpp_tui.store import models as m

_LOADED = (m.License, m.AppleUser, m.DirectoryUser, m.DirectoryDevice)


@contextmanager
def counted(world) -> Iterator[dict[str, int]]:  # noqa: ANN001
    """SQL statements run, and rows loaded as ORM objects (license rows, Apple users,
    directory users and devices), inside the block."""
    seen = {"statements": 0, "objects": 0}

    def statement(*_args: object) -> None:
        seen["statements"] += 1

    def loaded(*_args: object) -> None:
        seen["objects"] += 1

    engine = world.ctx.store.engine
    event.listen(engine, "before_cursor_execute", statement)
    for model in _LOADED:
        event.listen(model, "load", loaded)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        for model in _LOADED:
            event.remove(model, "load", loaded)


def _first_app(world) -> str:  # noqa: ANN001
    """The name of the first app of North: `add_rows(..., assets=2)` licenses it."""
    with world.ctx.store.session() as session:
        return session.exec(select(m.Asset.name).join(m.Token).where(
            m.Token.name == NORTH, m.Asset.product_type == "app").order_by(
            col(m.Asset.id))).first() or ""


def _plans(ctx, app: str) -> dict[str, Callable[[int], Any]]:  # noqa: ANN001
    """Each bulk plan, given the size of the groups to plan for; each returns how many
    members or targets it planned, so the test sees that it did grow with the rows."""
    return {
        "revoke --item": lambda n: len(plan_revoke(ctx, item=app,
                                                   token=NORTH).plan.members),
        "departures": lambda n: sum(len(p.plan.members)
                                    for p in departures.plan_departures(ctx)),
        "reconcile reclaim": lambda n: len(plan_reclaim(ctx, ["departed_user"]).entries),
        "revoke-all targets": lambda n: sum(map(len, revocation.revoke_targets(ctx, NORTH))),
        "assign, user group": lambda n: len(plan_assign(
            ctx, app, f"users {n}", "required", "user", token=NORTH).plan.members),
        "assign, device group": lambda n: len(plan_assign(
            ctx, app, f"devices {n}", "required", "device",
            token=NORTH).plan.members),
    }


def _grow(world, n: int, start: int) -> None:  # noqa: ANN001
    """Up to `n` license rows of users and of devices (one app each, over two apps), a
    quarter of the users gone from the company, and groups of `n` users and devices."""
    users, _devices = add_rows(world, NORTH, users=n - start, devices=n - start,
                               per_member=1, assets=2, prefix=f"b{n}x")
    depart(world, users[::4])
    add_group(world, f"users {n}", kind="user", size=n, prefix=f"u{n}x")
    add_group(world, f"devices {n}", kind="device", size=n, prefix=f"d{n}x")


def test_bulk_plans_read_a_fixed_number_of_statements_and_no_object_per_row(
        sqlite_world) -> None:
    """Faults (issue 13): the plans built an ORM object for every Apple user of the
    location (`apple_ids`), every license row of the item or of the store (revoke by
    item, the reconcile), and every directory user and device they read; the departures'
    plans read every Apple user of the token again for each item."""
    north(sqlite_world)
    ctx = sqlite_world.ctx
    plans = _plans(ctx, _first_app(sqlite_world))
    seen: dict[int, dict[str, tuple[dict[str, int], int]]] = {}
    for n, start in ((8, 0), (32, 8)):
        _grow(sqlite_world, n, start)
        seen[n] = {}
        for name, plan in plans.items():
            with counted(sqlite_world) as count:
                planned = plan(n)
            seen[n][name] = (count, planned)
    for name in plans:
        (small, few), (big, many) = seen[8][name], seen[32][name]
        assert many > few, name  # the plan did cover the added rows
        assert big["statements"] == small["statements"], (name, small, big)
        assert big["objects"] == small["objects"], (name, small, big)


def test_plain_rows_reads_integers_and_strings_and_refuses_converted_columns(world) -> None:
    """`plain_rows` gives the driver's tuples; a column the dialect converts on the way
    out (a boolean on SQLite, a datetime anywhere) would come back raw, so it is
    refused."""
    import pytest
    from sqlalchemy import select as core_select

    from vpp_tui.services.licensing.facts import plain_rows

    with world.ctx.store.session() as session:
        session.add(m.DirectoryUser(upn="ana@x.org", active=True))
    du = m.DirectoryUser.__table__.c  # type: ignore[attr-defined]
    with world.ctx.store.session() as session:
        rows = plain_rows(session, core_select(du.id, du.upn).order_by(du.id))
        assert rows and all(type(r) is tuple and isinstance(r[0], int)
                            and isinstance(r[1], str) for r in rows)
        with pytest.raises(TypeError):
            plain_rows(session, core_select(du.id, m.License.__table__.c.since))  # type: ignore[attr-defined]
        if session.get_bind().dialect.name == "sqlite":  # 0/1 there, made bools on read
            with pytest.raises(TypeError):
                plain_rows(session, core_select(du.id, du.active))
        else:  # PostgreSQL's driver gives bools itself
            assert {type(r[1]) for r in plain_rows(session, core_select(du.id, du.active))
                    } == {bool}


def test_bulk_plans_build_with_no_garbage_collection_pause(sqlite_world) -> None:
    """Fault (issue 13): the cyclic collector woke every few hundred allocations while a
    plan built its plain objects and walked every object alive each time: 20-40 % of
    the CPU of the departures, reconcile reclaim and assignment plans at 100k rows. Now
    none collects while it reads and plans (`plain.bulk_build`), and collection is on
    again after."""
    import gc

    north(sqlite_world)
    ctx = sqlite_world.ctx
    plans = _plans(ctx, _first_app(sqlite_world))
    _grow(sqlite_world, 8, 0)
    collections: list[int] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    watched = {name: plans[name] for name in ("departures", "reconcile reclaim",
                                               "assign, user group", "assign, device group")}
    watched["pending count"] = lambda n: departures.pending_count(ctx)
    gc.callbacks.append(collected)
    try:
        for name, plan in watched.items():
            gc.collect()
            collections.clear()
            plan(8)
            # At most the one that may follow as collection resumes, none while planning.
            assert collections in ([], [0]), (name, collections)
    finally:
        gc.callbacks.remove(collected)
    assert gc.isenabled()
