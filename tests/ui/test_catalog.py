"""Apps and eBooks: rows paged and filtered in SQL, details, assign and revoke via review."""

from __future__ import annotations

from textual.widgets import DataTable, Label, OptionList

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import licensing
from vpp_tui.ui.screens.asset_details import AssetDetailsScreen
from vpp_tui.ui.screens.assign_form import AssignForm
from vpp_tui.ui.screens.license_review import LicenseReviewScreen
from vpp_tui.ui.sections.catalog.section import CatalogSection


def rows(app) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(v.name, v.token) for v in app.screen.views]


def status(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#catalog-count", Label).render())


async def select_row(pilot, name: str, token: str) -> None:  # noqa: ANN001
    table = pilot.app.screen.query_one(DataTable)
    table.focus()
    table.move_cursor(row=rows(pilot.app).index((name, token)), animate=False)
    await pilot.pause()


async def open_review_field_notes(pilot) -> None:  # noqa: ANN001
    """Apps → Field Notes (North Campus) → a → Exam iPads, Required, device → review."""
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await select_row(pilot, "Field Notes", "North Campus")
    await pilot.press("a")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, AssignForm)
    groups = form.query_one("#assign-groups", OptionList)
    groups.highlighted = [g.name for g in form.groups].index("Exam iPads")
    await pilot.pause()
    await pilot.press("enter", "enter", "enter")  # Group → Intent → License type → review
    await settle(pilot)


async def test_apps_lists_one_row_per_item_per_token(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert ("Field Notes", "North Campus") in rows(app)
        assert ("Field Notes", "South Campus") in rows(app)
        assert "rows 1–31 of 31" in status(app)


async def test_filter_and_token_narrow_the_rows_in_sql(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash", *"field")
        await settle(pilot)
        assert sorted(rows(app)) == [("Field Notes", "North Campus"),
                                     ("Field Notes", "South Campus")]
        await pilot.press("enter", "t")
        await settle(pilot)
        assert rows(app) == [("Field Notes", "North Campus")]
        await pilot.press("escape")
        await settle(pilot)
        assert len(rows(app)) == 31


async def test_pages_move_by_page_size_and_say_where_they_are(demo, demo_app, monkeypatch):
    monkeypatch.setattr(CatalogSection, "PAGE_SIZE", 10)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "rows 1–10 of 31" in status(app)
        first = rows(app)
        await pilot.press("n", "n", "n")
        await settle(pilot)
        assert "rows 31–31 of 31" in status(app)
        await pilot.press("n")  # no page after the last
        await settle(pilot)
        assert "rows 31–31 of 31" in status(app)
        await pilot.press("p", "p", "p")
        await settle(pilot)
        assert rows(app) == first


async def test_o_cycles_the_sort_and_availability_puts_scarcest_first(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert "availability" in status(app)
        assert app.screen.views[0].available == 0


async def test_enter_shows_holders_and_failures_of_the_item(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await select_row(pilot, "Exam Lockdown", "North Campus")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AssetDetailsScreen)
        assert app.screen.report.used == 500


async def test_assign_review_apply_licenses_the_first_100_and_waitlists_400(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review_field_notes(pilot)
        assert isinstance(app.screen, LicenseReviewScreen)
        assert app.screen.preview.plan.licensed == 100
        await pilot.press("v")  # the ordered member list, then back: enter still applies
        await settle(pilot)
        assert app.screen.query_one("#review-members").display
        await pilot.press("v", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, LicenseReviewScreen)
        report = licensing.licenses(ctx, "Field Notes", "North Campus")
        assert report.used == 100 and len(report.holders) == 100
        assert sum(f.status == "waitlisted" for f in report.failures) == 400
        assert any("100 licensed" in str(n.message) for n in app._notifications)


async def test_escape_on_the_review_changes_nothing(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review_field_notes(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert licensing.licenses(ctx, "Field Notes", "North Campus").used == 0


async def test_v_revokes_every_license_of_the_app_after_a_preview(demo, demo_app):
    ctx, _sim = demo
    licensing.apply_assign(ctx, "Field Notes", "Exam iPads", "required", "device",
                           token="North Campus")
    before = {h.member for h in licensing.licenses(ctx, "Field Notes", "North Campus").holders}
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await select_row(pilot, "Field Notes", "North Campus")
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, LicenseReviewScreen)
        assert app.screen.preview.plan.reclaimed == 100
        await pilot.press("enter")
        await settle(pilot)
    # Every license was revoked, and the freed ones went to the next 100 waiting.
    report = licensing.licenses(ctx, "Field Notes", "North Campus")
    assert report.used == 100 and not before & {h.member for h in report.holders}
    assert sum(1 for f in report.failures if f.status == "waitlisted") == 300


async def test_ebooks_offer_no_revoke_and_say_books_are_irrevocable(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert "irrevocable" in status(app)
        assert len(rows(app)) == 10
        await pilot.press("v")
        await settle(pilot)
        assert not isinstance(app.screen, LicenseReviewScreen)
