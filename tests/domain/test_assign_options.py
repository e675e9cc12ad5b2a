"""Rule: a form offers only what `refusals` lets through (domain.licensing.assignment_options)."""

from __future__ import annotations

from vpp_tui.domain.licensing import (
    GroupKind,
    Intent,
    Item,
    LicenseType,
    ProductType,
    assignment_options,
)
from vpp_tui.domain.licensing.results import Plan, PlanAction
from vpp_tui.domain.prompts import plan_prompts_users


def test_assignment_options_books_user_groups_available_or_required_user_licensing() -> None:
    book = Item("1", ProductType.BOOK, device_assignable=False)
    options = assignment_options(book)
    assert options.group_kinds == (GroupKind.USER,)
    assert options.intents == (Intent.REQUIRED, Intent.AVAILABLE)
    assert options.license_types == (LicenseType.USER,)


def test_assignment_options_device_group_offers_no_available() -> None:
    options = assignment_options(Item("2"), GroupKind.DEVICE)
    assert options.intents == (Intent.REQUIRED, Intent.UNINSTALL)
    assert options.license_types == (LicenseType.USER, LicenseType.DEVICE)


def test_assignment_options_app_not_device_assignable_offers_user_licensing_only() -> None:
    options = assignment_options(Item("3", device_assignable=False), GroupKind.USER)
    assert options.intents == tuple(Intent)
    assert options.license_types == (LicenseType.USER,)


def test_plan_prompts_users_only_for_an_allowed_assignment_that_installs() -> None:
    from vpp_tui.domain.licensing.results import Reason

    assign = Plan(PlanAction.ASSIGN, (), intent=Intent.REQUIRED)
    assert plan_prompts_users(assign)
    assert not plan_prompts_users(Plan(PlanAction.ASSIGN, (), intent=Intent.UNINSTALL))
    assert not plan_prompts_users(Plan(PlanAction.ASSIGN, (), intent=Intent.REQUIRED,
                                       refusals=(Reason.BOOK_INTENT,)))
    assert not plan_prompts_users(Plan(PlanAction.UNASSIGN, ()))
