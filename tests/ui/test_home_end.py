"""Home and End in the console's tables go to the first and last row (`RowTable`), never
sideways: the Tokens list reads the rest to reach its last token; a list paged with n/p
goes to the first/last row of the page shown."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.ui.conftest import settle, table_keys
from tests.ui.test_tokens_paging import PAGE, grow
from vpp_tui.services import tokens

NARROW = (80, 24)  # rows wider than the screen: a sideways scroll would show


async def test_tokens_table_end_goes_to_the_last_token_and_home_to_the_first(
        demo_app, demo) -> None:
    """Fault: End in the Tokens table scrolled it sideways; the cursor stayed put."""
    ctx, _sim = demo
    grow(ctx, 150)
    app = demo_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#tokens-table", DataTable)
        assert len(table_keys(app)) < 150
        await pilot.press("end")
        await settle(pilot)
        names = [v.name for v in tokens.list_tokens(ctx)]
        assert table_keys(app) == names  # every token read, in the triage order
        assert table.cursor_row == len(names) - 1 and table.scroll_x == 0
        await pilot.press("home")
        await settle(pilot)
        assert table.cursor_row == 0 and table.scroll_x == 0
        assert len(table_keys(app)) >= PAGE


@pytest.mark.parametrize("mode", ["apps", "ebooks", "directory", "activity",
                                  "settings", "reconcile"])
async def test_end_and_home_move_the_cursor_in_every_section_table(
        demo_app, mode) -> None:
    """Fault: End/Home scrolled every section's table sideways (Textual's scroll_end and
    scroll_home) instead of going to the last/first row."""
    app = demo_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await app.switch_mode(mode)
        await settle(pilot)
        table = app.screen.focused
        assert isinstance(table, DataTable), (mode, table)
        assert table.row_count > 1, mode
        await pilot.press("end")
        await settle(pilot)
        assert (table.cursor_row, table.scroll_x) == (table.row_count - 1, 0), mode
        await pilot.press("home")
        await settle(pilot)
        assert (table.cursor_row, table.scroll_x) == (0, 0), mode


async def test_end_in_the_jobs_list_goes_to_its_last_row(ctx, make_app) -> None:
    from tests.ui.test_jobs_screen import add_jobs

    add_jobs(ctx)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        table = app.screen.query_one("#jobs-table", DataTable)
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor_row == table.row_count - 1 == 3
        await pilot.press("home")
        assert table.cursor_row == 0
