"""The console in French and Chinese at 120×40 (issue 15): Tokens, Apps, the add wizard,
the assign review, Prompts and help. Reviewed by eye: nothing cut, columns aligned with
double-width CJK text, the footer's keys translated."""

from __future__ import annotations

import pytest

from tests.ui import test_snapshots_tokens as tokens_snapshots
from tests.ui.conftest import settle
from tests.ui.test_catalog import open_review_field_notes
from vpp_tui.i18n import set_language
from vpp_tui.services import demo as demo_service

SIZE = (120, 40)


@pytest.fixture(params=["fr", "zh_CN"])
def lang(request: pytest.FixtureRequest) -> str:
    set_language(request.param)  # the conftest puts English back after the test
    return request.param


def goto(*keys: str):  # noqa: ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


class TestLanguages:
    def test_tokens(self, lang, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto())

    def test_apps(self, lang, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("2"))

    def test_add_wizard_review(self, lang, snap_compare, demo_app, demo,  # noqa: ANN001
                               tmp_path):
        keys = (*tokens_snapshots.TestAddTokenWizard().basics(demo, tmp_path), "enter", "tab", "tab", "tab",
                "tab", "space", "enter", *"North", "enter")
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=tokens_snapshots.steps(*keys))

    def test_assign_review(self, lang, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=open_review_field_notes)

    def test_prompts(self, lang, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("5"))

    def test_help(self, lang, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("f1"))

    def test_expiry_timeline(self, lang, snap_compare, demo_app):  # noqa: ANN001
        """plotext lays text out one character per cell: CJK labels must not push the
        frame (`charts.grid_text`)."""
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("t"))

    def test_reconcile(self, lang, snap_compare, demo, demo_app):  # noqa: ANN001
        demo_service.add_intent(demo[0])
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("0"))


class TestLanguagesAt80x24:
    """80×24 in French and Chinese: the section tabs readable (no title cut to one
    character), the Apps header's "sorted by" line whole."""

    def test_tokens(self, lang, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=goto())

    def test_apps(self, lang, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=goto("2"))
