"""Issue 11, "Book editions look identical": the lists, the panel and the review say which."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.ui.conftest import SIZE, settle
from tests.ui.test_license_review import text_of
from vpp_tui.services import licensing
from vpp_tui.ui.screens.license_review import title_of

HANDBOOK = "The Young Scientist's Handbook"


async def test_two_editions_of_one_book_look_identical_in_ebooks(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        edition = [c.key.value for c in table.ordered_columns].index("edition")
        shown = [(str(row[0]), str(row[edition]), str(row[1]))
                 for row in map(table.get_row_at, range(table.row_count))
                 if str(row[0]) == HANDBOOK]
        assert sorted(shown) == [(HANDBOOK, "Plus (extras)", "North Campus"),
                                 (HANDBOOK, "Standard", "North Campus")]
        plus = next(i for i in range(table.row_count)
                    if str(table.get_row_at(i)[edition]) == "Plus (extras)")
        table.move_cursor(row=plus, animate=False)
        await settle(pilot)
        panel = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "edition: Plus (extras)" in panel


def test_the_review_of_a_book_names_its_edition(demo):
    ctx, _sim = demo
    preview = licensing.plan_assign(ctx, "1590000201:PLUS", "Science Staff", "available",
                                    "user", token="North Campus")
    assert "Plus (extras)" in title_of(preview)
    assert "will see" in text_of(preview)
