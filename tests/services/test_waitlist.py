"""The waitlist is served when licenses are bought or freed, first come first served."""

from __future__ import annotations

import json

from sqlmodel import select

from tests.services.licensing_helpers import (
    NORTH,
    apple_holds,
    asset,
    licenses_of,
    north,
    sim_counts,
)
from vpp_tui.services import directory, licensing, sync
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store import models as m

ITEM = "Periodic Explorer"  # 40 licenses, all 40 used at Apple


def _doc(extra: dict[str, int] | None = None) -> dict:
    """The demo directory with small user groups cut from the end of the users."""
    doc = demo_directory()
    upns = [u["upn"] for u in doc["users"]]
    start = len(upns)
    for name, size in (extra or {"Waiters": 9}).items():
        doc["groups"].append({"name": name, "kind": "user",
                              "members": upns[start - size:start]})
        start -= size
    return doc


def _waiting(world, name: str = ITEM) -> list[str]:
    rows = [r for r in licenses_of(world, name) if r.status == "waitlisted"]
    return [r.member for r in sorted(rows, key=lambda r: r.position)]


def _licensed(world, name: str = ITEM) -> set[str]:
    return {r.member for r in licenses_of(world, name)
            if r.status == "licensed" and r.source == "console"}


def _grants(world) -> list[m.AuditEntry]:
    with world.ctx.store.session() as s:
        return list(s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == "waitlist.grant")).all())


def _wait_nine(world) -> list[str]:
    north(world, _doc())
    result = licensing.apply_assign(world.ctx, ITEM, "Waiters", "available", "user")
    assert (result.licensed, result.failed) == (0, 9)
    return [o.member for o in result.members]


def test_bought_licenses_serve_the_waitlist_on_sync(world):
    order = _wait_nine(world)
    world.sim.purchase(NORTH, asset(world, ITEM).adam_id, 5)
    result = sync.sync_token(world.ctx, NORTH)
    assert result.status == "completed"
    assert _licensed(world) == set(order[:5])
    assert _waiting(world) == order[5:]
    assert sorted(r.position for r in licenses_of(world, ITEM)
                  if r.status == "waitlisted") == [1, 2, 3, 4]
    row = asset(world, ITEM)
    assert (row.total, row.assigned, row.available) == (45, 45, 0)
    assert sim_counts(world, ITEM) == (45, 0)
    assert all(apple_holds(world, ITEM, "user", r.client_user_id)
               for r in licenses_of(world, ITEM) if r.member in order[:5])
    assert any("5 licensed, 4 still waiting" in n for n in result.notes)


def test_each_waitlist_grant_is_audited_with_its_apple_event(world):
    order = _wait_nine(world)
    world.sim.purchase(NORTH, asset(world, ITEM).adam_id, 5)
    sync.sync_token(world.ctx, NORTH)
    grants = _grants(world)
    assert len(grants) == 5 and all(g.apple_event_id for g in grants)
    events = {r.member: r.apple_event_id for r in licenses_of(world, ITEM)}
    assert {g.apple_event_id for g in grants} == {events[u] for u in order[:5]}
    assert all(g.apple_event_status == "COMPLETE" for g in grants)


def test_revoke_all_serves_the_waitlist(world):
    order = _wait_nine(world)
    result = licensing.apply_revoke(world.ctx, item=ITEM, token=NORTH)
    assert result.reclaimed == 40
    assert result.admitted == tuple(order)
    assert _waiting(world) == [] and _licensed(world) == set(order)
    assert sim_counts(world, ITEM) == (9, 31)
    assert asset(world, ITEM).assigned == 9


def test_unassign_serves_the_waitlist(world):
    north(world, _doc({"Early": 10, "Late": 12}))
    item = "Sketch Studio"  # 25 licenses, 10 used: 15 free
    early = licensing.apply_assign(world.ctx, item, "Early", "available", "user")
    late = licensing.apply_assign(world.ctx, item, "Late", "available", "user")
    waiting = _waiting(world, item)
    assert late.failed == len(waiting) > 0 and sim_counts(world, item)[1] == 0
    result = licensing.apply_unassign(world.ctx, item, "Early")
    assert result.reclaimed == early.licensed >= len(waiting)
    assert result.admitted == tuple(waiting) and _waiting(world, item) == []
    assert sim_counts(world, item) == (25 - early.licensed + len(waiting),
                                       early.licensed - len(waiting))


def test_waitlist_is_first_come_first_served_across_assignments(world):
    north(world, _doc({"First": 9, "Second": 3}))
    first = licensing.apply_assign(world.ctx, ITEM, "First", "available", "user")
    world.clock.advance(3600)
    second = licensing.apply_assign(world.ctx, ITEM, "Second", "available", "user")
    world.clock.advance(3600)
    # Assigning the first group again (now Required) must not send it to the back.
    licensing.apply_assign(world.ctx, ITEM, "First", "required", "user")
    queue = [o.member for o in first.members + second.members if o.waitlist_position]
    assert _waiting(world) == queue
    world.sim.purchase(NORTH, asset(world, ITEM).adam_id, 10)
    sync.sync_token(world.ctx, NORTH)
    licensing.serve_waitlist(world.ctx, ITEM)
    assert set(queue[:10]) <= _licensed(world) and _waiting(world) == queue[10:]


def test_new_assignment_does_not_overtake_the_waitlist(world):
    order = _wait_nine(world)
    world.sim.purchase(NORTH, asset(world, ITEM).adam_id, 5)
    # Apple fails the sync's association once: five free licenses, nine still waiting.
    world.sim.add_fault("5xx:status=500:path=/assets/associate")
    assert sync.sync_token(world.ctx, NORTH).status == "completed"
    world.sim.clear_faults()
    assert asset(world, ITEM).available == 5 and len(_waiting(world)) == 9
    doc = _doc({"Waiters": 9, "Newcomers": 3})
    newcomers = next(g["members"] for g in doc["groups"] if g["name"] == "Newcomers")
    directory.import_directory(world.ctx, json.dumps(doc))
    preview = licensing.plan_assign(world.ctx, ITEM, "Newcomers", "available", "user")
    assert preview.plan.licensed == 0
    result = licensing.apply_assign(world.ctx, ITEM, "Newcomers", "available", "user")
    assert result.licensed == 0 and result.admitted == tuple(order[:5])
    assert _licensed(world) == set(order[:5])
    assert _waiting(world) == order[5:] + [o.member for o in result.members
                                           if o.waitlist_position]
    assert not set(newcomers) & _licensed(world)


def test_waitlists_lists_the_queue_in_serving_order(world):
    order = _wait_nine(world)
    (view,) = licensing.waitlists(world.ctx)
    assert (view.item, view.token, view.available) == (ITEM, NORTH, 0)
    assert [w.member for w in view.waiting] == order
    assert [w.turn for w in view.waiting] == list(range(1, 10))
    assert {w.group for w in view.waiting} == {"Waiters"}
    assert licensing.waitlists(world.ctx, "Star Chart")[0].waiting == ()
