"""Breaker fault 11: the console learns of rows another admin (another process on the same
store) added.

Seen with two processes on one SQLite store: console on Directory (260 users), then
`vpp-tui directory import dir3.json` (+300 users) from a shell. The console kept
"Directory · 260 users … rows 1–200 of 260"; `n` showed page 2 with 200 rows under
"rows 201–260 of 260" and no next page (160 users unreachable); leaving the section and
coming back, esc, waiting 30 s changed nothing; a filter showed "260 users · rows 1–200 of
300 · filter: Late" on one line, and esc went back to the cached, stale first page.

Here "another process" is a service call on the app's store that posts no store change
event (as another process's commit); `test_console_two_processes` runs a real one.
"""

from __future__ import annotations

import json

import pytest

from tests.ui.conftest import SIZE, demo, demo_app, settle  # noqa: F401
from vpp_tui.services import directory
from vpp_tui.services.catalog.queries import list_users
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.ui.sections.directory import DirectorySection


def late_directory(n: int) -> dict:
    """The demo directory with `n` more users, named "Late i" (zz000@contoso.com…)."""
    doc = demo_directory()
    doc["users"] += [{"upn": f"zz{i:03d}@contoso.com", "name": f"Late {i}",
                      "managed_apple_id": None, "personal_apple_id": False,
                      "active": True} for i in range(n)]
    return doc


def import_elsewhere(app, n: int = 12) -> int:  # noqa: ANN001
    """Import `n` more users as another process would (no event reaches `app`); the
    number of users now."""
    directory.import_directory(app.ctx, json.dumps(late_directory(n)))
    return list_users(app.ctx, limit=None).total


def status(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#directory-status").render())


async def test_users_another_admin_added_can_be_paged_to(demo_app, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(DirectorySection, "PAGE_SIZE", 200)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        want = import_elsewhere(app)
        size = app.screen.page_size
        seen: set[str] = set()
        for _step in range(want // size + 3):
            table = app.screen.query_one("#directory-users")
            seen |= {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
            await pilot.press("n")
            await settle(pilot)
        assert len(seen) == want
        assert app.screen.totals["users"] == want
        assert f"{want} users" in status(app)


async def test_a_return_to_the_section_reads_what_changed(demo_app) -> None:  # noqa: F811
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        want = import_elsewhere(app)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert app.screen.totals["users"] == want
        assert f"{want} users" in status(app)


async def test_a_filter_and_esc_after_a_change_tell_one_truth(demo_app) -> None:  # noqa: F811
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        want = import_elsewhere(app)
        await pilot.press("slash", *"Late")
        await settle(pilot)
        # The directory's count beside the filter's: both read after the change.
        assert f"{want} users" in status(app)
        assert "of 12" in status(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.totals["users"] == want  # not the first page cached before
        assert f"{want} users" in status(app)
        assert f"of {want}" in status(app)


async def test_a_periodic_look_while_shown_reads_what_changed(demo_app) -> None:  # noqa: F811
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        want = import_elsewhere(app)
        app._periodic_check()  # noqa: SLF001 - the timer's tick (every CHECK_SECONDS)
        await settle(pilot)
        assert app.screen.totals["users"] == want


async def test_the_refresh_key_reads_what_changed(demo_app) -> None:  # noqa: F811
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        want = import_elsewhere(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen.totals["users"] == want
        assert f"{want} users" in status(app)


@pytest.mark.parametrize("mode,key", [
    ("tokens", "1"), ("apps", "2"), ("ebooks", "3"), ("assignments", "4"), ("prompts", "5"),
    ("directory", "6"), ("activity", "7"), ("access", "8"), ("settings", "9"),
    ("reconcile", "0")])
async def test_every_section_has_the_refresh_key(demo_app, monkeypatch, mode, key) -> None:  # noqa: F811
    from vpp_tui.ui.app import section_class

    cls = section_class(mode)
    reloads: list[str] = []
    monkeypatch.setattr(cls, "reload", lambda self: reloads.append(self.MODE))
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await settle(pilot)
        assert any(c.key.split(",")[0] == "ctrl+r" and c.show for c in app.screen.commands())
        before = len(reloads)  # a section that reads in a worker reloads as it mounts
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert reloads[before:] == [mode]
