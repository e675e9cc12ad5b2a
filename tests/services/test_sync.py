"""Sync, rule by rule: one transaction per token, delta reads, the lease."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlmodel import select

from tests.services.test_tokens import add
from vpp_tui.apple.models import Asset as WireAsset
from vpp_tui.domain.tokens import FULL_SYNC_EVERY
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
    import sys
    from vpp_tui.apple.clock import SystemClock
    from vpp_tui.services.context import ServiceContext
    from vpp_tui.services.sync import acquire_lease
    from vpp_tui.store.engine import open_store
    url, token_id, me = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    store = open_store(url, migrate=False)
    ctx = ServiceContext(store=store, actor=me, clock=SystemClock())
    print("ready", flush=True)
    sys.stdin.readline()  # the starting gun: every process races from here at once
    print("won" if acquire_lease(ctx, token_id, me) else "lost", flush=True)
""")


def test_the_lease_prevents_a_concurrent_double_sync_across_processes(world, tmp_path) -> None:
    add(world, "North Campus")
    token_id = tokens.get_token(world.ctx, "North Campus").token.id
    procs = [subprocess.Popen([sys.executable, "-c", RACE, world.ctx.store.url, str(token_id),
                               f"admin{i}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True) for i in range(4)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outcomes = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
    assert outcomes == ["lost", "lost", "lost", "won"]


def test_country_change_rereads_metadata_and_keeps_old_metadata_for_missing_apps(world) -> None:
    add(world, "North Campus")
    sync.sync_token(world.ctx, "North Campus")
    tokens.update_settings(world.ctx, "North Campus", country="FR")
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    with world.ctx.store.session() as s:
        assets = {a.adam_id: a for a in s.exec(select(m.Asset)).all()}
    french = world.sim.metadata["fr"]
    missing = [a for a in assets.values() if a.adam_id not in french]
    assert missing, "the demo's French store lacks some apps"
    for asset in missing:
        assert asset.missing_in_store and asset.metadata_country == "US"
        assert asset.name == world.sim.metadata["us"][asset.adam_id]["name"]
    atlas = next(a for a in assets.values() if a.adam_id in french
                 and french[a.adam_id]["name"] == "Atlas du monde")
    assert atlas.name == "Atlas du monde" and not atlas.missing_in_store


def test_newer_version_with_auto_update_marks_required_and_available_assignments(world) -> None:
    add(world, "North Campus", auto_update=True)
    sync.sync_token(world.ctx, "North Campus")
    notes = field_notes(world)
    with world.ctx.store.session() as s:
        for name, intent in (("Exam iPads", "required"), ("Teachers", "available"),
                             ("Leavers", "uninstall")):
            group = m.DirectoryGroup(name=name, kind="device")
            s.add(group)
            s.flush()
            s.add(m.Assignment(asset_id=notes.id, group_id=group.id, intent=intent,
                               license_type="device"))
    world.sim.release_version(notes.adam_id, "9.9.9")
    world.clock.advance(FULL_SYNC_EVERY.total_seconds())  # found by the daily full refresh
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    assert field_notes(world).version == "9.9.9"
    with world.ctx.store.session() as s:
        marks = {a.intent: (a.update_pending, a.status_message)
                 for a in s.exec(select(m.Assignment)).all()}
    assert marks["required"][0] and "9.9.9" in marks["required"][1]
    assert marks["available"][0] and "new version (9.9.9) is available" in marks["available"][1]
    assert marks["uninstall"] == (False, None)


def test_newer_version_without_auto_update_marks_nothing(world) -> None:
    add(world, "North Campus", auto_update=False)
    sync.sync_token(world.ctx, "North Campus")
    notes = field_notes(world)
    with world.ctx.store.session() as s:
        group = m.DirectoryGroup(name="Exam iPads", kind="device")
        s.add(group)
        s.flush()
        s.add(m.Assignment(asset_id=notes.id, group_id=group.id, intent="required",
                           license_type="device"))
    world.sim.release_version(notes.adam_id, "9.9.9")
    sync.sync_token(world.ctx, "North Campus", full=True)
    with world.ctx.store.session() as s:
        assert [a.update_pending for a in s.exec(select(m.Assignment)).all()] == [False]
