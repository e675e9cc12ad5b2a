"""The shell: sections by number key, help, palette, theme persistence, quitting, errors."""

from __future__ import annotations

from sqlalchemy import text
from textual.binding import Binding
from textual.widgets import DataTable

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import settings
from vpp_tui.ui.app import VppApp, section_classes
from vpp_tui.ui.commands import sections
from vpp_tui.ui.screens.confirm import ConfirmScreen
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.screens.help import HelpScreen
from vpp_tui.ui.sections.base import SectionScreen


async def test_number_keys_walk_every_section_in_order(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for section in reversed(sections()):
            await pilot.press(str(section.number))
            await settle(pilot)
            assert app.current_mode == section.mode
            assert isinstance(app.screen, SectionScreen)
            assert app.screen.MODE == section.mode


async def test_console_opens_on_tokens(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "tokens"


async def test_f1_and_question_mark_open_help_listing_the_screens_own_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            table = app.screen.query_one(DataTable)
            rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
            assert ["ctrl+r r", "refresh", "Read the newest entries again"] in rows
            assert any(row[0] == "ctrl+q" for row in rows)
            await pilot.press("escape")
            await pilot.pause()
            assert app.current_mode == "activity"
            assert not isinstance(app.screen, HelpScreen)


async def test_number_keys_do_nothing_while_a_dialog_is_open(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.current_mode == "tokens"


async def test_palette_goes_to_a_section_by_name(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Directory")
        # The palette searches in the background: wait for its best hit, not a fixed time.
        from textual.command import CommandList

        for _ in range(100):
            await pilot.pause(0.05)
            hits = app.screen.query_one(CommandList)
            if hits.option_count and hits.highlighted is not None and "Directory" in str(
                    hits.get_option_at_index(hits.highlighted).prompt):
                break
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "directory"


async def test_palette_runs_the_current_sections_actions(make_app, ctx):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        settings.set_setting(ctx, "sync_interval_hours", 6)  # a new entry to refresh into view
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"refresh")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert str(table.get_row_at(0)[2]) == "setting.set"


async def test_theme_choice_is_saved_and_restored_by_the_next_console(ctx):
    first = VppApp(ctx, cursor_blink=False)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first.theme = "nord"
        await settle(pilot)
    assert settings.get_setting(ctx, "theme") == "nord"

    second = VppApp(ctx, cursor_blink=False)
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert second.theme == "nord"


async def test_loading_the_saved_theme_writes_nothing(make_app, ctx):
    settings.set_setting(ctx, "theme", "gruvbox")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"
    from vpp_tui.services import audit

    assert audit.count_entries(ctx) == 1


async def test_ctrl_q_quits_and_cancels_running_work(make_app, ctx):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert ctx.cancel.is_set()


async def test_a_failing_worker_opens_an_error_modal_and_the_console_lives_on(make_app, ctx):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        with ctx.store.engine.begin() as conn:
            conn.execute(text("DROP TABLE audit_entries"))
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "activity"
        assert not isinstance(app.screen, ErrorScreen)


def _own_bindings(cls: type) -> list[Binding]:
    """Bindings the console declares (Textual's own tab/shift+tab are not ours to name)."""
    return [b for klass in cls.__mro__ if klass.__module__.startswith("vpp_tui")
            for b in klass.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


def test_every_binding_has_an_id_so_keymaps_can_rebind_it():
    classes = [VppApp, HelpScreen, ConfirmScreen, ErrorScreen, *section_classes().values()]
    for cls in classes:
        for binding in _own_bindings(cls):
            assert binding.id, f"{cls.__name__} binds {binding.key} without an id"


async def test_confirm_dialog_answers_yes_with_y_and_no_with_n_or_escape(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, expected in (("y", True), ("n", False), ("escape", False)):
            answers: list[bool | None] = []
            app.push_screen(ConfirmScreen("Delete?", "Deletes it."), answers.append)
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            assert answers == [expected]


async def test_section_bar_fits_an_80_column_terminal_naming_the_current_section(make_app):
    from vpp_tui.ui.widgets.header import SectionBar

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for section in sections():
            await pilot.press(str(section.number))
            await settle(pilot)
            bar = app.screen.query_one(SectionBar)
            shown = bar.render()
            assert shown.cell_length <= bar.content_size.width, section.mode
            assert f" {section.number} {section.title} " in shown.plain
            for other in sections():  # every number key stays visible
                assert f" {other.number}" in shown.plain
