"""Reconcile at 120×40: every class with its count, the rows of one class."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.ui.conftest import settle
from vpp_tui.services import demo as demo_service

TALL = (120, 40)


class TestReconcile:
    def test_reconcile_classes_and_rows(self, snap_compare, demo, demo_app):  # noqa: ANN001
        demo_service.add_intent(demo[0])

        async def run_before(pilot) -> None:  # noqa: ANN001
            await settle(pilot)
            await pilot.press("0")
            await settle(pilot)
            screen = pilot.app.screen
            table = screen.query_one("#reconcile-classes", DataTable)
            table.move_cursor(row=screen.class_names.index("departed_user"), animate=False)
            await settle(pilot)

        assert snap_compare(demo_app(), terminal_size=TALL, run_before=run_before)
