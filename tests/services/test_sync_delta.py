"""Delta sync at scale (issue 13): a delta with nothing changed costs the same few requests
whatever the catalog size, reads no license row, and looks up only new assets."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import event
from sqlmodel import select

from tests.services.conftest import make_world
from vpp_tui.services import sync, tokens
from vpp_tui.store import models as m

SCALE = "Scale District"


def scale_world(store, tmp_path, size: int):
    """The simulator's scale world with `size` assets, on small pages (several per list)."""
    world = make_world(store, tmp_key=str(tmp_path / "k.key"), world="scale", size=size,
                       page_size=4, rate_limit=False)
    f = world.token_file(SCALE)
    tokens.add_token(world.ctx, tokens.NewToken(name=SCALE, apple_id="a@appleid.example.edu",
                                                content=f.content, consent=True))
    return world


def paths_seen(world):
    """Start recording the last path segment of every request the simulator answers."""
    seen: Counter = Counter()
    handle = world.sim.handle

    def recording(method, url, headers=None, body=None):
        seen[url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]] += 1
        return handle(method, url, headers, body)

    world.sim.handle = recording
    return seen


@pytest.mark.parametrize("size", [2, 12])
def test_delta_sync_with_no_change_makes_five_requests_whatever_the_catalog_size(
        sqlite_store, tmp_path, size) -> None:
    world = scale_world(sqlite_store, tmp_path, size)
    full = sync.sync_token(world.ctx, SCALE)
    assert full.status == "completed" and full.full and full.assets == size
    world.clock.advance(60)
    before = world.sim.requests_seen
    seen = paths_seen(world)
    delta = sync.sync_token(world.ctx, SCALE)
    assert delta.status == "completed" and not delta.full, delta.error
    assert world.sim.requests_seen - before == delta.requests == 5
    # service/config, client/config, page 0 of assets, one page of each delta; no lookup.
    assert seen == Counter({"config": 2, "assets": 1, "assignments": 1, "users": 1})
    assert delta.assets == size  # the stored assets stand


def test_delta_sync_with_no_change_reads_no_license_row(sqlite_store, tmp_path) -> None:
    world = scale_world(sqlite_store, tmp_path, 3)
    sync.sync_token(world.ctx, SCALE)
    world.clock.advance(60)
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.lower())

    engine = world.ctx.store.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert sync.sync_token(world.ctx, SCALE).status == "completed"
    finally:
        event.remove(engine, "before_cursor_execute", note)
    # (The waitlist's "any asset with someone waiting" test is one EXISTS, not the rows.)
    assert statements and not [s for s in statements if s.startswith("select licenses.")]


def test_delta_sync_looks_up_only_a_new_asset_and_keeps_the_others(world) -> None:
    from tests.services.test_tokens import add

    add(world, "North Campus")
    sync.sync_token(world.ctx, "North Campus")
    with world.ctx.store.session() as s:
        before = {a.adam_id: (a.name, a.total) for a in s.exec(select(m.Asset)).all()}
    known = next(a for a in world.sim.metadata["us"] if a not in before)  # bought anew
    world.sim.purchase("North Campus", known, 5)
    seen = paths_seen(world)
    delta = sync.sync_token(world.ctx, "North Campus")
    assert delta.status == "completed" and not delta.full, delta.error
    assert seen["lookup"] == 1 and seen["assets"] >= 1
    with world.ctx.store.session() as s:
        after = {a.adam_id: (a.name, a.total) for a in s.exec(select(m.Asset)).all()}
    assert after[known] == (world.sim.metadata["us"][known]["name"], 5)
    assert {k: v for k, v in after.items() if k != known} == before
