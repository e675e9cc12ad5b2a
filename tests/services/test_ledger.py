"""The license ledger never drifts from Apple: sync, apply and two installations."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlmodel import select

from tests.services.conftest import make_world
from tests.services.licensing_helpers import NORTH, NORTH_UID, asset, licenses_of, north
from tests.services.test_tokens import add
from vpp_tui.domain.licensing import Outcome
from vpp_tui.domain.licensing.ledger import pool_balanced
from vpp_tui.services import directory, licensing, sync, tokens
from vpp_tui.services.catalog import queries as catalog_queries
from vpp_tui.services.licensing.facts import (
    HELD,
    apple_ids,
    license_rows,
    minted_client_user_id,
)
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store import models as m
from vpp_tui.store.engine import open_store

MUSIC_UID = "204902500043143906"


def ledger_gaps(world, uid: str, name: str, token: str) -> tuple[set, set, set]:
    """(held at Apple but not licensed here, licensed here but not at Apple, both
    waitlisted here and held at Apple) for one item of a location, every token's rows."""
    with world.ctx.store.session() as s:
        row = s.exec(select(m.Asset).join(m.Token).where(
            m.Asset.name == name, m.Token.name == token)).one()
        ids = apple_ids(s, row.token_id)
        rows = license_rows(s, row.id)
        held = {(kind, target) for adam, pricing, kind, target in
                world.sim.location(uid).assignments
                if (adam, pricing) == (row.adam_id, row.pricing_param)}
        licensed: set = set()
        waiting: set = set()
        for lic in rows:
            targets = {(lic.kind, t) for t in ids.targets_of(lic)}
            if lic.status in HELD:
                licensed |= targets & held if len(targets) > 1 else targets
            if lic.status == "waitlisted":
                waiting |= targets
    return held - licensed, licensed - held, waiting & held


def licensed_by_assignment(world) -> dict[tuple[str, str, str], int]:
    page = catalog_queries.list_assignments(world.ctx)
    return {(a.token, a.item, a.group): a.licensed for a in page.rows}


def statuses(world, name: str, token: str | None = None) -> dict[str, str]:
    with world.ctx.store.session() as s:
        query = select(m.License).join(m.Asset).join(m.Token).where(m.Asset.name == name)
        if token:
            query = query.where(m.Token.name == token)
        return {f"{r.member}": r.status for r in s.exec(query).all()
                if r.source == "console"}


def test_full_sync_keeps_console_rows_of_users_apple_already_knew_licensed(world) -> None:
    # Teachers are registered at North by an earlier MDM: the console never wrote their
    # Apple users, so sync knows them only by clientUserId.
    north(world)
    app = licensing.apply_assign(world.ctx, "Mind Map", "Teachers", "required", "user")
    book = licensing.apply_assign(world.ctx, "Digital Citizenship Guide", "Teachers", "available")
    assert app.licensed > 0 and book.licensed > 0
    before = licensed_by_assignment(world)
    rows_before = (statuses(world, "Mind Map"), statuses(world, "Digital Citizenship Guide"))
    assert "licensed" in rows_before[0].values()
    assert set(rows_before[1].values()) == {"licensed"}
    assert sync.sync_token(world.ctx, NORTH, full=True).status == "completed"
    assert (statuses(world, "Mind Map"), statuses(world, "Digital Citizenship Guide")) == rows_before
    assert licensed_by_assignment(world) == before
    rows = [r for r in licenses_of(world, "Mind Map") if r.status == "licensed"]
    assert len(rows) == app.licensed  # no second row per member found by sync


@pytest.fixture
def duplicates_sync(monkeypatch):
    """Let a token of a two-token location sync, as a sync already under way when the
    second token file was loaded does (the pause only stops new syncs)."""
    real = sync.get_token

    def unpaused(ctx, name):  # noqa: ANN001, ANN202
        found = real(ctx, name)
        return dataclasses.replace(found, token=dataclasses.replace(found.token,
                                                                    can_sync=True))

    monkeypatch.setattr(sync, "get_token", unpaused)


