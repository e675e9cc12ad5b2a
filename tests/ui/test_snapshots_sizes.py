"""Issue 11 "Small terminals": the main screens at 80×24 and 120×40 (demo world).

Nothing essential may be cut: the Prompts matrix keeps its rows, dialogs keep their key
hints, the footer names each key once, columns and help descriptions stay readable.
"""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from tests.ui.conftest import settle
from tests.ui.test_snapshots_tokens import steps

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def keys(*pressed: str):  # noqa: ANN201
    return steps(*pressed)


async def assign_form(pilot) -> None:  # noqa: ANN001
    """Apps → Field Notes (North Campus) → a, on the Exam iPads group."""
    from tests.ui.test_catalog import select_row

    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await select_row(pilot, "Field Notes", "North Campus")
    await pilot.press("a")
    await settle(pilot)
    form = pilot.app.screen
    form.query_one("#assign-groups", OptionList).highlighted = [
        g.name for g in form.groups].index("Exam iPads")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
class TestSizes:
    def test_tokens(self, snap_compare, demo_app, size):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=size, run_before=keys())

    def test_apps(self, snap_compare, demo_app, size):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=size, run_before=keys("2"))

    def test_prompts(self, snap_compare, demo_app, size):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=size, run_before=keys("5"))

    def test_add_wizard(self, snap_compare, demo_app, size):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=size, run_before=keys("a"))

    def test_assign_form(self, snap_compare, demo_app, size):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=size, run_before=assign_form)

    def test_help(self, snap_compare, demo_app, size):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=size, run_before=keys("2", "f1"))
