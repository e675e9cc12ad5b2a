"""Unassigning, revoking and reclaiming against the simulated Apple."""

from __future__ import annotations

import json

from tests.services.licensing_helpers import (
    NORTH,
    apple_holds,
    asset,
    licenses_of,
    north,
    sim_counts,
)
from vpp_tui.domain.licensing import Outcome
from vpp_tui.services import directory, licensing
from vpp_tui.services.settings import set_setting


def _held(world, name):
    return {r.member for r in licenses_of(world, name) if r.status == "licensed"}


def test_revoke_by_device_frees_its_license_for_the_first_waitlisted(world):
    north(world)
    assigned = licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "required",
                                      "device")
    first, next_up = assigned.members[0].member, assigned.members[100].member
    notes = asset(world, "Field Notes").adam_id
    preview = licensing.plan_revoke(world.ctx, device=first)
    # The demo iPads also hold Exam Lockdown: a device revoke takes back every license.
    assert notes in {m.item for m in preview.plan.by_outcome(Outcome.RECLAIMED)}
    assert not apple_holds(world, "Field Notes", "device", next_up)
    result = licensing.apply_revoke(world.ctx, device=first)
    assert result.reclaimed == preview.plan.reclaimed and result.admitted == (next_up,)
    assert not apple_holds(world, "Field Notes", "device", first)
    assert apple_holds(world, "Field Notes", "device", next_up)
    assert first not in _held(world, "Field Notes") and next_up in _held(world, "Field Notes")
    assert sim_counts(world, "Field Notes") == (100, 0)
    assert asset(world, "Field Notes").assigned == 100


def test_revoke_by_item_reclaims_every_license_and_matches_apple(world):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    result = licensing.apply_revoke(world.ctx, item="Star Chart", token=NORTH)
    assert result.reclaimed == 10 and result.failed == 0
    assert sim_counts(world, "Star Chart") == (0, 35)
    assert asset(world, "Star Chart").assigned == 0 and not _held(world, "Star Chart")
    assert any("Uninstall" in w for w in result.warnings)


def test_revoke_by_user_skips_books_with_a_message(world):
    north(world)
    licensing.apply_assign(world.ctx, "Atlas of the World", "Teachers", "available", "user")
    licensing.apply_assign(world.ctx, "Grammar Essentials", "Teachers", "available", "user")
    upn = next(r.member for r in licenses_of(world, "Grammar Essentials")
               if r.status == "licensed" and r.source == "console")
    assert upn in _held(world, "Atlas of the World")
    result = licensing.apply_revoke(world.ctx, user=upn)
    outcomes = {(o.item, o.outcome) for o in result.members}
    assert (asset(world, "Atlas of the World").adam_id, "reclaimed") in outcomes
    assert (asset(world, "Grammar Essentials").adam_id, "skipped") in outcomes
    assert any("book" in w for w in result.warnings)
    assert upn not in _held(world, "Atlas of the World")
    assert upn in _held(world, "Grammar Essentials")


def test_unassign_on_ios_reclaims_and_uninstalls(world):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    preview = licensing.plan_unassign(world.ctx, "Star Chart", "Loaner iPads")
    assert preview.plan.reclaimed == 10 and all(m.uninstall for m in preview.plan.members)
    result = licensing.apply_unassign(world.ctx, "Star Chart", "Loaner iPads")
    assert result.reclaimed == 10 and sim_counts(world, "Star Chart") == (0, 35)
    assert licensing.licenses(world.ctx, "Star Chart").assignments == ()


def test_unassign_on_macos_reclaims_only_with_the_30_day_note(world):
    north(world)
    licensing.apply_assign(world.ctx, "Mind Map", "Mac Lab", "required", "device")
    assert sim_counts(world, "Mind Map")[0] == 30
    preview = licensing.plan_unassign(world.ctx, "Mind Map", "Mac Lab")
    assert not any(m.uninstall for m in preview.plan.members)
    assert any("30 days" in w.message for w in preview.plan.warnings)
    result = licensing.apply_unassign(world.ctx, "Mind Map", "Mac Lab")
    assert result.reclaimed == 30 and sim_counts(world, "Mind Map")[0] == 0


def test_unassign_keeps_licenses_when_reclaim_on_removal_is_off(world):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    set_setting(world.ctx, "reclaim_on_removal", False)
    preview = licensing.plan_unassign(world.ctx, "Star Chart", "Loaner iPads")
    assert "Uninstall" in preview.removal_rule_text and not preview.plan.operations
    result = licensing.apply_unassign(world.ctx, "Star Chart", "Loaner iPads")
    assert result.reclaimed == 0 and sim_counts(world, "Star Chart")[0] == 10


def test_uninstall_assignment_reclaims_licenses(world):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    result = licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "uninstall",
                                    "device")
    assert result.reclaimed == 10 and sim_counts(world, "Star Chart")[0] == 0


def test_user_removed_from_the_group_in_a_reimport_loses_the_license(world):
    doc = north(world)
    licensing.apply_assign(world.ctx, "Atlas of the World", "Teachers", "available", "user")
    teachers = next(g for g in doc["groups"] if g["name"] == "Teachers")
    gone = teachers["members"].pop(0)
    assert gone in _held(world, "Atlas of the World")
    imported = directory.import_directory(world.ctx, json.dumps(doc))
    assert any(d.member == gone for d in imported.departures)
    results = licensing.reclaim_departures(world.ctx)
    assert [o.member for r in results for o in r.members if o.outcome == "reclaimed"] == [gone]
    assert gone not in _held(world, "Atlas of the World")
    assert len(_held(world, "Atlas of the World")) == 59


def test_device_removed_from_management_keeps_its_license(world):
    doc = north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    loaners = next(g for g in doc["groups"] if g["name"] == "Loaner iPads")["members"]
    doc["devices"] = [d for d in doc["devices"] if d["serial"] != loaners[0]]
    gone = loaners.pop(0)
    imported = directory.import_directory(world.ctx, json.dumps(doc))
    assert any(d.member == gone for d in imported.departures)
    results = licensing.reclaim_departures(world.ctx)
    assert not any(o.outcome == "reclaimed" for r in results for o in r.members)
    assert gone in _held(world, "Star Chart") and apple_holds(world, "Star Chart", "device",
                                                               gone)
