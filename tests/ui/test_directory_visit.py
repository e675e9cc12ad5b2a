"""A first visit to Directory and to Assignments at an enterprise's size (issue 13: 290-320
ms of CPU at 50k users and 2,000 assignments; target about 100): the work each does is
counted here (tables built, rows built, counts read, cells drawn), never timed."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from tests.ui.conftest import SIZE, settle
from vpp_tui.ui.sections import directory


async def test_a_first_visit_to_directory_built_the_tables_of_its_hidden_tabs(demo_app):
    # Fault: the devices and groups tables were built, styled part by part and given
    # their columns before the users tab showed; they are built when first shown.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert [t.id for t in app.screen.query(DataTable)] == ["directory-users"]
        app.screen.query_one(TabbedContent).active = "tab-groups"
        await settle(pilot)
        groups = app.screen.query_one("#directory-groups", DataTable)
        assert groups.row_count == 14 and len(groups.columns) == 3
        assert "rows 1–14 of 14" in str(app.screen.query_one("#directory-status").render())


async def test_a_page_of_directory_held_more_rows_than_a_screen(demo_app):
    # Fault: every page held 200 rows, each prepared, measured and added to the table,
    # on a screen that shows about 30; a page is a screen's worth (at least MIN_PAGE).
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        users = app.screen.query_one("#directory-users", DataTable)
        assert users.row_count == directory.MIN_PAGE
        await pilot.press("n")
        await settle(pilot)
        assert "rows 51–100 of 600" in str(app.screen.query_one("#directory-status").render())


async def test_a_first_visit_to_directory_counted_the_users_twice(demo_app, monkeypatch):
    # Fault: the directory's counts (users, devices, groups) and the users page each
    # counted every user; the page now takes the count just read.
    asked: list[int | None] = []
    real = directory.LISTS["users"]
    monkeypatch.setitem(directory.LISTS, "users", lambda ctx, **kw: (
        asked.append(kw.get("known_total")), real(ctx, **kw))[1])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert asked == [600]


async def test_a_first_visit_restyled_the_whole_section_for_the_terminals_size(
        demo_app, monkeypatch):
    # Fault: Textual gives a screen its size classes (-wide, -tall) on its first Resize,
    # which restyled every widget of a section styled a moment before as it mounted.
    from textual.dom import DOMNode

    from vpp_tui.ui.sections.base import SectionScreen

    restyled: list[str] = []
    real = DOMNode.update_node_styles

    def counting(self, animate: bool = True) -> None:  # noqa: ANN001
        if isinstance(self, SectionScreen):
            restyled.append(self.MODE)
        real(self, animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", counting)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("6", "4"):
            await pilot.press(key)
            await settle(pilot)
        assert app.screen.has_class("-wide") and app.screen.has_class("-tall")
        assert restyled == []


async def test_a_first_visit_rebuilt_the_footer_when_its_first_rows_came(demo_app):
    # Fault: the rows came from a worker a frame after the first paint; the footer was
    # built without the page keys, then built again with them. The first page is read
    # before the first paint, and the footer composes its keys in its first compose
    # (page keys it will show later too, hidden): it is never rebuilt on a first visit.
    from vpp_tui.ui.widgets.footer import SectionFooter

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("6", "4"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.query_one(SectionFooter).recomposed == 0, key


async def test_a_page_change_in_assignments_counted_every_assignment_again(
        demo, demo_app, monkeypatch):
    # Fault: each page change in Assignments counted every assignment (a COUNT over the
    # four-table join) though only the offset moved; the count shown stands.
    from vpp_tui.services import licensing
    from vpp_tui.ui.sections import assignments

    licensing.apply_assign(demo[0], "Field Notes", "Exam iPads", "required", "device",
                           token="North Campus")
    licensing.apply_assign(demo[0], "Mind Map", "Teachers", "required", "user",
                           token="North Campus")
    asked: list[int | None] = []
    real = assignments.list_assignments
    monkeypatch.setattr(assignments, "list_assignments", lambda ctx, **kw: (
        asked.append(kw.get("known_total")), real(ctx, **kw))[1])
    monkeypatch.setattr(assignments.AssignmentsSection, "PAGE_SIZE", 1)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        total = app.screen.row_total
        assert total == 2 and app.screen.query_one(DataTable).row_count == 1
        await pilot.press("n")
        await settle(pilot)
        assert asked == [None, total]
        assert app.screen.page_offset == 1
