"""Fault: at 80 columns the Apps header's "sorted by …" was cut off."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tests.ui.conftest import settle
from vpp_tui.i18n import _, set_language


@pytest.mark.parametrize("lang", ["en", "fr", "zh_CN"])
async def test_apps_header_sorted_by_is_whole_at_80_columns(demo_app, lang):
    set_language(lang)
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        count = app.screen.query_one("#catalog-count")
        text = str(count.render())
        # Every cell of the text has room in the label as laid out (it wraps or fits).
        assert cell_len(text) <= count.size.width * count.size.height, (text, count.size)
        bar = count.parent.region
        assert count.region.right <= bar.right and count.region.bottom <= bar.bottom, (
            count.region, bar)
        assert _("name") in text
