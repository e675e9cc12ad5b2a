"""Members who leave lose their licenses: derived each time, pending until Apple confirms."""

from __future__ import annotations

import json

from tests.services.licensing_helpers import apple_holds, licenses_of, north, sim_counts
from vpp_tui.services import licensing
from vpp_tui.simulator.worlds import demo_directory


def _held(world, name: str) -> dict[str, str]:
    """UPN or serial -> the clientUserId or serial Apple knows, for every licensed row."""
    return {r.member: r.client_user_id or r.member for r in licenses_of(world, name)
            if r.status == "licensed"}


def _without_member(doc: dict, group: str) -> str:
    members = next(g["members"] for g in doc["groups"] if g["name"] == group)
    return members.pop(0)


def test_departure_stays_pending_until_reclaimed(world):
    doc = north(world)
    licensing.apply_assign(world.ctx, "Atlas of the World", "Teachers", "available", "user")
    gone = _without_member(doc, "Teachers")
    cid = _held(world, "Atlas of the World")[gone]
    # Apple fails the reclaim once: the license stays, and so does the departure.
    world.sim.add_fault("5xx:status=500:path=/assets/disassociate")
    first = licensing.import_and_reclaim(world.ctx, json.dumps(doc))
    assert first.error and first.reclaimed == 0 and first.still_pending == 1
    assert gone in _held(world, "Atlas of the World")
    assert apple_holds(world, "Atlas of the World", "user", cid)
    again = licensing.import_and_reclaim(world.ctx, json.dumps(doc))
    assert again.imported.departures == []  # the import itself sees nobody new leave
    assert again.error is None and again.reclaimed == 1
    assert gone not in _held(world, "Atlas of the World")
    assert not apple_holds(world, "Atlas of the World", "user", cid)
    assert licensing.pending_count(world.ctx) == 0


def test_departure_reclaim_serves_the_waitlist(world):
    doc = demo_directory()
    upns = [u["upn"] for u in doc["users"]]
    doc["groups"] += [{"name": "Early", "kind": "user", "members": upns[-10:]},
                      {"name": "Late", "kind": "user", "members": upns[-22:-10]}]
    north(world, doc)
    item = "Sketch Studio"  # 25 licenses, 10 used: 15 free
    licensing.apply_assign(world.ctx, item, "Early", "available", "user")
    late = licensing.apply_assign(world.ctx, item, "Late", "available", "user")
    first_waiting = next(o.member for o in late.members if o.waitlist_position)
    leaver = upns[-1]
    next(u for u in doc["users"] if u["upn"] == leaver)["active"] = False
    update = licensing.import_and_reclaim(world.ctx, json.dumps(doc))
    assert update.error is None and update.reclaimed == 1 and update.admitted == 1
    held = _held(world, item)
    assert leaver not in held and first_waiting in held
    assert sim_counts(world, item) == (25, 0)


def test_user_gone_from_the_directory_loses_the_license(world):
    doc = north(world)
    licensing.apply_assign(world.ctx, "Atlas of the World", "Teachers", "available", "user")
    gone = _without_member(doc, "Teachers")
    doc["users"] = [u for u in doc["users"] if u["upn"] != gone]
    for group in doc["groups"]:
        group["members"] = [x for x in group["members"] if x != gone]
    update = licensing.import_and_reclaim(world.ctx, json.dumps(doc))
    assert update.reclaimed == 1 and gone not in _held(world, "Atlas of the World")


def test_unassign_user_licensing_from_device_group_reclaims_user_licenses(world):
    doc = north(world)
    item = "Code Garden"  # 80 licenses, 30 used
    serials = set(next(g["members"] for g in doc["groups"] if g["name"] == "Teacher iPads"))
    owners = {d["primary_user"] for d in doc["devices"] if d["serial"] in serials}
    done = licensing.apply_assign(world.ctx, item, "Teacher iPads", "required", "user")
    assert done.licensed and done.licensed + done.failed <= len(owners)
    used = sim_counts(world, item)[0]
    preview = licensing.plan_unassign(world.ctx, item, "Teacher iPads")
    assert preview.plan.reclaimed == len(owners)
    result = licensing.apply_unassign(world.ctx, item, "Teacher iPads")
    assert result.reclaimed == len(owners)
    assert sim_counts(world, item)[0] == used - len(owners)
    assert not owners & set(_held(world, item))
    assert not any(r.status == "licensed" for r in licenses_of(world, item)
                   if r.source == "console")
