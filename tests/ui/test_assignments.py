"""Assignments: add, edit intent and remove, each through the license review."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import licensing
from vpp_tui.services.catalog.queries import list_assignments
from vpp_tui.ui.screens.assign_form import AssignForm, IntentForm
from vpp_tui.ui.screens.license_review import LicenseReviewScreen, review_lines
from vpp_tui.ui.widgets.choice import Choice


def assign_field_notes(ctx) -> None:  # noqa: ANN001
    licensing.apply_assign(ctx, "Field Notes", "Exam iPads", "required", "device",
                           token="North Campus")


async def test_a_adds_an_assignment_through_form_and_review(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AssignForm)
        form.query_one("#assign-items", OptionList).highlighted = next(
            i for i, a in enumerate(form.items) if (a.name, a.token) == ("Mind Map",
                                                                        "North Campus"))
        form.query_one("#assign-groups", OptionList).highlighted = [
            g.name for g in form.groups].index("Teachers")
        await pilot.pause()
        form.query_one("#assign-license", Choice).set_value("user")
        await pilot.pause()
        form.action_review()
        await settle(pilot)
        assert isinstance(app.screen, LicenseReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        [row] = list_assignments(ctx).rows
        assert (row.item, row.group, row.license_type) == ("Mind Map", "Teachers", "user")
        assert app.screen.views == [row]


async def test_e_changes_the_intent_after_a_review(demo, demo_app):
    ctx, _sim = demo
    assign_field_notes(ctx)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, IntentForm)
        app.screen.query_one(Choice).set_value("uninstall")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LicenseReviewScreen)
        assert app.screen.preview.plan.reclaimed == 100
        await pilot.press("enter")
        await settle(pilot)
        [row] = list_assignments(ctx).rows
        assert row.intent == "uninstall"
        assert licensing.licenses(ctx, "Field Notes", "North Campus").used == 0


async def test_delete_removes_after_the_unassign_review_names_the_rule(demo, demo_app):
    ctx, _sim = demo
    assign_field_notes(ctx)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, LicenseReviewScreen)
        text = "\n".join(str(line) for line in review_lines(app.screen.preview))
        assert "100 licenses will be reclaimed" in text
        assert "reclaims licenses" in text  # the removal rule in force
        await pilot.press("enter")
        await settle(pilot)
        assert list_assignments(ctx).rows == []
        assert app.screen.query_one(DataTable).row_count == 0
