"""The store's change marker (`services.changes`, breaker fault 11): the actions committed
since a mark, on SQLite and PostgreSQL, including an entry whose id is below one already
seen (PostgreSQL hands out ids at insert, a transaction may commit after a later one)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from vpp_tui.services.changes import MANY, MAX_READ, StoreMark, changes_since, store_mark
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import tables as t


def add_entries(ctx: ServiceContext, *rows: tuple[int, str]) -> None:
    """Audit entries (id, action), committed together."""
    with ctx.store.engine.begin() as db:
        db.execute(insert(t.audit_entries), [
            {"id": i, "action": a, "actor": "other", "target": "",
             "at": datetime(2026, 12, 1, tzinfo=UTC)} for i, a in rows])


def test_nothing_committed_is_no_change(world) -> None:
    mark = store_mark(world.ctx)
    assert changes_since(world.ctx, mark) == type(changes_since(world.ctx, mark))(
        mark, frozenset())


def test_the_actions_committed_since_a_mark_are_found_once(world) -> None:
    base = store_mark(world.ctx).last
    mark = StoreMark(base)
    add_entries(world.ctx, (base + 1, "directory.import"), (base + 2, "grant.create"))
    found = changes_since(world.ctx, mark)
    assert found.actions == {"directory.import", "grant.create"}
    assert found.mark == StoreMark(base + 2)
    assert changes_since(world.ctx, found.mark).actions == frozenset()


def test_an_entry_committed_late_below_the_highest_id_is_noticed(world) -> None:
    base = store_mark(world.ctx).last
    add_entries(world.ctx, (base + 1, "token.sync"), (base + 3, "setting.set"))
    found = changes_since(world.ctx, StoreMark(base))
    assert found.mark == StoreMark(base + 3, (base + 2,))  # id base+2: not committed yet
    add_entries(world.ctx, (base + 2, "directory.import"))  # the long import commits
    late = changes_since(world.ctx, found.mark)
    assert late.actions == {"directory.import"}
    assert late.mark == StoreMark(base + 3)


def test_too_many_entries_say_everything_may_have_changed(world) -> None:
    base = store_mark(world.ctx).last
    add_entries(world.ctx, *((base + 1 + i, "token.sync") for i in range(MAX_READ + 1)))
    found = changes_since(world.ctx, StoreMark(base))
    assert found.actions == {MANY}
    assert found.mark == StoreMark(base + MAX_READ + 1)
