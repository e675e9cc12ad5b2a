"""What the directory details look like at 120×40 (demo): a user, a device, a group."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.test_directory_details import BOOK_AND_APP, EXAM_IPAD, open_directory, select

SIZE_120x40 = (120, 40)


def details(tab: str, key: str):  # noqa: ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        section = await open_directory(pilot, tab)
        await select(pilot, section, tab, key)
        await pilot.press("enter")
        await settle(pilot)

    return run_before


class TestDirectoryDetails:
    def test_user(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE_120x40,
                            run_before=details("users", BOOK_AND_APP))

    def test_device(self, snap_compare, demo, demo_app):  # noqa: ANN001
        from vpp_tui.services import licensing

        licensing.apply_assign(demo[0], "Field Notes", "Exam iPads", "required", "device",
                               token="North Campus")
        assert snap_compare(demo_app(), terminal_size=SIZE_120x40,
                            run_before=details("devices", EXAM_IPAD))

    def test_group(self, snap_compare, demo, demo_app):  # noqa: ANN001
        from vpp_tui.services import licensing

        licensing.apply_assign(demo[0], "Mind Map", "Teachers", "required", "user",
                               token="North Campus")
        assert snap_compare(demo_app(), terminal_size=SIZE_120x40,
                            run_before=details("groups", "Teachers"))
