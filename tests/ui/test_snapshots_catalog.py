"""What Apps, eBooks, an item's details and the assign review look like at 120×34 (demo)."""

from __future__ import annotations

from tests.ui.conftest import SIZE, settle
from tests.ui.test_catalog import open_review_field_notes, select_row


def goto(key: str, then=None):  # noqa: ANN001, ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)

    return run_before


class TestCatalog:
    def test_apps(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("2"))

    def test_ebooks(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("3"))

    def test_asset_details(self, snap_compare, demo_app):  # noqa: ANN001
        async def details(pilot) -> None:  # noqa: ANN001
            await select_row(pilot, "Exam Lockdown", "North Campus")
            await pilot.press("enter")

        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("2", details))


class TestReview:
    def test_assign_field_notes_to_exam_ipads(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=open_review_field_notes)


class TestOtherSections:
    def test_assignments_after_one_assignment(self, snap_compare, demo, demo_app):  # noqa: ANN001
        from vpp_tui.services import licensing

        licensing.apply_assign(demo[0], "Field Notes", "Exam iPads", "required", "device",
                               token="North Campus")
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("4"))

    def test_prompts(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("5"))

    def test_directory(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=goto("6"))
