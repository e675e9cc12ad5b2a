"""Paged lists at an enterprise's size (issue 13): the statements a page runs, counted on
both databases, and the plan SQLite chooses for a page in name order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite

from tests.services.test_tokens import add
from vpp_tui.services import catalog, directory, sync
from vpp_tui.services.catalog import queries
from vpp_tui.store import models as m
from vpp_tui.store.engine import Store


@contextmanager
def statements(store: Store) -> Iterator[list[tuple[str, object]]]:
    """Every statement the store runs inside the block: (SQL, parameters)."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def catalog_reads(seen: list[tuple[str, object]]) -> list[str]:
    return [s for s, _p in seen if "FROM assets JOIN tokens" in s]


@pytest.fixture
def synced(world):  # noqa: ANN001, ANN201
    add(world, "North Campus")
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    return world


def test_a_page_change_counted_every_item_again(synced) -> None:  # noqa: ANN001
    everything = catalog.list_assets(synced.ctx, limit=None)
    assert everything.total > 6
    with statements(synced.ctx.store) as seen:
        page = catalog.list_assets(synced.ctx, offset=3, limit=3, known_total=everything.total)
    assert not [s for s, _p in seen if "count(" in s.lower()]
    assert len(catalog_reads(seen)) == 1
    assert page.total == everything.total
    assert [r.id for r in page.rows] == [r.id for r in everything.rows[3:6]]


def test_a_text_filter_read_every_item_twice(synced) -> None:  # noqa: ANN001
    # Fault: a COUNT scan, then the page's own scan; now the page counts in its scan.
    with statements(synced.ctx.store) as seen:
        page = catalog.list_assets(synced.ctx, text="field no", limit=5)
    assert len(catalog_reads(seen)) == 1
    assert ({r.name for r in page.rows}, page.total) == ({"Field Notes"}, 1)
    beyond = catalog.list_assets(synced.ctx, text="field no", offset=5, limit=5)
    assert (beyond.rows, beyond.total) == ([], 1)  # no row to carry the count: counted


def test_a_directory_page_change_counted_every_user_again(synced) -> None:  # noqa: ANN001
    directory.import_directory(synced.ctx, json.dumps({"users": [
        {"upn": f"u{i}@x.example", "name": f"User {i}"} for i in range(7)]}))
    first = queries.list_users(synced.ctx, limit=3)
    with statements(synced.ctx.store) as seen:
        page = queries.list_users(synced.ctx, offset=3, limit=3, known_total=first.total)
    assert not [s for s, _p in seen if "count(" in s.lower()]
    assert (page.total, [r.upn for r in page.rows]) == (
        first.total, [f"u{i}@x.example" for i in range(3, 6)])


def test_a_page_in_name_order_sorted_every_app_on_sqlite(sqlite_world) -> None:  # noqa: ANN001
    # Fault: with no statistics SQLite took the index on product_type (two values) and
    # sorted all 21k apps for each page of 200; the name index gives them in order.
    with statements(sqlite_world.ctx.store) as seen:
        catalog.list_assets(sqlite_world.ctx, offset=200, limit=200)
    page, parameters = next((s, p) for s, p in seen if "FROM assets JOIN tokens" in s
                            and "LIMIT" in s)
    with sqlite_world.ctx.store.engine.connect() as connection:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + page, parameters))
    assert "ix_assets_name" in plan and "TEMP B-TREE" not in plan, plan


def test_unindexed_is_a_unary_plus_on_sqlite_and_the_column_elsewhere() -> None:
    from vpp_tui.store.planner import unindexed  # noqa: PLC0415

    query = select(m.Asset.id).where(unindexed(m.Asset.product_type) == "app")
    assert "WHERE +assets.product_type = " in str(query.compile(dialect=sqlite.dialect()))
    assert "WHERE assets.product_type = " in str(query.compile(dialect=postgresql.dialect()))
