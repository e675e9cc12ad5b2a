"""The files `vpp-tui demo` writes to try add and renew are accepted by the console's add
wizard and renew form, as an admin trying the demo would use them (issue 11)."""

from __future__ import annotations

from tests.ui.conftest import SIZE, select_token, settle, table_keys
from vpp_tui.cli.commands.demo import try_dir, write_try_files
from vpp_tui.services import tokens
from vpp_tui.simulator.worlds import add_try_files
from vpp_tui.ui.screens.tokens.add import AddTokenWizard
from vpp_tui.ui.screens.tokens.forms import RenewScreen


async def test_demo_files_are_accepted_by_the_add_wizard_and_the_renew_form(demo, demo_app):
    ctx, simulator = demo
    add_try_files(simulator)
    write_try_files(simulator)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddTokenWizard)
        await pilot.press(*"East Campus", "tab", *"vpp-admin@appleid.contoso.edu", "tab",
                          *str(try_dir() / "add-east-campus.vpptoken"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)  # the file is checked with the demo's Apple
        assert app.screen.step == 2
        await pilot.press("tab", "tab", "tab", "tab", "space", "enter")  # consent
        assert app.screen.step == 3
        await pilot.press("enter")
        assert app.screen.step == 4
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AddTokenWizard)
        assert "East Campus" in table_keys(app)

        await select_token(pilot, "South Campus")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RenewScreen)
        await pilot.press(*str(try_dir() / "renew-south-campus.vpptoken"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, RenewScreen)
    assert tokens.get_token(ctx, "East Campus").token.state == "valid"
    assert tokens.get_token(ctx, "South Campus").token.state == "valid"


async def test_the_demo_console_says_where_the_files_to_try_are(demo_app):
    """The lines `vpp-tui demo` prints are hidden while the console runs: it says it too."""
    app = demo_app(notice=f"Token files to try add (a) and renew (r) with are in {try_dir()}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(str(try_dir()) in str(n.message) for n in app._notifications)
