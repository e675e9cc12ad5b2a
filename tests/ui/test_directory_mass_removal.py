"""The console's import (`i` in Directory) refuses as the CLI does, and asks before a mass
removal, stating the counts (issue 9, item 1)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Static

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import audit, directory
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.ui.screens.confirm import ConfirmScreen
from vpp_tui.ui.screens.error import ErrorScreen


def few_users(folder: Path) -> str:
    """A users file holding 60 of the demo's 600 users: 540 would leave."""
    path = folder / "users.json"
    path.write_text(json.dumps({"users": demo_directory()["users"][:60]}), encoding="utf-8")
    return str(path)


async def open_import(pilot, path: str) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    pilot.app.screen.query_one("#import-path", Input).value = path
    await pilot.press("enter")
    await settle(pilot)


def body(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#confirm-body", Static).render())


async def test_console_mass_removal_asks_with_the_counts_and_no_changes_nothing(
        demo, demo_app, tmp_path):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, few_users(tmp_path))
        assert isinstance(app.screen, ConfirmScreen)
        text = body(app)
        assert "users.json would remove" in text and "540 of 600 users (90 %)" in text
        assert "group members" in text
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
    assert directory.counts(ctx).users == 600
    refusal = next(e for e in audit.list_entries(ctx) if e.action == "directory.import")
    assert refusal.result == "failed" and "540 of 600 users" in (refusal.detail or "")


async def test_console_mass_removal_confirmed_imports(demo, demo_app, tmp_path):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, few_users(tmp_path))
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("users +0 ~0 -540" in m and "mass removal allowed" in m for m in messages)
    assert directory.counts(ctx).users == 60


async def test_console_empty_file_is_refused_with_one_line(demo, demo_app, tmp_path):
    ctx, _sim = demo
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, str(tmp_path / "empty.json"))
        assert isinstance(app.screen, ErrorScreen)
        text = str(app.screen.query_one("#error-text", Static).render())
        assert "empty.json is empty" in text
    assert directory.counts(ctx).users == 600


class TestMassRemovalSnapshot:
    def test_mass_removal_confirmation(self, snap_compare, demo_app, tmp_path):  # noqa: ANN001
        path = few_users(tmp_path)

        async def run_before(pilot) -> None:  # noqa: ANN001
            await open_import(pilot, path)
            await settle(pilot)  # the footer behind the dialog shows its final keys

        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)
