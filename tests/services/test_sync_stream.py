"""Streaming full sync (issue 13): assignment pages staged as they arrive, through a bounded
queue, and taken into the ledger only once the last page is in.

The scale world with 25 records a page: 700 assignments over 28 pages, in-process.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event, func
from sqlmodel import select

import vpp_tui.services.sync as sync_pkg
from tests.services.conftest import make_world
from vpp_tui.apple.paging import MAX_IN_FLIGHT
from vpp_tui.services import leases, sync, tokens
from vpp_tui.services.sync.stream import StageWriter
from vpp_tui.store import models as m

NAME = "Scale"
UID = "204902500099000001"
WAIT = 60  # a guard against a hang, never a pause: every wait below is on an event


@pytest.fixture
def scale(store, tmp_path):
    world = make_world(store, tmp_key=str(tmp_path / "k.key"), world="scale", size=4,
                       page_size=25)
    f = world.sim.token_files()[0]
    tokens.add_token(world.ctx, tokens.NewToken(
        name=NAME, apple_id="it@scale.example.edu", content=f.content, consent=True))
    return world


def ledger(world) -> dict[str, list[tuple]]:
    with world.ctx.store.session() as s:
        return {t.__name__: sorted((tuple(sorted(r.model_dump().items()))
                                    for r in s.exec(select(t)).all()), key=repr)
                for t in (m.Asset, m.License, m.AppleUser)}


def staged(world) -> int:
    with world.ctx.store.session() as s:
        return s.exec(select(func.count()).select_from(m.SyncStage)).one()


class Inserts:
    """Counts INSERTs into sync_stage on the store's engine (after `arm()` only, if armed)."""

    def __init__(self, world) -> None:
        self.engine = world.ctx.store.engine
        self.total = 0
        self.after_arm = 0
        self.armed = False

    def __call__(self, _conn, _cursor, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SYNC_STAGE"):
            self.total += 1
            self.after_arm += self.armed

    def __enter__(self) -> Inserts:
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self)


def drop_assignments(world, every: int = 7) -> set[tuple[str, str, str]]:
    """Apple loses every `every`-th assignment of the location: (adamId, kind, target)."""
    loc = world.sim.locations[UID]
    gone = sorted(loc.assignments)[::every]
    for key in gone:
        del loc.assignments[key]
    loc.reindex_assignments()
    loc.assignment_versions.mint()  # Apple's list changed: a new versionId
    return {(adam, kind, target) for adam, _pricing, kind, target in gone}


def test_a_full_sync_that_fails_on_page_k_changes_nothing(scale) -> None:
    assert sync.sync_token(scale.ctx, NAME, full=True).status == "completed"
    drop_assignments(scale)  # the next full sync would reclaim licenses
    before = ledger(scale)
    with Inserts(scale) as inserts:
        # config, assets page 0, then assignment pages: fail ~10 pages into the list
        scale.transport.fail_after = scale.transport.count + 12
        result = sync.sync_token(scale.ctx, NAME, full=True)
    assert result.status == "failed" and result.error, result
    assert inserts.total > 0  # pages were staged as they arrived…
    assert ledger(scale) == before  # …yet the ledger is exactly as before
    assert staged(scale) == 0
    scale.transport.fail_after = None
    assert sync.sync_token(scale.ctx, NAME, full=True).status == "completed"
    assert ledger(scale) != before


def test_a_full_sync_reclaims_the_rows_apple_dropped(scale) -> None:
    first = sync.sync_token(scale.ctx, NAME, full=True)
    assert first.status == "completed" and first.assignments >= 700, first
    gone = drop_assignments(scale)
    result = sync.sync_token(scale.ctx, NAME, full=True)
    assert result.status == "completed", result.error
    with scale.ctx.store.session() as s:
        rows = s.exec(select(m.License)).all()
        adam_of = {a.id: a.adam_id for a in s.exec(select(m.Asset)).all()}
    reclaimed = {(adam_of[r.asset_id], r.kind, r.serial or r.client_user_id)
                 for r in rows if r.status == "reclaimed"}
    assert gone and reclaimed == gone
    live = [r for r in rows if r.status == "licensed"]
    assert len(live) == result.assignments
    assert staged(scale) == 0


def test_the_writer_queue_is_bounded(scale, monkeypatch) -> None:
    """The writer is held back on its first page: the fetcher stops once the queue is full,
    and never holds more than the queue, the page being written and the pages in flight."""
    go, made = threading.Event(), threading.Event()
    writers: list[StageWriter] = []

    class HeldWriter(StageWriter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            writers.append(self)
            made.set()

        def _write(self, kind: str, index: int, items: list[Any]) -> None:
            assert go.wait(WAIT)
            super()._write(kind, index, items)

    ahead: list[int] = []

    def on_request(_count: int) -> None:
        if writers:  # assignment pages asked for but not yet written
            ahead.append(writers[0].accepted - writers[0].written)

    monkeypatch.setattr(sync_pkg, "StageWriter", HeldWriter)
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(sync.sync_token, scale.ctx, NAME, full=True)
        assert made.wait(WAIT)
        writer = writers[0]
        assert writer.blocked.wait(WAIT)  # the fetcher waits for room
        assert writer.written == 0 and writer.accepted <= writer.capacity + 1
        scale.transport.on_request = on_request
        go.set()
        result = running.result(WAIT)
    assert result.status == "completed", result.error
    assert writer.accepted > 3 * (writer.capacity + 1)  # far more pages than it may hold
    assert writer.peak_held <= writer.capacity + 1
    assert max(ahead, default=0) <= writer.capacity + 1
    assert result.assignments >= 700


def test_a_sync_whose_lease_is_lost_mid_stream_writes_nothing_more(scale) -> None:
    assert sync.sync_token(scale.ctx, NAME, full=True).status == "completed"
    drop_assignments(scale)
    before = ledger(scale)
    start = scale.transport.count
    with Inserts(scale) as inserts:
        def on_request(count: int) -> None:
            if count == start + 10 and not inserts.armed:
                assert leases.break_lease(scale.ctx, NAME) is not None
                inserts.armed = True

        scale.transport.on_request = on_request
        result = sync.sync_token(scale.ctx, NAME, full=True)
    assert inserts.armed and inserts.total > 0
    assert result.status == "failed" and "lease lost" in result.error, result
    assert inserts.after_arm == 0
    assert ledger(scale) == before
    assert staged(scale) == 0
    assert MAX_IN_FLIGHT == 5
