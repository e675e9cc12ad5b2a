"""Directory drill-down: Enter opens a user, device or group; esc returns with the cursor
kept; revoke by user or device goes through the review; `c` copies the invitation link."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import DataTable, Static, TabbedContent

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import licensing
from vpp_tui.services.access import admin
from vpp_tui.services.directory import details
from vpp_tui.ui.app import VppApp
from vpp_tui.ui.screens.directory import DirectoryDetailsScreen
from vpp_tui.ui.screens.license_review import LicenseReviewScreen, review_lines
from vpp_tui.ui.sections.directory import DirectorySection

BOOK_AND_APP = "carlos.rossi@contoso.edu"  # holds a book and an app, Registered at South
EXAM_IPAD = "0N26GK6TK8LL"  # Exam iPad 009: two device licenses


async def open_directory(pilot, tab: str = "users") -> DirectorySection:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    section = pilot.app.screen
    assert isinstance(section, DirectorySection)
    section.query_one(TabbedContent).active = f"tab-{tab}"
    await settle(pilot)
    return section


async def select(pilot, section: DirectorySection, tab: str, key: str) -> DataTable:  # noqa: ANN001
    """Filter the tab down to `key` and put the cursor on its row."""
    await pilot.press("slash", *key, "enter")
    await settle(pilot)
    table = section.query_one(f"#directory-{tab}", DataTable)
    keys = [str(r.value) for r in table.rows]
    table.focus()
    table.move_cursor(row=keys.index(key), animate=False)
    await pilot.pause()
    return table


async def open_details(pilot, tab: str, key: str) -> DirectoryDetailsScreen:  # noqa: ANN001
    section = await open_directory(pilot, tab)
    await select(pilot, section, tab, key)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DirectoryDetailsScreen)
    return screen


def text_of(screen, selector: str) -> str:  # noqa: ANN001
    return str(screen.query_one(selector, Static).render())


def cells(screen, table_id: str) -> list[list[str]]:  # noqa: ANN001
    table = screen.query_one(f"#details-{table_id}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_enter_on_a_user_opens_its_details(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "users", BOOK_AND_APP)
        assert (screen.kind, screen.member) == ("user", BOOK_AND_APP)
        assert "Students Grade 10" in text_of(screen, "#details-facts")
        items = {row[0] for row in cells(screen, "licenses")}
        assert items == {"Poems for Every Day", "Quiz Arena"}
        assert [row[2] for row in cells(screen, "apple")] == ["Registered"]


async def test_enter_on_a_device_opens_its_details_with_prompts(demo, demo_app):
    ctx, _sim = demo
    licensing.apply_assign(ctx, "Field Notes", "Exam iPads", "required", "device",
                           token="North Campus")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "devices", EXAM_IPAD)
        assert (screen.kind, screen.member) == ("device", EXAM_IPAD)
        assert "Exam iPad 009" in text_of(screen, "#details-facts")
        prompts = cells(screen, "prompts")
        assert [row[0] for row in prompts] == ["Field Notes"]
        assert "no invitation" in prompts[0][5] and "no install prompt" in prompts[0][5]


async def test_enter_on_a_group_opens_its_members_paged(demo, demo_app, monkeypatch):
    monkeypatch.setattr(DirectorySection, "PAGE_SIZE", 200)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "groups", "Exam iPads")
        assert (screen.kind, screen.member) == ("group", "Exam iPads")
        assert "rows 1–200 of 500" in text_of(screen, "#heading-members")
        await pilot.press("n")
        await settle(pilot)
        assert "rows 201–400 of 500" in text_of(screen, "#heading-members")
        assert cells(screen, "members")[0][0] == "201"


async def test_escape_returns_to_the_directory_with_the_cursor_kept(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        section = await open_directory(pilot, "users")
        table = section.query_one("#directory-users", DataTable)
        table.focus()
        table.move_cursor(row=7, animate=False)
        await pilot.pause()
        key = section.selected_key()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DirectoryDetailsScreen) and app.screen.member == key
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is section and table.cursor_row == 7
        assert section.selected_key() == key


async def test_revoke_by_user_goes_through_the_review_and_changes_the_ledger(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "users", BOOK_AND_APP)
        await pilot.press("r")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, LicenseReviewScreen)
        text = "\n".join(str(line) for line in review_lines(review.preview))
        assert "book licenses are never revoked" in text
        assert review.preview.plan.reclaimed == 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        # The details followed the store: only the book is left.
        assert [row[0] for row in cells(screen, "licenses")] == ["Poems for Every Day"]
    held = details.user_details(ctx, BOOK_AND_APP).licenses
    assert [(h.item, h.product_type) for h in held] == [("Poems for Every Day", "book")]


async def test_escape_on_the_revoke_review_changes_nothing(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "devices", EXAM_IPAD)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, LicenseReviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    assert len(details.device_details(ctx, EXAM_IPAD).licenses) == 2


async def test_revoke_by_device_from_details_reclaims_its_licenses(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, "devices", EXAM_IPAD)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, LicenseReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
    assert details.device_details(ctx, EXAM_IPAD).licenses == ()


async def test_revoke_is_greyed_and_refused_for_a_read_only_admin(demo):
    ctx, _sim = demo
    admin.grant(ctx, "rita", "Read only")
    app = VppApp(replace(ctx, actor="rita"), demo=True, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "users", BOOK_AND_APP)
        assert screen.check_action("revoke", ()) is None
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen
    assert len(details.user_details(ctx, BOOK_AND_APP).licenses) == 2


async def test_c_copies_the_invitation_link_with_a_notice(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "users", BOOK_AND_APP)
        link = screen.details.invitation
        assert link and "inviteCode=" in link
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == link
        assert any("Invitation link copied" in (n.title or "") for n in app._notifications)


async def test_store_text_is_shown_as_typed_not_as_markup(ctx, make_app):
    import json

    from vpp_tui.services import directory

    name = "[b]Bold[/b] \x1b[31mred"
    directory.import_directory(ctx, json.dumps({"users": [
        {"upn": "x@contoso.edu", "name": name}]}))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "users", "x@contoso.edu")
        facts = text_of(screen, "#details-facts")
        assert "[b]Bold[/b]" in facts and "\x1b" not in facts


async def test_the_palette_offers_revoke_from_user_details_and_not_from_a_group(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "users", BOOK_AND_APP)
        assert {c.action for c in screen.commands()} >= {"revoke", "copy_invitation"}
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")  # clears the filter of the Directory
        await settle(pilot)
        screen = await open_details(pilot, "groups", "Teachers")
        assert not {"revoke", "copy_invitation"} & {c.action for c in screen.commands()}


async def test_revoke_from_details_refreshes_apps_without_a_key_press(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # Apps is mounted: it follows the store from now on
        await settle(pilot)

        def used() -> int:
            apps = next(s for s in app.live_sections if getattr(s, "MODE", "") == "apps")
            return next(v.used for v in apps.views
                        if (v.name, v.token) == ("Exam Lockdown", "North Campus"))

        before = used()
        await open_details(pilot, "devices", EXAM_IPAD)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert used() == before - 1


async def test_f1_on_details_shows_their_keys(demo, demo_app):
    from vpp_tui.ui.screens.help import HelpScreen

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, "users", BOOK_AND_APP)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
