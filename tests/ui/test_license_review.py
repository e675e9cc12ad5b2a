"""The review screen and the assign form never contradict the plan (issue 11).

Each test is named after the fault it guards against; all failed before the fix.
"""

from __future__ import annotations

from textual.widgets import OptionList

from tests.ui.conftest import SIZE, settle
from vpp_tui.domain.licensing import (
    Device,
    Intent,
    Item,
    LicenseType,
    Pool,
    plan_assignment,
)
from vpp_tui.domain.licensing import Group as DomainGroup
from vpp_tui.domain.licensing import GroupKind as Kind
from vpp_tui.domain.prompts import prompts_for_devices
from vpp_tui.services import licensing
from vpp_tui.services.licensing.views import LicensePreview, PromptGroup
from vpp_tui.ui.screens.assign_form import AssignForm
from vpp_tui.ui.screens.license_review import LicenseReviewScreen, review_lines
from vpp_tui.ui.widgets.choice import Choice

HANDBOOK = "1590000201:STDQ"  # The Young Scientist's Handbook, standard edition


def text_of(preview: LicensePreview) -> str:
    return "\n".join(str(line) for line in review_lines(preview))


def test_refused_review_lists_no_prompts_users_will_see(demo):
    ctx, _sim = demo
    # Available to a device group is refused: nothing is sent, so nobody sees anything.
    preview = licensing.plan_assign(ctx, "Field Notes", "Exam iPads", "available", "device",
                                    token="North Campus")
    assert not preview.allowed
    assert preview.prompts == ()
    text = text_of(preview)
    assert "refused" in text and "Available is not allowed for device groups" in text
    assert "will see" not in text


def test_uninstall_review_promises_no_install_prompt(demo):
    ctx, _sim = demo
    licensing.apply_assign(ctx, "Field Notes", "Exam iPads", "required", "device",
                           token="North Campus")
    preview = licensing.plan_assign(ctx, "Field Notes", "Exam iPads", "uninstall", "device",
                                    token="North Campus")
    text = text_of(preview)
    assert "install prompt" not in text and "will see" not in text
    assert "100 licenses will be reclaimed" in text
    assert "the app is removed from iOS/iPadOS devices" in text


def test_removing_a_book_assignment_says_licenses_stay_with_the_users(demo):
    ctx, _sim = demo
    licensing.apply_assign(ctx, HANDBOOK, "Science Staff", "available", "user",
                           token="North Campus")
    preview = licensing.plan_unassign(ctx, HANDBOOK, "Science Staff", "North Campus")
    text = text_of(preview)
    assert "reclaims licenses" not in text
    assert "keeps the book licenses with the users" in text
    assert preview.as_json()["removal_rule_text"] == preview.removal_rule_text


def test_same_scenario_is_not_listed_twice_with_different_device_counts():
    # Eight supervised corporate iPads, three with the App Store blocked: one scenario.
    fleet = [Device(f"S{i}", supervised=True, app_store_blocked=i < 3) for i in range(8)]
    summary = prompts_for_devices(fleet, "user")
    assert [(p.scenario, n) for p, n in summary] == [(3, 8)]
    assert "(3 of these devices)" in (summary[0][0].warning or "")


def _one_device_preview() -> LicensePreview:
    item = Item("1", name="Solo")
    group = DomainGroup("One", Kind.DEVICE, devices=(Device("S1", supervised=True),))
    plan = plan_assignment(item, group, Intent.REQUIRED, LicenseType.DEVICE,
                           pool=Pool(total=5, used=4))
    [(prompt, n)] = prompts_for_devices(group.devices, "device")
    return LicensePreview(plan, "Solo", "1", "T", group="One",
                          prompts=(PromptGroup(prompt, n),), registrations=1)


def test_review_says_1_device_and_1_user_not_1_devices_or_1_users():
    text = text_of(_one_device_preview())
    assert "on 1 device:" in text
    assert "1 user registered first" in text
    assert "1 devices" not in text and "1 users" not in text


async def _open_form_for(pilot, item: str, token: str) -> AssignForm:  # noqa: ANN001
    """Assignments → a → the item highlighted."""
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, AssignForm)
    form.query_one("#assign-items", OptionList).highlighted = next(
        i for i, a in enumerate(form.items)
        if (a.name, a.token, a.pricing_param) == (item, token, "STDQ"))
    await pilot.pause()
    await settle(pilot)
    return form


async def test_book_form_offers_no_uninstall_device_licensing_or_device_groups(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form_for(pilot, "The Young Scientist's Handbook", "North Campus")
        assert form.query_one("#assign-intent", Choice).offered == ("required", "available")
        assert form.query_one("#assign-license", Choice).offered == ("user",)
        assert form.query_one("#assign-license", Choice).value == "user"
        assert {g.kind for g in form.groups} == {"user"}
        assert form.query_one("#assign-groups", OptionList).option_count == len(form.groups)
        # An app on a device group: Available is refused there, so it is not offered.
        form.query_one("#assign-items", OptionList).highlighted = next(
            i for i, a in enumerate(form.items) if (a.name, a.token) == ("Field Notes",
                                                                        "North Campus"))
        await settle(pilot)
        form.query_one("#assign-groups", OptionList).highlighted = [
            g.name for g in form.groups].index("Exam iPads")
        await settle(pilot)
        assert form.query_one("#assign-intent", Choice).offered == ("required", "uninstall")
        assert form.query_one("#assign-license", Choice).offered == ("device", "user")


async def test_enter_on_the_group_list_does_not_skip_intent_and_license_type(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form_for(pilot, "Field Notes", "North Campus")
        groups = form.query_one("#assign-groups", OptionList)
        groups.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert form.focused is form.query_one("#assign-intent", Choice)
        await pilot.press("enter")
        await settle(pilot)
        assert form.focused is form.query_one("#assign-license", Choice)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LicenseReviewScreen)


async def test_esc_on_the_review_throws_away_no_form_values(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form_for(pilot, "Field Notes", "North Campus")
        form.query_one("#assign-groups", OptionList).highlighted = [
            g.name for g in form.groups].index("Teachers")
        await settle(pilot)
        form.query_one("#assign-intent", Choice).set_value("available")
        form.query_one("#assign-license", Choice).set_value("user")
        form.query_one("#assign-license", Choice).focus()
        await pilot.press("enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, LicenseReviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, AssignForm)
        assert again.chosen_item is not None and again.chosen_item.name == "Field Notes"
        assert again.chosen_group is not None and again.chosen_group.name == "Teachers"
        assert again.query_one("#assign-intent", Choice).value == "available"
        assert again.query_one("#assign-license", Choice).value == "user"
