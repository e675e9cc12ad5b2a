"""Frames a section switch or a page of rows waits for (issue 13): counted, never timed.

Textual's `switch_mode` held every frame of a switch for a 50 ms timer, so a return to a
built section (12 ms of work) showed after 56 ms; a table's first page of rows took two
layouts more (its scrollbar), a frame each."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from tests.ui.conftest import SIZE, settle, shown_footer_keys
from vpp_tui.ui.widgets.footer import SectionFooter
from vpp_tui.ui.widgets.row_table import RowTable


async def resumed(app) -> None:  # noqa: ANN001
    """Return once the current screen has handled what is queued to it now (the
    ScreenResume a switch posted, and on a first visit its compose and mount before)."""
    handled = asyncio.get_running_loop().create_future()
    app.screen.call_later(handled.set_result, None)
    await handled


async def test_a_return_to_a_section_paints_once_it_has_resumed(demo_app):
    # Fault: the switch's frames were held until a 50 ms timer (Textual's delay_update).
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        app.action_switch_section("apps")  # built already: a return
        assert app._batch_count == 1  # the old screen stays until the new one resumed
        await resumed(app)
        assert app._batch_count == 0
        assert not [t for t in app._timers if t.name == "delay_update" and t._active.is_set()
                    and t._task is not None and not t._task.done()]


async def test_a_first_visit_paints_the_section_composed_never_a_blank_screen(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_switch_section("settings")  # never shown: built now
        assert app._batch_count == 1
        assert not app.screen.is_mounted  # nothing of it may be painted yet
        await resumed(app)
        assert app.screen.is_mounted
        assert app.screen.query_one("#settings-table")  # composed: header, table, footer
        await app.screen.loaded()
        await resumed(app)
        assert app._batch_count == 0  # painted with its first rows, not a timer later
        assert app.screen.query_one("#settings-table").row_count


class OneTable(App[None]):
    CSS = "RowTable { height: 1fr; }"  # as the sections' tables (app.tcss)

    def compose(self) -> ComposeResult:
        yield RowTable(id="t")


async def test_a_first_page_of_rows_takes_one_layout_with_its_scrollbar():
    # Fault: the rows' layout showed the vertical scrollbar, whose first size asked for a
    # second layout (and a repaint after it): two frames after the rows.
    app = OneTable()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(RowTable)
        table.add_columns("name", "value")
        await pilot.pause()
        await pilot.pause()
        layouts = 0
        real = app.screen._refresh_layout

        def counted(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
            nonlocal layouts
            layouts += 1
            real(*args, **kwargs)

        app.screen._refresh_layout = counted
        table.add_rows([(f"row {i}", str(i)) for i in range(100)])
        for _ in range(6):
            await pilot.pause()
        assert table.show_vertical_scrollbar
        assert table.vertical_scrollbar.window_virtual_size == 101
        assert layouts == 1


async def test_a_key_a_page_shows_is_fitted_before_the_next_frame(demo_app):
    # Fault: the footer compared its keys after the page's frame, and a key shown then
    # (never laid out: "previous page") was measured after one more: two frames more.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        footer = app.screen.query_one(SectionFooter)
        assert "page(-1)" not in shown_footer_keys(footer)
        after_a_frame: list[str] = []
        real = footer.call_after_refresh

        def spy(callback, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            after_a_frame.append(callback.__name__)
            return real(callback, *args, **kwargs)

        footer.call_after_refresh = spy
        await pilot.press("n")
        await settle(pilot)
        assert "page(-1)" in shown_footer_keys(footer)
        assert after_a_frame == []