def test_full_sync_of_duplicate_location_keeps_console_rows_licensed(world,
                                                                     duplicates_sync) -> None:
    directory.import_directory(world.ctx, json.dumps(demo_directory()))
    add(world, "Music Dept", "Music A", 0)
    add(world, "Music Dept", "Music B", 1)
    assert sync.sync_token(world.ctx, "Music A").status == "completed"
    assert sync.sync_token(world.ctx, "Music B").status == "completed"
    app = licensing.apply_assign(world.ctx, "Piano Coach", "Music Students", "required",
                                 "user", token="Music B")
    book = licensing.apply_assign(world.ctx, "A Short History of Music", "Music Students",
                                  "available", token="Music B")
    assert app.licensed > 0 and book.licensed > 0
    for token in ("Music A", "Music B"):
        for name in ("Piano Coach", "A Short History of Music"):
            assert ledger_gaps(world, MUSIC_UID, name, token) == (set(), set(), set())
    before = licensed_by_assignment(world)
    rows_before = (statuses(world, "Piano Coach", "Music B"),
                   statuses(world, "A Short History of Music", "Music B"))
    assert "licensed" in rows_before[0].values() and "licensed" in rows_before[1].values()
    assert sync.sync_token(world.ctx, "Music A", full=True).status == "completed"
    after = (statuses(world, "Piano Coach", "Music B"),
             statuses(world, "A Short History of Music", "Music B"))
    for b, a in zip(rows_before, after, strict=True):
        assert {k: (v, a.get(k)) for k, v in b.items() if a.get(k) != v} == {}
        assert a == b
    assert licensed_by_assignment(world) == before
    assert before[("Music B", "Piano Coach", "Music Students")] == app.licensed
    # Token B's own full sync agrees too.
    assert sync.sync_token(world.ctx, "Music B", full=True).status == "completed"
    assert licensed_by_assignment(world) == before
    for token in ("Music A", "Music B"):
        assert ledger_gaps(world, MUSIC_UID, "Piano Coach", token) == (set(), set(), set())
    with world.ctx.store.session() as s:
        for row in s.exec(select(m.Asset).join(m.Token).where(
                m.Token.location_id == MUSIC_UID)).all():
            assert pool_balanced(row.total, row.assigned, row.available,
                                 unlimited=row.unlimited), row.name


def test_assigning_through_a_second_token_counts_licenses_held_through_the_first(
        world, duplicates_sync) -> None:
    directory.import_directory(world.ctx, json.dumps(demo_directory()))
    add(world, "Music Dept", "Music A", 0)
    add(world, "Music Dept", "Music B", 1)
    sync.sync_token(world.ctx, "Music A")
    sync.sync_token(world.ctx, "Music B")
    preview = licensing.plan_assign(world.ctx, "Piano Coach", "Music Students", "required",
                                    "user", token="Music B")
    already = preview.plan.by_outcome(Outcome.ALREADY_LICENSED)
    assert already  # the demo's earlier MDM licensed some Music Students at Apple
    licensing.apply_assign(world.ctx, "Piano Coach", "Music Students", "required", "user",
                           token="Music B")
    assert ledger_gaps(world, MUSIC_UID, "Piano Coach", "Music B") == (set(), set(), set())


def test_full_sync_reclaims_what_apple_no_longer_holds_whichever_token_did_it(
        world, duplicates_sync) -> None:
    directory.import_directory(world.ctx, json.dumps(demo_directory()))
    add(world, "Music Dept", "Music A", 0)
    add(world, "Music Dept", "Music B", 1)
    sync.sync_token(world.ctx, "Music A")
    sync.sync_token(world.ctx, "Music B")
    licensing.apply_assign(world.ctx, "Orchestra Tuner", "Music Students", "required",
                           "user", token="Music B")
    # Apple drops every Orchestra Tuner assignment behind the console's back.
    loc = world.sim.location(MUSIC_UID)
    for key in [k for k in loc.assignments if k[0] == _adam(world, "Orchestra Tuner")]:
        del loc.assignments[key]
    loc.reindex_assignments()
    sync.sync_token(world.ctx, "Music A", full=True)
    assert set(statuses(world, "Orchestra Tuner", "Music B").values()) == {"reclaimed"}


def _adam(world, name: str) -> str:
    with world.ctx.store.session() as s:
        return s.exec(select(m.Asset.adam_id).where(m.Asset.name == name)).first()


def _duo_directory() -> tuple[dict, str]:
    doc = demo_directory()
    user = next(u for u in doc["users"] if u["managed_apple_id"] and u["active"])
    user["personal_apple_id"] = True
    doc["groups"].append({"name": "Duo", "kind": "user", "members": [user["upn"]]})
    return doc, user["upn"]


