"""The palette searches every section's commands and runs them in their own section."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette

from tests.ui.conftest import SIZE, settle
from vpp_tui.ui.providers import palette_entries
from vpp_tui.ui.screens.help import HelpScreen
from vpp_tui.ui.screens.license_review import LicenseReviewScreen


async def best_hit(pilot, query: str, wanted: str) -> str:  # noqa: ANN001
    """Open the palette, type `query`, wait until the highlighted hit names `wanted`."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    # The palette searches in the background: wait for its hits, not a fixed time; then
    # move down to the one naming `wanted`, as a user would.
    for _ in range(200):
        await pilot.pause(0.05)
        hits = app.screen.query_one(CommandList)
        prompts = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        if hits.highlighted is not None and any(wanted in p for p in prompts):
            break
    index = next(i for i, p in enumerate(prompts) if wanted in p)
    for _ in range(index - (hits.highlighted or 0)):
        await pilot.press("down")
    await pilot.pause()
    return str(hits.get_option_at_index(hits.highlighted).prompt)


def palette_titles(app) -> list[str]:  # noqa: ANN001
    return [entry.title for entry in palette_entries(app, app.current_mode)]


async def test_palette_finds_and_runs_revoke_of_apps_from_directory(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        prompt = await best_hit(pilot, "revoke", "— Apps")
        assert prompt.startswith("Revoke all — Apps (v)")
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "apps"
        review = app.screen
        assert isinstance(review, LicenseReviewScreen)
        # It acted on the Apps section's cursor row, as pressing v there would.
        apps = app.screen_stack[0]
        assert apps.selected is not None
        assert (review.preview.adam_id, review.preview.token) == (
            apps.selected.adam_id, apps.selected.token)


async def test_every_sections_commands_appear_in_the_palette(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = palette_titles(app)
        for mode, screen in app.section_screens().items():
            section = screen.section_title()
            for command in screen.section_commands():
                if command.palette:
                    assert any(t.lower().startswith(command.label.lower())
                               and f"— {section} (" in t for t in titles), (mode, command.id)
        # What the palette shows with nothing typed is the same list.
        await pilot.press("ctrl+p")
        for _ in range(200):
            await pilot.pause(0.05)
            hits = app.screen.query_one(CommandList)
            if hits.option_count >= len(titles):
                break
        shown = {str(hits.get_option_at_index(i).prompt).split("\n")[0]
                 for i in range(hits.option_count)}
        assert set(titles) <= shown


async def test_palette_lists_the_current_sections_commands_first(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert palette_titles(app)[0].endswith("— Activity (ctrl+r)")


async def test_palette_command_needing_a_row_says_what_to_select(make_app):
    app = make_app()  # an empty store: Apps has no rows to revoke
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await best_hit(pilot, "revoke all apps", "— Apps")
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "apps" and not isinstance(app.screen, CommandPalette)
        assert not isinstance(app.screen, LicenseReviewScreen)
        [notice] = list(app._notifications)
        assert "nothing is selected in Apps" in notice.message


async def test_help_lists_the_current_sections_keys_from_the_registry(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert app.screen._screen_commands == list(
            app.section_screens()["apps"].section_commands())
