"""Directory drill-down (issue 11): a user's, device's or group's details, on both databases;
licenses, Apple users and assignments only within the admin's scope."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.services.licensing_helpers import north
from tests.services.test_tokens import add
from vpp_tui.services import licensing, prompts, sync, tokens
from vpp_tui.services.access import AccessDenied, admin
from vpp_tui.services.directory import details
from vpp_tui.services.errors import NotFound

NORTH, SOUTH = "North Campus", "South Campus"
CARLOS = "carlos.rossi@contoso.edu"  # South: a book and an app, Registered (invited)
EXAM_IPAD = "0N26GK6TK8LL"  # Exam iPad 009: two North device licenses


@pytest.fixture
def split(world):
    """North tagged `north`, South untagged; nina manages North's apps, dan the default."""
    north(world)
    add(world, SOUTH)
    sync.sync_token(world.ctx, SOUTH)
    admin.create_scope_tag(world.ctx, "north")
    tokens.update_settings(world.ctx, NORTH, scope_tags=["north"])
    admin.grant(world.ctx, "nina", "App manager", ["north"])
    admin.grant(world.ctx, "dan", "App manager")
    return world, replace(world.ctx, actor="nina"), replace(world.ctx, actor="dan")


def test_user_details_list_identity_groups_licenses_and_apple_status(split) -> None:
    world, _nina, _dan = split
    user = details.user_details(world.ctx, CARLOS.upper())  # UPNs match in any case
    assert user.upn == CARLOS and user.active
    assert "Students Grade 10" in user.groups
    held = {(h.item, h.product_type, h.token, h.license_type, h.pricing_param)
            for h in user.licenses}
    assert held == {("Poems for Every Day", "book", SOUTH, "user", "STDQ"),
                    ("Quiz Arena", "app", SOUTH, "user", "STDQ")}
    assert [(a.location, a.status) for a in user.apple_users] == [(SOUTH, "Registered")]
    assert user.invitation is not None and "inviteCode=" in user.invitation
    assert "%25inviteCode%25" not in user.invitation


def test_user_details_list_what_revoke_by_user_would_revoke(split) -> None:
    world, _nina, _dan = split
    plan = licensing.plan_revoke(world.ctx, user=CARLOS).plan
    adam_ids = {m.item for m in plan.members}
    held = {h.adam_id for h in details.user_details(world.ctx, CARLOS).licenses}
    assert held == adam_ids


def test_an_admin_out_of_scope_sees_no_licenses_of_other_tokens(split) -> None:
    world, nina, dan = split
    theirs = details.user_details(nina, CARLOS)  # South is not in nina's scope
    assert theirs.upn == CARLOS and theirs.groups  # the person, not South's licenses
    assert theirs.licenses == () and theirs.apple_users == () and theirs.invitation is None
    assert {h.token for h in details.user_details(dan, CARLOS).licenses} == {SOUTH}
    assert details.device_details(dan, EXAM_IPAD).licenses == ()
    assert {h.token for h in details.device_details(nina, EXAM_IPAD).licenses} == {NORTH}


def test_device_details_show_the_prompts_rule_per_assigned_item(split) -> None:
    world, _nina, dan = split
    licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "required", "device",
                           token=NORTH)
    device = details.device_details(world.ctx, EXAM_IPAD)
    assert device.device.name == "Exam iPad 009" and device.groups == ("Exam iPads",)
    assert "Field Notes" in {h.item for h in device.licenses}
    [shown] = device.prompts
    expected = prompts.prompts_for_device(world.ctx, EXAM_IPAD, "Field Notes", NORTH)
    assert (shown.item, shown.intent, shown.prompts) == ("Field Notes", "required", expected)
    assert details.device_details(dan, EXAM_IPAD).prompts == ()  # North is out of scope


def test_group_members_are_paged_in_sql(split) -> None:
    world, _nina, _dan = split
    first = details.group_details(world.ctx, "Exam iPads", limit=200)
    last = details.group_details(world.ctx, "Exam iPads", offset=400, limit=200)
    assert (first.kind, first.members.total, len(first.members.rows)) == ("device", 500, 200)
    assert (last.members.offset, len(last.members.rows)) == (400, 100)
    assert not {r.member for r in first.members.rows} & {r.member for r in last.members.rows}
    assert all(r.known and r.detail == "iPadOS" for r in first.members.rows)


def test_group_assignments_list_item_intent_and_license_type_in_scope(split) -> None:
    world, nina, dan = split
    licensing.apply_assign(world.ctx, "Mind Map", "Teachers", "required", "user",
                           token=NORTH)
    group = details.group_details(nina, "Teachers")
    assert [(a.item, a.token, a.intent, a.license_type) for a in group.assignments] == [
        ("Mind Map", NORTH, "required", "user")]
    assert details.group_details(dan, "Teachers").assignments == ()


def test_details_of_an_unknown_name_raise_not_found(split) -> None:
    world, _nina, _dan = split
    with pytest.raises(NotFound, match="no user"):
        details.user_details(world.ctx, "nobody@contoso.edu")
    with pytest.raises(NotFound, match="no device"):
        details.device_details(world.ctx, "NOSUCHSERIAL")
    with pytest.raises(NotFound, match="no group"):
        details.group_details(world.ctx, "Nobody")


def test_details_need_directory_read(split) -> None:
    world, _nina, _dan = split
    admin.grant(world.ctx, "tom", "Token manager")
    tom = replace(world.ctx, actor="tom")
    with pytest.raises(AccessDenied, match="directory.read"):
        details.user_details(tom, CARLOS)