def test_personal_and_managed_apple_id_uses_two_licenses_at_apple(world) -> None:
    doc, upn = _duo_directory()
    north(world, doc)
    before = asset(world, "Mind Map").assigned
    preview = licensing.plan_assign(world.ctx, "Mind Map", "Duo", "required", "user")
    assert preview.plan.consumed == 2
    result = licensing.apply_assign(world.ctx, "Mind Map", "Duo", "required", "user")
    assert result.licensed == 1 and result.error is None
    row = asset(world, "Mind Map")
    record = world.sim.location(NORTH_UID).assets[(row.adam_id, row.pricing_param)]
    assert record.assigned - before == preview.plan.consumed == 2
    assert row.assigned - before == 2
    held = [k for k in world.sim.location(NORTH_UID).assignments
            if k[0] == row.adam_id and k[2] == "user"]
    with world.ctx.store.session() as s:
        mine = {u.client_user_id for u in s.exec(select(m.AppleUser).where(
            (m.AppleUser.upn == upn) | (m.AppleUser.email == upn))).all()
            if u.status != "Retired"}
    assert len(mine) == 2 and {k[3] for k in held} >= mine
    # A full sync keeps the one row licensed: both Apple users are this member's.
    sync.sync_token(world.ctx, NORTH, full=True)
    rows = [r for r in licenses_of(world, "Mind Map") if r.status == "licensed"]
    assert [(r.member, r.source) for r in rows] == [(upn, "console")]


def test_client_user_ids_are_unique_per_installation(world, tmp_path) -> None:
    doc = demo_directory()
    upn = next(g for g in doc["groups"] if g["name"] == "Students Grade 10")["members"][0]
    doc["groups"].append({"name": "One", "kind": "user", "members": [upn]})
    north(world, doc)
    other_store = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        other = make_world(other_store, tmp_key=str(tmp_path / "other.key"), actor="bo")
        other.ctx.apple, other.ctx.clock = world.ctx.apple, world.ctx.clock
        directory.import_directory(other.ctx, json.dumps(doc))
        # Both installations know North before either registers the student.
        add(other, NORTH, take_control=True)
        assert sync.sync_token(other.ctx, NORTH).status == "completed"
        tokens.take_control(world.ctx, NORTH)
        licensing.apply_assign(world.ctx, "Mind Map", "One", "required", "user")
        first = {r.member: r.client_user_id for r in licenses_of(world, "Mind Map")}[upn]
        tokens.take_control(other.ctx, NORTH)
        licensing.apply_assign(other.ctx, "Mind Map", "One", "required", "user")
        with other.ctx.store.session() as s:
            second = s.exec(select(m.License.client_user_id).join(m.Asset).where(
                m.Asset.name == "Mind Map", m.License.member == upn)).first()
    finally:
        other_store.close()
    assert second and first and second != first
    row = asset(world, "Mind Map")
    held = world.sim.location(NORTH_UID).assignments
    assert (row.adam_id, row.pricing_param, "user", first) in held
    assert (row.adam_id, row.pricing_param, "user", second) in held


def test_minted_client_user_id_is_uuid5_of_installation_location_and_person() -> None:
    """The fast spelling (a SHA-1 prefix per location, version and variant set in hex)
    is uuid.uuid5 of "installation:location:upn[:account]", casefolded."""
    import uuid

    from vpp_tui.services.licensing.facts import _NS

    for n, upn in enumerate(["Ana@Contoso.edu", "Zoë.Ünal@École.fr", "", "x" * 300]
                            + [f"u{i}@x.org" for i in range(200)]):
        account = "personal" if n % 3 == 0 else ""
        suffix = f":{account}" if account else ""
        want = uuid.uuid5(_NS, f"inst-{n}:loc-{n % 7}:{upn.casefold()}{suffix}")
        assert minted_client_user_id(f"inst-{n}", f"loc-{n % 7}", upn, account) == str(want)


def test_minted_client_user_id_is_per_installation_location_and_apple_account() -> None:
    base = minted_client_user_id("inst-1", "204902500043143901", "Ana@Contoso.edu")
    assert base == minted_client_user_id("inst-1", "204902500043143901", "ana@contoso.edu")
    assert base != minted_client_user_id("inst-2", "204902500043143901", "ana@contoso.edu")
    assert base != minted_client_user_id("inst-1", "204902500043143902", "ana@contoso.edu")
    assert base != minted_client_user_id("inst-1", "204902500043143901", "ana@contoso.edu",
                                          "personal")
