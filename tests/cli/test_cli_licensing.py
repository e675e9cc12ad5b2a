"""`assign`, `unassign`, `licenses`, `revoke` and `prompts` run as an admin runs them."""

from __future__ import annotations

import json

import pytest

from tests import simserver
from tests.cli.test_cli_tokens import Admin
from vpp_tui.simulator.worlds import demo_directory


@pytest.fixture
def served(tmp_path_factory):
    # One Apple per test, as licenses change its state; events complete at once, so the
    # client's first status poll finds them done.
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--event-delay", "0")
    yield sim
    sim.stop()


@pytest.fixture
def admin(served, tmp_path):
    admin = Admin(tmp_path, served.base_url)
    north = next(e for e in served.manifest["tokens"] if e["location_name"] == "North Campus")
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps(demo_directory()))
    admin.ok("directory", "import", str(directory))
    admin.ok("token", "add", str(served.tokens_dir / north["file"]), "--name", "North",
             "--apple-id", "vpp@appleid.contoso.edu", "--consent", "--take-control")
    admin.ok("sync", "North")
    return admin


def test_assign_dry_run_shows_the_plan_and_changes_nothing(admin):
    plan = json.loads(admin.ok("assign", "Star Chart", "--group", "Loaner iPads",
                               "--intent", "required", "--license", "device", "--dry-run",
                               "--json"))
    assert plan["licensed"] == 10 and plan["failed"] == 0 and plan["dry_run"] is True
    assert {m["outcome"] for m in plan["members"]} == {"licensed"}
    assert set(plan["members"][0]) >= {"member", "kind", "outcome", "reason"}
    text = admin.ok("assign", "Star Chart", "--group", "Loaner iPads", "--intent", "required",
                    "--dry-run")
    assert "DRY RUN" in text and "order:" in text
    held = json.loads(admin.ok("licenses", "Star Chart", "--json"))
    assert held["used"] == 0 and held["holders"] == []


def test_assign_then_licenses_then_revoke_and_unassign(admin):
    done = json.loads(admin.ok("assign", "Star Chart", "--group", "Loaner iPads", "--intent",
                               "required", "--license", "device", "--json"))
    assert (done["licensed"], done["failed"], done["reclaimed"]) == (10, 0, 0)
    held = json.loads(admin.ok("licenses", "Star Chart", "--json"))
    assert (held["total"], held["used"], held["available"]) == (35, 10, 25)
    assert len(held["holders"]) == 10 and set(held["holders"][0]) >= {"member", "kind",
                                                                        "status"}
    serial = held["holders"][0]["member"]
    revoked = json.loads(admin.ok("revoke", "--device", serial, "--json"))
    assert revoked["reclaimed"] >= 1
    unassigned = json.loads(admin.ok("unassign", "Star Chart", "--group", "Loaner iPads",
                                     "--json"))
    assert unassigned["reclaimed"] == 9
    assert json.loads(admin.ok("licenses", "Star Chart", "--json"))["used"] == 0


def test_over_subscribed_assign_exits_1_and_reports_the_waitlist(admin):
    result = admin.run("assign", "Field Notes", "--group", "Exam iPads", "--intent",
                       "required", "--json")
    assert result.returncode == 1 and "licenses short" in result.stderr
    doc = json.loads(result.stdout)
    assert (doc["licensed"], doc["failed"]) == (100, 400)
    report = json.loads(admin.ok("licenses", "Field Notes", "--json"))
    assert len(report["failures"]) == 400 and set(report["failures"][0]) >= {"member",
                                                                              "reason"}


def test_rule_refusals_exit_2_with_one_error_line(admin):
    for args in (("Field Notes", "--group", "Exam iPads", "--intent", "available"),
                 ("Biology Illustrated", "--group", "Exam iPads", "--intent", "required")):
        result = admin.run("assign", *args)
        assert result.returncode == 2
        assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1
    assert json.loads(admin.ok("licenses", "Field Notes", "--json"))["used"] == 0


def test_unknown_item_group_or_target_exits_2(admin):
    assert admin.run("assign", "No Such App", "--group", "Exam iPads",
                     "--intent", "required").returncode == 2
    assert admin.run("assign", "Field Notes", "--group", "Nobody",
                     "--intent", "required").returncode == 2
    assert admin.run("revoke", "--user", "nobody@contoso.edu").returncode == 2


def test_prompts_by_scenario_and_by_device(admin):
    doc = json.loads(admin.ok("prompts", "--ownership", "corporate", "--supervised",
                              "--license", "user", "--json"))
    assert (doc["invite_to_vpp"], doc["app_install_prompt"], doc["apple_id_prompt"]) == (
        True, False, True)
    assert doc["warning"] is None and doc["explanation"]
    kiosk = json.loads(admin.ok("prompts", "--ownership", "corporate", "--kiosk",
                                "--license", "user", "--json"))
    assert kiosk["warning"] and kiosk["invite_to_vpp"] is None
    ipad = next(d["serial"] for d in demo_directory()["devices"]
                if d["name"] == "Loaner iPad 01")
    device = json.loads(admin.ok("prompts", "--device", ipad, "--item", "Star Chart",
                                 "--json"))
    assert (device["invite_to_vpp"], device["app_install_prompt"]) == (False, True)
    assert admin.run("prompts", "--device", ipad).returncode == 2
    assert "Apple ID prompt" in admin.ok("prompts", "--ownership", "personal",
                                         "--license", "device")


def test_waitlist_shows_the_queue_as_text_and_json(admin):
    short = admin.run("assign", "Field Notes", "--group", "Exam iPads", "--intent", "required",
                      "--license", "device")
    assert short.returncode == 1 and "licenses short" in short.stderr  # README "Exit status"
    (doc,) = json.loads(admin.ok("waitlist", "Field Notes", "--json"))
    assert (doc["item"], doc["token"], doc["available"]) == ("Field Notes", "North", 0)
    assert len(doc["waiting"]) == 400 and [w["position"] for w in doc["waiting"]][:3] == [
        1, 2, 3]
    assert set(doc["waiting"][0]) == {"position", "member", "kind", "group", "waiting_since"}
    assert (doc["waiting"][0]["kind"], doc["waiting"][0]["group"]) == ("device", "Exam iPads")
    report = json.loads(admin.ok("licenses", "Field Notes", "--json"))
    first = min(report["failures"], key=lambda f: f["waitlist_position"])
    assert first["member"] == doc["waiting"][0]["member"]
    everything = json.loads(admin.ok("waitlist", "--json"))
    assert [d["item"] for d in everything] == ["Field Notes"]
    text = admin.ok("waitlist", "Field Notes")
    assert "Field Notes (North): 400 waiting, 0 available" in text
    assert "POSITION" in text and doc["waiting"][0]["member"] in text
    assert "nobody waits" in admin.ok("waitlist", "Star Chart")
    assert admin.run("waitlist", "No Such App").returncode == 2


def test_directory_import_reclaims_from_members_who_left(admin, tmp_path):
    admin.ok("assign", "Atlas of the World", "--group", "Teachers", "--intent", "available",
             "--license", "user")
    doc = demo_directory()
    gone = next(g for g in doc["groups"] if g["name"] == "Teachers")["members"].pop(0)
    left = tmp_path / "left.json"
    left.write_text(json.dumps(doc))
    text = admin.ok("directory", "import", str(left))
    assert "reclaimed 1 licenses of Atlas of the World" in text
    holders = json.loads(admin.ok("licenses", "Atlas of the World", "--json"))["holders"]
    assert gone not in {h["member"] for h in holders}
