"""Directory: counts, paged tabs filtered in SQL, and import with every bad line shown."""

from __future__ import annotations

import json

from textual.widgets import DataTable, Input, Static, TabbedContent

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import directory
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.sections import directory as directory_section
from vpp_tui.ui.sections.directory import DirectorySection


def status(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#directory-status", Static).render())


async def test_counts_and_pages_of_users(demo, demo_app, monkeypatch):
    monkeypatch.setattr(DirectorySection, "PAGE_SIZE", 250)
    monkeypatch.setattr(directory_section, "MIN_PAGE", 250)  # pages of 250 at any height
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert "600 users · 595 devices · 14 groups · rows 1–250 of 600" in status(app)
        await pilot.press("n", "n")
        await settle(pilot)
        assert "rows 501–600 of 600" in status(app)
        assert app.screen.query_one("#directory-users", DataTable).row_count == 100


async def test_filter_applies_to_the_shown_tab(demo, demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        app.screen.query_one(TabbedContent).active = "tab-groups"
        await settle(pilot)
        await pilot.press("slash", *"ipads")
        await settle(pilot)
        table = app.screen.query_one("#directory-groups", DataTable)
        names = sorted(str(r.value) for r in table.rows)
        assert names == ["Exam iPads", "Loaner iPads", "Teacher iPads"]
        assert "rows 1–3 of 3" in status(app)


async def test_import_with_bad_lines_shows_every_one_and_imports_nothing(
        demo, demo_app, tmp_path):
    ctx, _sim = demo
    bad = {"users": [{"upn": "x@contoso.edu", "name": "X", "active": "perhaps"},
                     {"name": "no upn"}]}
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-path", Input).value = str(tmp_path / "bad.json")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        text = str(app.screen.query_one("#error-text", Static).render())
        assert "nothing was imported" in text and text.count("bad.json:") >= 2
    assert directory.counts(ctx).users == 600


async def test_import_of_a_good_file_shows_the_summary(ctx, make_app, tmp_path):
    good = {"users": [{"upn": "ana@contoso.edu", "name": "Ana"}]}
    (tmp_path / "good.json").write_text(json.dumps(good), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-path", Input).value = str(tmp_path / "good.json")
        await pilot.press("enter")
        await settle(pilot)
        assert any("users +1" in str(n.message) for n in app._notifications)
        assert "1 users" in status(app)


async def test_console_import_reclaims_departures(demo, demo_app, tmp_path):
    from vpp_tui.services import licensing
    from vpp_tui.simulator.worlds import demo_directory

    ctx, _sim = demo
    item = "Atlas of the World"
    licensing.apply_assign(ctx, item, "Teachers", "available", "user", token="North Campus")
    doc = demo_directory()
    teachers = next(g for g in doc["groups"] if g["name"] == "Teachers")["members"]
    gone = teachers.pop(0)
    assert gone in {h.member for h in licensing.licenses(ctx, item, "North Campus").holders}
    (tmp_path / "left.json").write_text(json.dumps(doc), encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-path", Input).value = str(tmp_path / "left.json")
        await pilot.press("enter")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("1 licenses reclaimed" in m for m in messages), messages
        assert not app.screen.query_one("#job-progress").display
    holders = {h.member for h in licensing.licenses(ctx, item, "North Campus").holders}
    assert gone not in holders
