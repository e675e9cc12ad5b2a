"""What the Access section looks like, and what two admins with different scope tags see in
Tokens, Apps and Activity (demo world, 120×40)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Input, SelectionList, TabbedContent

from tests.ui.conftest import settle
from vpp_tui.services import tokens
from vpp_tui.services.access import admin
from vpp_tui.ui.app import VppApp
from vpp_tui.ui.widgets.choice import Choice

SIZE = (120, 40)


def split(ctx) -> None:  # noqa: ANN001
    """North Campus carries the tag `north` (was its location's); nina reads north, dan
    the demo's `South Campus` tag."""
    admin.create_scope_tag(ctx, "north", "North site")
    tokens.update_settings(ctx, "North Campus", scope_tags=["north"])
    admin.create_role(ctx, "Library staff", ["mobile_apps.read", "mobile_apps.assign"],
                      "assign books")
    admin.grant(ctx, "nina", "Read only", ["north"])
    admin.grant(ctx, "dan", "Read only", ["South Campus"])


def goto(key: str, tab: str | None = None, then=None):  # noqa: ANN001, ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        if tab is not None:
            pilot.app.screen.query_one(TabbedContent).active = f"tab-{tab}"
            await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)

    return run_before


class TestAccess:
    @pytest.mark.parametrize("tab", ["roles", "admins", "tags"])
    def test_tab(self, snap_compare, demo, demo_app, tab) -> None:  # noqa: ANN001
        split(demo[0])
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("8", tab))

    def test_grant_review(self, snap_compare, demo, demo_app) -> None:  # noqa: ANN001
        split(demo[0])

        async def grant(pilot) -> None:  # noqa: ANN001
            await pilot.press("g")
            await settle(pilot)
            form = pilot.app.screen
            form.query_one("#grant-admin", Input).value = "olga"
            form.query_one("#grant-role", Choice).set_value("App manager")
            form.query_one("#grant-tags", SelectionList).select("north")
            await pilot.press("ctrl+s")

        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=goto("8", "admins", grant))

    def test_read_only_admin(self, snap_compare, demo) -> None:  # noqa: ANN001
        split(demo[0])
        app = VppApp(replace(demo[0], actor="dan"), demo=True, cursor_blink=False)
        assert snap_compare(app, terminal_size=SIZE, run_before=goto("8"))


class TestTwoAdmins:
    """nina (scope tag north) and dan (South Campus) see different rows."""

    @pytest.mark.parametrize("section", ["1", "2", "7"])
    @pytest.mark.parametrize("who", ["nina", "dan"])
    def test_scoped(self, snap_compare, demo, who, section) -> None:  # noqa: ANN001
        split(demo[0])
        app = VppApp(replace(demo[0], actor=who), demo=True, cursor_blink=False)
        assert snap_compare(app, terminal_size=SIZE, run_before=goto(section))
