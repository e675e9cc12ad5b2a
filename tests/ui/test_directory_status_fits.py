"""Fault (breaker3): at 80x24 in French the Directory status line cut its "· filtre : …"
part: the admin could not see which filter the rows obey."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Static

from tests.ui.conftest import settle
from vpp_tui.i18n import set_language


@pytest.mark.parametrize("lang", ["fr", "zh_CN"])
async def test_directory_status_filter_is_whole_at_80_columns(demo_app, lang):
    set_language(lang)
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("slash", *"ipads")
        await settle(pilot)
        line = app.screen.query_one("#directory-status", Static)
        text = str(line.render())
        assert text.endswith("ipads"), text
        # Every cell of the text has room in the line as laid out (it wraps or fits).
        room = line.content_size
        assert cell_len(text) <= room.width * room.height, (text, room)
