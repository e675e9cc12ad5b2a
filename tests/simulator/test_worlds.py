"""The demo and scale worlds, the demo directory, and saving a world between runs."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest

from tests.simulator.conftest import Caller, asset_row, finish
from vpp_tui.apple.stoken import decode_token, parse_exp_date
from vpp_tui.simulator import serve
from vpp_tui.simulator.core import Simulator
from vpp_tui.simulator.worlds import build_world, demo_directory

STATES = {"valid", "expiring_soon", "expired", "invalid", "duplicate",
          "assigned_to_external_mdm"}


def test_demo_has_a_token_file_in_every_state(sim) -> None:
    files = sim.token_files()
    assert {f.state for f in files} == STATES
    assert Counter(f.location_name for f in files)["Music Dept"] == 2
    assert len({f.filename for f in files}) == len(files)
    assert all(decode_token(f.content).org_name == "Contoso Schools" for f in files)


@pytest.mark.parametrize("index", range(7))
def test_each_demo_token_file_behaves_as_its_state_says(sim, clock, index) -> None:
    f = sim.token_files()[index]
    r = Caller(sim, f.content).get("/client/config")
    body = r.json()
    if f.state == "expired":
        assert (r.status_code, body["errorNumber"]) == (401, 9621)
        return
    if f.state == "invalid":
        assert (r.status_code, body["errorNumber"]) == (401, 9625)
        return
    assert r.status_code == 200 and body["uId"] == f.location_id
    assert body["locationName"] == f.location_name
    left = parse_exp_date(body["tokenExpirationDate"]) - clock.now()
    if f.state == "expiring_soon":
        assert left < timedelta(days=30)
    else:
        assert left > timedelta(days=30)
    assert ("mdmInfo" in body) == (f.state == "assigned_to_external_mdm")
    twins = [g for g in sim.token_files() if g.location_id == f.location_id]
    assert (len(twins) > 1) == (f.state == "duplicate")


def test_demo_catalog_size_and_quirks(sim) -> None:
    assets = [a for loc in sim.locations.values() for a in loc.assets.values()]
    apps = {a.adam_id for a in assets if a.product_type == "App"}
    books = {a.adam_id for a in assets if a.product_type == "Book"}
    assert 35 <= len(apps) <= 45 and len(books) == 10
    assert any(a.unlimited for a in assets) and any(not a.device_assignable for a in assets)
    assert any(a.platforms == ["macOS"] for a in assets)
    assert any(a.platforms == ["iOS", "macOS"] for a in assets)
    north = sim.location("North Campus")
    assert 18 <= sum(a.product_type == "App" for a in north.assets.values()) <= 22
    assert len({a.adam_id for a in north.assets.values() if a.product_type == "Book"}) == 5


def test_field_notes_has_exactly_100_free_licenses(north: Caller) -> None:
    row = asset_row(north, "1484000101")
    assert (row["totalCount"], row["assignedCount"], row["deviceAssignable"]) == (100, 0, True)
    assert row["supportedPlatforms"] == ["iOS"]


def test_assigned_counts_match_the_assignments(sim) -> None:
    for loc in sim.locations.values():
        held = Counter((a, p) for a, p, _, _ in loc.assignments)
        for key, asset in loc.assets.items():
            assert asset.assigned == held[key], (loc.name, key)
            assert asset.assigned <= asset.total_count


def test_demo_is_deterministic(clock) -> None:
    a = build_world("demo", clock=clock).to_dict()
    b = build_world("demo", clock=clock).to_dict()
    assert a == b


def test_demo_directory_fits_the_cli_format() -> None:
    d = demo_directory()
    assert d == demo_directory()
    assert 550 <= len(d["users"]) <= 650
    assert all(u["upn"].endswith("@contoso.edu") for u in d["users"])
    assert len({u["upn"] for u in d["users"]}) == len(d["users"])
    assert any(u["personal_apple_id"] for u in d["users"])
    assert any(not u["active"] for u in d["users"])
    assert any(u["managed_apple_id"] for u in d["users"])
    groups = {g["name"]: g for g in d["groups"]}
    exam = groups["Exam iPads"]
    assert exam["kind"] == "device" and len(exam["members"]) == 500
    devices = {x["serial"]: x for x in d["devices"]}
    assert len(devices) == len(d["devices"])
    assert all(devices[s]["supervised"] and devices[s]["ownership"] == "corporate"
               and devices[s]["enrollment"] == "automated" and devices[s]["platform"] == "iPadOS"
               for s in exam["members"])
    assert 50 <= len(groups["Teachers"]["members"]) <= 70
    assert 180 <= len(groups["Students Grade 9"]["members"]) <= 220
    kinds = [(x["platform"], x["ownership"], x["enrollment"], x["kiosk"], x["app_store_blocked"])
             for x in d["devices"]]
    assert any(k[0] == "macOS" for k in kinds)
    assert any(k[1:3] == ("personal", "user") for k in kinds)
    assert any(k[3] for k in kinds) and any(k[4] for k in kinds)
    upns = {u["upn"] for u in d["users"]}
    assert all(m in upns for g in d["groups"] if g["kind"] == "user" for m in g["members"])


def test_scale_world_is_big(clock) -> None:
    # How fast it is built is measured in bench/sync_scale.py, not asserted here.
    sim = build_world("scale", clock=clock, size=1000)
    [loc] = sim.locations.values()
    assert len(loc.assets) == 1000 and len(loc.assignments) > 200_000
    north = Caller(sim, sim.token_files()[0].content)
    sim.rate_limit = False
    page = north.ok("GET", "/assignments", pageIndex=3)
    assert page["size"] == 500 and page["totalPages"] > 400


@pytest.mark.parametrize("size", [1, 2, 20, 29])
def test_scale_world_of_any_size_from_one(clock, size: int, tmp_path) -> None:
    # Fault (issue 13): `vpp-tui simulator --world scale --size 20` crashed with "Sample
    # larger than population": a small world has fewer than 600 users or devices.
    sim = build_world("scale", clock=clock, size=size)
    [loc] = sim.locations.values()
    assert len(loc.assets) == size
    holders = Counter((adam_id, kind, target) for adam_id, _p, kind, target in loc.assignments)
    assert max(holders.values()) == 1  # one license per user or device and item
    serve.write_tokens(sim, tmp_path)
    assert len(json.loads((tmp_path / "manifest.json").read_text())["tokens"]) == 1


def test_scale_size_below_one_is_bad_usage(capsys) -> None:
    from vpp_tui.cli import main

    assert main(["simulator", "--world", "scale", "--size", "0"]) == 2
    assert "0" in capsys.readouterr().err


def test_save_and_load_round_trip(sim, north: Caller, clock, tmp_path) -> None:
    north.ok("POST", "/client/config", {"mdmInfo": {"id": "me", "name": "n", "metadata": "m"}})
    event = north.ok("POST", "/assets/associate", {"assets": [{"adamId": "1484000101"}],
                                                   "serialNumbers": ["A", "B", "C", "D"]})
    clock.advance(1.0)  # half done when saved
    sim.add_fault("429:count=1:after=100")
    path = tmp_path / "demo.db.sim"
    sim.save(path)
    loaded = Simulator.load(path, clock)
    assert loaded.to_dict() == sim.to_dict()
    again = Caller(loaded, north.http.headers["Authorization"].removeprefix("Bearer "))
    status = finish(again, clock, event["eventId"])
    assert status["eventStatus"] == "COMPLETE" and status["numCompleted"] == 4
    assert again.ok("GET", "/client/config")["mdmInfo"]["id"] == "me"
    v = again.ok("GET", "/assignments")["versionId"]
    assert again.ok("GET", "/assignments", sinceVersionId=v)["assignments"] == []
