"""Fault: at 80×24 in fr and zh_CN the section tabs shrank to one character ("2 应 3 电"):
every other section keeps a title of at least 3 characters (or its whole title)."""

from __future__ import annotations

import re

import pytest

from tests.ui.conftest import settle
from vpp_tui.i18n import set_language
from vpp_tui.ui.commands import sections


@pytest.mark.parametrize("lang", ["en", "fr", "zh_CN"])
async def test_section_tabs_at_80_columns_are_readable_in_every_language(demo_app, lang):
    set_language(lang)
    titles = {str(s.number): s.title for s in sections()}
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("1", "2"):
            await pilot.press(key)
            await settle(pilot)
            bar = app.screen.query_one("#section-bar").render().plain
            shown = dict(re.findall(r"(\d) (\S+)", bar))
            assert shown[key] == titles[key], bar  # the current one in full
            for number, title in shown.items():
                assert title == titles[number][:len(title)], bar
                assert len(title) >= min(3, len(titles[number])), bar
            assert len(shown) == 10, bar
