"""Prompts: the chooser answers from the 8-scenario table; one device can be looked up."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input, Static

from tests.ui.conftest import SIZE, settle
from vpp_tui.services.catalog.queries import list_devices
from vpp_tui.ui.widgets.choice import Choice


def answer(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#prompts-answer", Static).render())


async def test_chooser_follows_the_table_and_highlights_the_row(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert screen.result.scenario == 3  # corporate, supervised, user: the default
        screen.query_one("#prompt-license", Choice).set_value("device")
        await settle(pilot)
        assert screen.result.scenario == 6
        assert "Invite to Apple VPP   no" in answer(app)
        assert screen.query_one(DataTable).cursor_row == 5
        screen.query_one("#prompt-kiosk", Checkbox).value = True
        screen.query_one("#prompt-license", Choice).set_value("user")
        await settle(pilot)
        assert screen.result.scenario == 8 and screen.result.warning
        assert "⚠" in answer(app)


async def test_space_toggles_supervised_from_the_keyboard(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        app.screen.query_one("#prompt-supervised", Checkbox).focus()
        await pilot.press("space")
        await settle(pilot)
        assert app.screen.result.scenario == 2


async def test_per_device_lookup_explains_one_device_and_item(demo, demo_app):
    ctx, _sim = demo
    serial = list_devices(ctx, text="", limit=1).rows[0].serial
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("ctrl+d")
        app.screen.query_one("#prompt-serial", Input).value = serial
        app.screen.query_one("#prompt-item", Input).value = "Mind Map"
        app.screen.query_one("#prompt-item", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#prompts-device", Static).render())
        assert serial in text and "Mind Map" in text and "licensing" in text
