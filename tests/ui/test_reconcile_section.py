"""Reconcile (key 0): classes and counts, drill down, reclaim through the review, export."""

from __future__ import annotations

import csv

from textual.widgets import DataTable

from tests.ui.conftest import settle
from vpp_tui.services import demo as demo_service
from vpp_tui.services.reconcile import COLUMNS, reconciliation_counts
from vpp_tui.simulator import discrepancies
from vpp_tui.ui.screens.license_review import LicenseReviewScreen, review_lines
from vpp_tui.ui.sections.reconcile.section import ReconcileSection

TALL = (120, 40)


async def _open(pilot, name: str | None = None) -> ReconcileSection:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("0")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReconcileSection)
    if name is not None:
        table = screen.query_one("#reconcile-classes", DataTable)
        table.move_cursor(row=screen.class_names.index(name), animate=False)
        await settle(pilot)
    return screen


async def test_reconcile_lists_classes_and_enter_drills_into_the_rows(demo, demo_app):
    ctx, _sim = demo
    demo_service.add_intent(ctx)
    app = demo_app()
    async with app.run_test(size=TALL) as pilot:
        screen = await _open(pilot, "foreign_client_user")
        counts = screen.query_one("#reconcile-classes", DataTable)
        assert [str(counts.get_cell(c, "count")) for c in screen.class_names] == [
            str(n) for n in reconciliation_counts(ctx).values()]
        await pilot.press("enter")
        await settle(pilot)
        rows = screen.query_one("#reconcile-rows", DataTable)
        assert rows.has_focus
        assert [str(rows.get_cell(k.value, "member")) for k in rows.rows] == list(
            discrepancies.FOREIGN_EMAILS)
        await pilot.press("escape")
        await settle(pilot)
        assert counts.has_focus


async def test_r_reclaims_the_class_through_the_review_and_the_job_bar(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=TALL) as pilot:
        await _open(pilot, "unmanaged_device")
        await pilot.press("r")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, LicenseReviewScreen)
        assert [m.member for m in review.preview.plan.members] == [
            discrepancies.UNKNOWN_SERIAL]
        assert review_lines(review.preview)
        await pilot.press("enter")
        await settle(pilot)
        assert reconciliation_counts(ctx)["unmanaged_device"] == 0
        section = app.screen
        assert isinstance(section, ReconcileSection)
        assert section.report is not None and section.report.counts["unmanaged_device"] == 0


async def test_x_exports_the_rows_of_the_class_and_says_where(demo, demo_app, tmp_path):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=TALL) as pilot:
        await _open(pilot, "foreign_client_user")
        await pilot.press("x")
        await settle(pilot)
        [written] = list(tmp_path.rglob("vpp-tui-reconcile-foreign_client_user-*.csv"))
        with written.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert tuple(rows[0]) == COLUMNS
        assert [r["member"] for r in rows] == list(discrepancies.FOREIGN_EMAILS)
        assert any(str(written) in str(n.message) for n in app._notifications)



def test_reclaim_review_says_a_retired_apple_users_person_stays_unlicensed(demo) -> None:
    """Fault: the review of a departed_user reclaim did not say that the person, still in
    an assigned group, is left without a license until the assignment is applied again."""
    from vpp_tui.services.reconcile.reclaim import review_reclaim

    ctx, _sim = demo
    demo_service.add_intent(ctx)
    text = "\n".join(line.plain for line in review_lines(review_reclaim(ctx, ["departed_user"])))
    assert "Teachers" in text and "vpp-tui assign" in text


async def test_reconcile_rows_show_member_kind_and_edition_as_labels_not_raw_codes(
        demo, demo_app):
    """Fault: rows showed `device` / `user` and Apple's `STDQ` as stored."""
    from vpp_tui.domain.labels import edition_label, member_kind_label

    app = demo_app()
    async with app.run_test(size=TALL) as pilot:
        screen = await _open(pilot, "unmanaged_device")
        rows = screen.query_one("#reconcile-rows", DataTable)
        kinds = {str(rows.get_cell(k.value, "kind")) for k in rows.rows}
        editions = {str(rows.get_cell(k.value, "edition")) for k in rows.rows}
        assert kinds == {member_kind_label("device")} == {"Device"}
        assert editions and editions <= {edition_label("STDQ"), edition_label("PLUS")}
        assert not editions & {"STDQ", "PLUS"}
