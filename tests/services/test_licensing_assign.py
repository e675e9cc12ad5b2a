"""Assigning against the simulated Apple: plan first, then apply what Apple confirms."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.services.licensing_helpers import (
    NORTH,
    apple_holds,
    asset,
    group_members,
    licenses_of,
    north,
    sim_counts,
)
from vpp_tui.services import licensing
from vpp_tui.services.errors import InvalidInput
from vpp_tui.store import models as m


def count(world, table) -> int:
    with world.ctx.store.session() as s:
        return s.exec(select(func.count()).select_from(table)).one()


def test_over_subscribed_device_group_licenses_the_first_100_and_waitlists_400(world):
    doc = north(world)
    result = licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "required",
                                    "device")
    assert (result.licensed, result.failed, result.error) == (100, 400, None)
    assert sim_counts(world, "Field Notes") == (100, 0)
    row = asset(world, "Field Notes")
    assert (row.assigned, row.available) == (100, 0)
    rows = licenses_of(world, "Field Notes")
    licensed = [r for r in rows if r.status == "licensed"]
    waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.position)
    assert len(licensed) == 100 and len(waiting) == 400
    assert [r.position for r in waiting] == list(range(1, 401))
    assert all(r.apple_event_id for r in licensed)
    assert all(apple_holds(world, "Field Notes", "device", r.member) for r in licensed)
    assert not any(apple_holds(world, "Field Notes", "device", r.member) for r in waiting)
    # The order shown is the order served: the licensed are the plan's first 100.
    plan_order = [o.member for o in result.members]
    assert {r.member for r in licensed} == set(plan_order[:100])
    assert [r.member for r in waiting] == plan_order[100:]
    assert set(plan_order) == set(group_members(doc, "Exam iPads"))


def test_apply_audits_each_apple_event_with_its_id_and_final_status(world):
    north(world)
    result = licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "required",
                                    "device")
    with world.ctx.store.session() as s:
        entries = s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == "license.associate")).all()
    assert {e.apple_event_id for e in entries} == {e.event_id for e in result.events}
    assert all(e.apple_event_status == "COMPLETE" for e in entries)


def test_dry_run_plan_writes_nothing_and_calls_no_apple(world):
    north(world)
    before = (count(world, m.License), count(world, m.Assignment), count(world, m.AuditEntry))
    requests = world.transport.count
    preview = licensing.plan_assign(world.ctx, "Field Notes", "Exam iPads", "required")
    assert preview.plan.licensed == 100 and preview.plan.failed == 400
    assert (preview.plan.licenses_before, preview.plan.licenses_after) == (0, 100)
    assert preview.apple_requests == 1 and preview.order
    assert preview.prompts and preview.prompts[0].devices == 500
    assert preview.prompts[0].prompts.scenario == 6  # corporate, supervised, device licensed
    assert world.transport.count == requests
    after = (count(world, m.License), count(world, m.Assignment), count(world, m.AuditEntry))
    assert after == before


def test_book_to_a_device_group_is_refused_and_nothing_is_written(world):
    north(world)
    before = (count(world, m.License), count(world, m.Assignment))
    requests = world.transport.count
    preview = licensing.plan_assign(world.ctx, "Biology Illustrated", "Exam iPads",
                                    "required")
    assert not preview.allowed
    with pytest.raises(InvalidInput, match="user groups"):
        licensing.apply_assign(world.ctx, "Biology Illustrated", "Exam iPads",
                               "required")
    assert (count(world, m.License), count(world, m.Assignment)) == before
    assert world.transport.count == requests


def test_available_on_a_device_group_is_refused(world):
    north(world)
    with pytest.raises(InvalidInput, match="Available"):
        licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "available")
    assert count(world, m.Assignment) == 0


def test_user_licensing_registers_new_users_with_apple_first(world):
    north(world)
    result = licensing.apply_assign(world.ctx, "Atlas of the World", "Students Grade 10",
                                    "available", "user")
    assert result.error is None
    assert result.licensed == 120 and result.failed == 50 - _inactive(world, "Students Grade 10")
    assert sim_counts(world, "Atlas of the World") == (120, 0)
    with world.ctx.store.session() as s:
        users = {u.upn: u for u in s.exec(select(m.AppleUser)).all() if u.upn}
        directory = {u.upn: u for u in s.exec(select(m.DirectoryUser)).all()}
    licensed = [o.member for o in result.members if o.outcome == "licensed"]
    for upn in licensed:
        apple_user = users[upn]
        if directory[upn].managed_apple_id:
            assert apple_user.status == "Associated" and apple_user.invite_code is None
        else:
            assert apple_user.status == "Registered" and apple_user.invite_code
        assert apple_holds(world, "Atlas of the World", "user", apple_user.client_user_id)


def _inactive(world, group: str) -> int:
    with world.ctx.store.session() as s:
        gid = s.exec(select(m.DirectoryGroup.id).where(m.DirectoryGroup.name == group)).one()
        members = s.exec(select(m.GroupMember.member).where(m.GroupMember.group_id == gid)).all()
        return len(s.exec(select(m.DirectoryUser).where(
            m.DirectoryUser.upn.in_(members), m.DirectoryUser.active == False)).all())  # noqa: E712


def test_assigning_again_leaves_holders_already_licensed(world):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    again = licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required",
                                   "device")
    assert again.licensed == 0
    assert {o.outcome for o in again.members} == {"already_licensed"}
    assert sim_counts(world, "Star Chart")[0] == 10


def test_licenses_report_lists_holders_and_waitlisted_failures(world):
    north(world)
    licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "required", "device")
    report = licensing.licenses(world.ctx, "Field Notes", NORTH)
    assert (report.total, report.used, report.available) == (100, 100, 0)
    assert len(report.holders) == 100 and len(report.failures) == 400
    assert report.failures[0].position == 1 and report.failures[0].status == "waitlisted"
    assert "no licenses left" in report.failures[0].reason
    assert report.assignments == (("Exam iPads", "required", "device"),)


def test_apply_sends_every_batch_before_awaiting_the_first_event(world):
    """Issue 13: the batches go out back to back, then their events are awaited (the order
    the simulator sees, not timing)."""
    from tests.services.test_ownership import recorder

    north(world)
    world.sim.limits["maxSerialNumbers"] = 10  # 100 licenses: ten associate batches
    rec = recorder(world)
    result = licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "required",
                                    "device")
    assert (result.licensed, result.error) == (100, None)
    paths = [p for _m, p in rec.seen if p.endswith(("/assets/associate", "/status"))]
    posts = [i for i, p in enumerate(paths) if p.endswith("/assets/associate")]
    first_status = paths.index("/mdm/v2/status")
    assert len(posts) == 10 and max(posts) < first_status
    assert len(result.events) == 10 and {e.status for e in result.events} == {"COMPLETE"}
