"""Fault (breaker4): a paste of 60,000 characters in a section's `/` box reached SQLite's
LIKE ("LIKE or GLOB pattern too complex") as a traceback. The filter boxes hold at most
`store.text_match.FILTER_LIMIT` characters: a longer paste is refused whole, the box is
left as it was, and one line says why."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.ui.conftest import SIZE, settle
from tests.ui.test_directory_details import open_directory
from vpp_tui.store.text_match import FILTER_LIMIT
from vpp_tui.ui.widgets.inputs import FilterField


async def test_a_paste_longer_than_the_filter_limit_is_refused_with_one_line(
        demo, demo_app) -> None:  # noqa: ANN001
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        section = await open_directory(pilot, "users")
        shown = section.query_one("#directory-users", DataTable).row_count
        await pilot.press("slash", "z")
        box = section.query_one("#directory-filter", FilterField)
        assert box.max_length == FILTER_LIMIT
        box.insert_text_at_cursor("A" * 60_000)  # what a terminal's paste does
        await settle(pilot)
        assert box.value == "z"
        notes = [str(n.message) for n in app._notifications]
        assert len(notes) == 1 and "\n" not in notes[0]
        assert f"at most {FILTER_LIMIT} characters" in notes[0]
        # Up to the limit the box takes the text and the query runs (no rows hold it).
        box.value = ""
        box.insert_text_at_cursor("Q" * FILTER_LIMIT)
        await settle(pilot)
        assert len(box.value) == FILTER_LIMIT
        assert section.query_one("#directory-users", DataTable).row_count == 0
        assert shown > 0
