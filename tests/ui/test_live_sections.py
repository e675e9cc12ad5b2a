"""Live sections: a change made in one section shows in every other without a key press.

Each test opens the section that must follow first (so it is mounted and has shown the
old picture), makes the change from another section, then switches back and reads it.
"""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from tests.ui.conftest import SIZE, select_token, settle
from tests.ui.test_catalog import select_row
from vpp_tui.services import audit, licensing
from vpp_tui.ui.screens.assign_form import AssignForm
from vpp_tui.ui.screens.license_review import LicenseReviewScreen

CODE_GARDEN = "1484000106"  # 80 licenses on North Campus in the demo
MIND_MAP = "1484000131"  # 40 licenses on North Campus in the demo


def assign_code_garden(ctx) -> None:  # noqa: ANN001
    """Teachers (60 users) get Code Garden's 80 licenses: 50 licensed, 2 waiting."""
    licensing.apply_assign(ctx, "Code Garden", "Teachers", "available", "user",
                           token="North Campus")


def assignment_rows(app) -> list[tuple]:  # noqa: ANN001
    return [(v.item, v.group, v.licensed, v.waitlisted) for v in app.screen.views]


async def show(pilot, key: str) -> None:  # noqa: ANN001
    await pilot.press(key)
    await settle(pilot)


async def test_stale_assignments_show_an_assignment_made_in_apps(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show(pilot, "4")
        assert assignment_rows(app) == []
        await show(pilot, "2")
        await select_row(pilot, "Code Garden", "North Campus")
        await show(pilot, "a")
        form = app.screen
        assert isinstance(form, AssignForm)
        form.query_one("#assign-groups", OptionList).highlighted = [
            g.name for g in form.groups].index("Teachers")
        await pilot.pause()
        for _field in range(3):  # Group → Intent → License type → review
            await show(pilot, "enter")
        assert isinstance(app.screen, LicenseReviewScreen)
        await show(pilot, "enter")
        await show(pilot, "4")
        assert [(item, group) for item, group, _l, _w in assignment_rows(app)] == [
            ("Code Garden", "Teachers")]


async def test_stale_assignment_counts_follow_a_revoke_all_in_apps(demo, demo_app):
    ctx, _sim = demo
    assign_code_garden(ctx)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show(pilot, "4")
        assert assignment_rows(app) == [("Code Garden", "Teachers", 50, 2)]
        await show(pilot, "2")
        await select_row(pilot, "Code Garden", "North Campus")
        await show(pilot, "v")
        assert isinstance(app.screen, LicenseReviewScreen)
        await show(pilot, "enter")
        await show(pilot, "4")
        # The 50 were revoked; the 2 who waited got two of the freed licenses.
        assert assignment_rows(app) == [("Code Garden", "Teachers", 2, 0)]


async def test_stale_activity_shows_a_new_entry_without_refresh(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show(pilot, "7")
        await show(pilot, "1")
        await select_token(pilot, "North Campus")
        await show(pilot, "s")
        await show(pilot, "7")
        [newest] = audit.list_entries(ctx, limit=1)
        assert (newest.action, newest.target) == ("token.sync", "North Campus")
        table = app.screen.query_one(DataTable)
        assert str(table.coordinate_to_cell_key((0, 0)).row_key.value) == str(newest.id)


async def test_stale_apps_counts_follow_sync_all(demo, demo_app):
    _ctx, simulator = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show(pilot, "2")
        [mind_map] = [v for v in app.screen.views if v.adam_id == MIND_MAP]
        assert mind_map.total == 40
        simulator.purchase("North Campus", MIND_MAP, 10)  # bought at Apple meanwhile
        await show(pilot, "1")
        await show(pilot, "S")
        await show(pilot, "2")
        [mind_map] = [v for v in app.screen.views if v.adam_id == MIND_MAP]
        assert mind_map.total == 50


async def test_a_section_keeps_its_cursor_on_the_same_row_when_it_reloads(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show(pilot, "2")
        await select_row(pilot, "Mind Map", "North Campus")
        await show(pilot, "1")
        assign_code_garden(ctx)  # changes another row's counts
        await show(pilot, "S")
        await show(pilot, "2")
        assert (app.screen.selected.name, app.screen.selected.token) == (
            "Mind Map", "North Campus")
