"""The Settings section (key 9): edit with a live preview, a refused value, no Settings
update, the theme applied at once, and snapshots at 120×40."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App
from textual.widgets import DataTable, Input, Static

from tests.ui.conftest import settle
from vpp_tui.domain.settings import THEMES
from vpp_tui.services import audit, settings
from vpp_tui.services.access import admin
from vpp_tui.ui.app import VppApp
from vpp_tui.ui.screens.setting_form import SettingForm

SIZE_40 = (120, 40)


def test_theme_choices_are_the_consoles_themes():
    assert set(THEMES) <= set(App().available_themes)


async def _open(pilot, key: str) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("9")
    await settle(pilot)
    table = pilot.app.screen.query_one(DataTable)
    keys = [str(r.value) for r in table.rows]
    table.move_cursor(row=keys.index(key))
    await pilot.press("e")
    await settle(pilot)


async def test_edit_shows_the_preview_and_saves_audited(make_app, ctx):
    app = make_app()
    async with app.run_test(size=SIZE_40) as pilot:
        await _open(pilot, "sync_interval_hours")
        assert isinstance(app.screen, SettingForm)
        field = app.screen.query_one("#setting-value", Input)
        field.value = "24"
        await settle(pilot)
        said = str(app.screen.query_one("#setting-preview", Static).render())
        assert "with sync_interval_hours 24, 0 tokens are due now instead of 0" in said
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SettingForm)
    assert settings.get_setting(ctx, "sync_interval_hours") == 24
    entry = audit.list_entries(ctx, limit=1)[0]
    assert (entry.action, entry.detail) == ("setting.set", "12 → 24")


async def test_bad_value_is_refused_in_the_form_and_nothing_changes(make_app, ctx):
    app = make_app()
    async with app.run_test(size=SIZE_40) as pilot:
        await _open(pilot, "expiring_soon_days")
        app.screen.query_one("#setting-value", Input).value = "-5"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingForm)
        problem = str(app.screen.query_one("#setting-problem", Static).render())
        assert "expiring_soon_days cannot be '-5'; give a whole number from 1 to 365" in problem
    assert settings.get_setting(ctx, "expiring_soon_days") == 30


async def test_admin_without_settings_update_cannot_edit(ctx):
    settings.list_settings(ctx)  # ana claims the store
    admin.create_role(ctx, "Settings readers", ["settings.read", "managed_apps.read",
                                                "mobile_apps.read", "audit.read"])
    admin.grant(ctx, "eve", "Settings readers", all_scopes=True)
    app = VppApp(replace(ctx, actor="eve"), cursor_blink=False)
    async with app.run_test(size=SIZE_40) as pilot:
        await _open(pilot, "theme")
        assert not isinstance(app.screen, SettingForm)
        status = str(app.screen.query_one("#settings-status", Static).render())
        assert "you may not change settings" in status
    assert settings.get_setting(ctx, "theme") == "textual-dark"


async def test_theme_change_applies_at_once(make_app, ctx):
    app = make_app()
    async with app.run_test(size=SIZE_40) as pilot:
        await _open(pilot, "theme")
        app.screen.query_one("#setting-value", Input).value = "nord"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
    assert settings.get_setting(ctx, "theme") == "nord"


def _goto_settings(edit: bool):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        if edit:
            await pilot.press("e")
            await settle(pilot)
            pilot.app.screen.query_one("#setting-value", Input).value = "24"
            await settle(pilot)
    return run_before


def test_settings_section_snapshot(snap_compare, make_app, ctx):  # noqa: ANN001
    settings.set_setting(ctx, "reclaim_on_removal", False)
    assert snap_compare(make_app(), terminal_size=SIZE_40, run_before=_goto_settings(False))


def test_setting_form_snapshot(snap_compare, make_app, ctx):  # noqa: ANN001
    assert snap_compare(make_app(), terminal_size=SIZE_40, run_before=_goto_settings(True))


async def test_language_switch_reaches_sections_already_built(make_app, ctx):
    """Fault: after `l` in Settings, sections built before the switch (Tokens) stayed in
    the old language until the console was restarted."""
    from textual.widgets import DataTable as Table

    from vpp_tui.i18n import set_language

    app = make_app()
    try:
        async with app.run_test(size=SIZE_40) as pilot:
            await settle(pilot)
            english = [str(c.label) for c in app.screen.query_one(Table).columns.values()]
            await pilot.press("9")
            await settle(pilot)
            settings_en = [str(c.label) for c in app.screen.query_one(Table).columns.values()]
            await pilot.press("l")  # English → Français
            await app.workers.wait_for_complete()
            await settle(pilot)
            await pilot.press("1")
            await settle(pilot)
            french = [str(c.label) for c in app.screen.query_one(Table).columns.values()]
            assert french != english and "État" in french
            await pilot.press("9")  # Settings, shown during the switch, is built again
            await settle(pilot)
            settings_fr = [str(c.label) for c in app.screen.query_one(Table).columns.values()]
            assert settings_fr != settings_en
    finally:
        set_language("en")


async def test_language_switch_retranslates_token_reasons_advice_and_section_keys(
        demo, demo_app):
    """Fault: after `l` (en → fr → en), a token's invalid reason and the Tokens advice
    kept the language of the last read, and the section keys in help (F1) and the
    palette kept the start-up language: texts translated when read, not when shown."""
    from textual.widgets import DataTable as Table
    from textual.widgets import Static

    from tests.ui.conftest import select_token
    from vpp_tui.i18n import set_language
    from vpp_tui.ui.providers import palette_entries

    def seen(app) -> tuple[str, str, list[str], list[str]]:  # noqa: ANN001
        table = app.screen.query_one("#tokens-table", Table)
        reason = str(table.get_cell("Library", table.ordered_columns[0].key))
        advice = str(app.screen.query_one("#tokens-advice", Static).render())
        keys = [c.label for c in app.global_commands() if c.id.startswith("section.")]
        palette = [e.title for e in palette_entries(app, "tokens") if e.mode is None]
        return reason, advice, keys, palette

    async def to_tokens(pilot) -> tuple[str, str, list[str], list[str]]:  # noqa: ANN001
        await pilot.press("1")
        await settle(pilot)
        await select_token(pilot, "Library")
        await settle(pilot)
        return seen(pilot.app)

    async def press_l(pilot, times: int) -> None:  # noqa: ANN001
        await pilot.press("9")
        await settle(pilot)
        for _n in range(times):
            await pilot.press("l")
            await pilot.app.workers.wait_for_complete()
            await settle(pilot)

    app = demo_app()
    try:
        async with app.run_test(size=SIZE_40) as pilot:
            await settle(pilot)
            english = await to_tokens(pilot)
            await press_l(pilot, 1)  # English → Français
            french = await to_tokens(pilot)
            await press_l(pilot, 2)  # → 简体中文 → English
            again = await to_tokens(pilot)
            assert "révoqué" in french[0] and "revoked" not in french[0]
            assert "Apple revoked" not in french[1]
            assert "Jetons" in french[2] and any("Jetons" in t for t in french[3])
            assert again == english
    finally:
        set_language("en")
