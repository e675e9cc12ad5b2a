"""Sync, rule by rule: one transaction per token, delta reads, the lease."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlmodel import select

from tests.services.test_tokens import add
from vpp_tui.apple.models import Asset as WireAsset
from vpp_tui.services import sync, tokens
from vpp_tui.store import models as m


def rows(world, table) -> list[tuple]:
    with world.ctx.store.session() as s:
        return sorted((tuple(sorted(r.model_dump().items())) for r in s.exec(select(table)).all()), key=repr)


def field_notes(world):
    with world.ctx.store.session() as s:
        return s.exec(select(m.Asset).where(m.Asset.name == "Field Notes")).first()


def test_sync_fills_apps_books_and_license_counts(world) -> None:
    add(world, "North Campus")
    result = sync.sync_token(world.ctx, "North Campus")
    assert result.status == "completed", result.error
    assert result.requests > 0 and result.assets > 0
    view = tokens.get_token(world.ctx, "North Campus")
    assert view.token.app_count > 0 and view.token.last_sync_status == "completed"
    assert view.history[0].status == "completed" and view.history[0].requests == result.requests
    notes = field_notes(world)
    assert notes is not None and notes.total == 100 and notes.available == 100
    assert notes.version and notes.store_url


def test_failed_sync_leaves_the_store_unchanged(world) -> None:
    add(world, "North Campus")
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    before = {t: rows(world, t) for t in (m.Asset, m.License, m.AppleUser)}
    world.transport.fail_after = world.transport.count + 3
    result = sync.sync_token(world.ctx, "North Campus", full=True)
    assert result.status == "failed" and result.error
    assert {t: rows(world, t) for t in before} == before
    view = tokens.get_token(world.ctx, "North Campus")
    assert view.token.last_sync_status == "failed"
    assert view.history[0].status == "failed"


def test_delta_sync_after_a_change_reads_only_the_change(world) -> None:
    add(world, "North Campus")
    first = sync.sync_token(world.ctx, "North Campus")
    assert first.full
    notes = field_notes(world)
    bearer = tokens.bearer_of(world.ctx, "North Campus")
    with world.ctx.apple(bearer) as client:
        client.associate([WireAsset(adamId=notes.adam_id, pricingParam=notes.pricing_param)],
                         serial_numbers=["SERIAL0001", "SERIAL0002", "SERIAL0003"])
    second = sync.sync_token(world.ctx, "North Campus")
    assert second.status == "completed" and not second.full
    assert second.assignments == 3
    with world.ctx.store.session() as s:
        held = s.exec(select(m.License).where(m.License.asset_id == notes.id)).all()
    assert {h.member for h in held} >= {"SERIAL0001", "SERIAL0002", "SERIAL0003"}
    assert field_notes(world).available == 97


def test_full_sync_marks_licenses_apple_no_longer_lists_as_reclaimed(world) -> None:
    add(world, "North Campus")
    sync.sync_token(world.ctx, "North Campus")
    notes = field_notes(world)
    with world.ctx.store.session() as s:
        s.add(m.License(asset_id=notes.id, kind="device", member="GHOST", status="licensed"))
    sync.sync_token(world.ctx, "North Campus", full=True)
    with world.ctx.store.session() as s:
        ghost = s.exec(select(m.License).where(m.License.member == "GHOST")).one()
    assert ghost.status == "reclaimed" and "Apple" in ghost.reason


def test_expired_token_is_not_synced(world) -> None:
    add(world, "Old Annex")
    result = sync.sync_token(world.ctx, "Old Annex")
    assert result.status == "skipped" and result.requests == 0


def test_sync_all_syncs_every_syncable_token(world) -> None:
    for loc in ("North Campus", "South Campus", "Old Annex"):
        add(world, loc)
    results = {r.name: r.status for r in sync.sync_all(world.ctx)}
    assert results == {"North Campus": "completed", "South Campus": "completed",
                       "Old Annex": "skipped"}
    again = sync.sync_all(world.ctx, due_only=True)
    assert all(r.status != "completed" for r in again) or again == []


def test_a_held_lease_skips_the_sync(world) -> None:
    add(world, "North Campus")
    token_id = tokens.get_token(world.ctx, "North Campus").token.id
    assert sync.acquire_lease(world.ctx, token_id, "bob@other-console")
    result = sync.sync_token(world.ctx, "North Campus")
    assert result.status == "skipped" and "another console" in result.error
    sync.release_lease(world.ctx, token_id, "bob@other-console")
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"


RACE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from vpp_tui.apple.clock import SystemClock
    from vpp_tui.services.context import ServiceContext
    from vpp_tui.services.sync import acquire_lease
    from vpp_tui.store.engine import open_store
    url, token_id, start_file, me = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    store = open_store(url, migrate=False)
    ctx = ServiceContext(store=store, actor=me, clock=SystemClock())
    while not start_file.exists():
        time.sleep(0.005)
    print("won" if acquire_lease(ctx, token_id, me) else "lost")
""")


def test_the_lease_prevents_a_concurrent_double_sync_across_processes(world, tmp_path) -> None:
    add(world, "North Campus")
    token_id = tokens.get_token(world.ctx, "North Campus").token.id
    start = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", RACE, world.ctx.store.url, str(token_id),
                               str(start), f"admin{i}"], stdout=subprocess.PIPE, text=True)
             for i in range(4)]
    start.write_text("go")
    outcomes = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
    assert outcomes == ["lost", "lost", "lost", "won"]
