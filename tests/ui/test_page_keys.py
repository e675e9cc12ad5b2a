"""Fault: Activity with one page of rows showed "p previous page" (in English under fr) and,
in zh_CN, both n and p though there was no other page. Page keys show only when there is
another page to go to, translated."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.ui.conftest import SIZE, settle
from vpp_tui.i18n import _, set_language
from vpp_tui.services import settings


def footer_keys(app) -> dict[str, str]:  # noqa: ANN001
    """{key: label} of the footer keys shown (not greyed out of sight)."""
    return {k.key: k.description for k in app.screen.query(FooterKey)
            if k.display and not k.has_class("-command-palette")}


@pytest.mark.parametrize("lang", ["en", "fr", "zh_CN"])
async def test_activity_page_keys_show_only_when_there_is_another_page(make_app, ctx, lang):
    for value in range(10):
        settings.set_setting(ctx, "sync_interval_hours", value + 1)
    set_language(lang)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        keys = footer_keys(app)
        assert "n" not in keys and "p" not in keys, keys
        for label in keys.values():
            assert label == _(label) or lang == "en"


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_activity_page_keys_show_translated_when_there_are_pages(make_app, ctx, size):
    for value in range(150):
        settings.set_setting(ctx, "sync_interval_hours", value + 1)
        ctx.clock.advance(1)
    set_language("fr")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("7")
        await settle(pilot)
        keys = footer_keys(app)
        assert keys.get("n") == "page suivante" and "p" not in keys, keys
        await pilot.press("n")
        await settle(pilot)
        keys = footer_keys(app)
        assert keys.get("p") == "page précédente" and "n" not in keys, keys
