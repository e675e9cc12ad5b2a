"""Revoke by user or device and the reclaim of departed members are linear in the rows
they touch (issue 13): their SQL statements do not grow with the ledger, and a revoke by
user or device loads only that member's license rows. Timings: bench/revoke_scale.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.services.bulk_ledger import add_rows
from tests.services.licensing_helpers import NORTH, north
from vpp_tui.services.licensing import departures
from vpp_tui.services.licensing.revoke import plan_revoke
from vpp_tui.store import models as m


@contextmanager
def counted(world) -> Iterator[dict[str, int]]:  # noqa: ANN001
    """SQL statements run and License rows loaded as objects inside the block."""
    seen = {"statements": 0, "licenses": 0}

    def statement(*_args: object) -> None:
        seen["statements"] += 1

    def loaded(*_args: object) -> None:
        seen["licenses"] += 1

    engine = world.ctx.store.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(m.License, "load", loaded)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(m.License, "load", loaded)


def test_revoke_and_reclaim_read_only_the_rows_they_touch(sqlite_world) -> None:
    """Faults (issue 13): a revoke by user or device loaded every held license of the
    store; the reclaim of departed members read every Apple user of the token once per
    item holding licenses (`setdefault(key, apple_ids(...))`), so its statements grew
    with the items. One North world for both, to keep the test cheap."""
    north(sqlite_world)
    ctx = sqlite_world.ctx
    users, devices = add_rows(sqlite_world, NORTH, users=20, devices=10, per_member=1,
                              assets=2)
    with counted(sqlite_world) as small_pending:
        before = departures.pending_count(ctx)
    with counted(sqlite_world) as small_user:
        assert len(plan_revoke(ctx, user=users[7]).plan.members) == 1
    with counted(sqlite_world) as small_device:
        assert len(plan_revoke(ctx, device=devices[3]).plan.members) == 1
    add_rows(sqlite_world, NORTH, users=200, devices=50, per_member=4, prefix="more")
    with counted(sqlite_world) as big_pending:
        after = departures.pending_count(ctx)
    with counted(sqlite_world) as big_user:
        assert len(plan_revoke(ctx, user=users[7]).plan.members) == 1
    with counted(sqlite_world) as big_device:
        assert len(plan_revoke(ctx, device=devices[3]).plan.members) == 1
    assert after == before  # the members are in the directory: nothing pending for them
    assert big_pending["statements"] == small_pending["statements"]
    assert big_user["statements"] == small_user["statements"]
    assert big_device["statements"] == small_device["statements"]
    assert big_user["licenses"] == big_device["licenses"] == 1
