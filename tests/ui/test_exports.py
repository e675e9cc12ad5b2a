"""`x` writes every row a list shows (all pages, its filter applied) to a CSV file, from
the table's own query; a write error is one line and leaves no file (issue 12).

The export folder is `tmp_path/exports`, named by `VPP_EXPORT_DIR`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from tests.ui.conftest import SIZE, settle
from tests.ui.test_activity import seed_event_entries
from tests.ui.test_catalog import select_row
from vpp_tui.services import audit, settings
from vpp_tui.services.catalog import ASSET_FIELDS
from vpp_tui.services.catalog.queries import DIRECTORY_FIELDS
from vpp_tui.services.licensing.views import LICENSE_ROW_FIELDS
from vpp_tui.ui.screens.asset_details import SHOWN, AssetDetailsScreen
from vpp_tui.ui.sections import activity
from vpp_tui.ui.sections.catalog.section import CatalogSection


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.setenv("VPP_EXPORT_DIR", str(folder))
    return folder


def _read(folder: Path, stem: str) -> tuple[list[str], list[dict[str, str]]]:
    """(header, rows) of the one export named `vpp-tui-<stem>-…`."""
    (path,) = folder.glob(f"vpp-tui-{stem}-*.csv")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or ()), list(reader)


def _said(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]


def _footer_keys(app) -> list[str]:  # noqa: ANN001
    return [k.key for k in app.screen.query(FooterKey)]


async def test_x_on_apps_exports_every_page_with_the_filter_and_the_details_all_holders(
        demo, demo_app, exports, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(CatalogSection, "PAGE_SIZE", 10)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "x" in _footer_keys(app)
        await pilot.press("x")
        await settle(pilot)
        header, rows = _read(exports, "apps")
        assert header == list(ASSET_FIELDS) and len(rows) == 31  # 4 pages, not the first
        assert any(str(exports) in said and "31 rows" in said for said in _said(app))
        await pilot.press("slash", *"field", "enter")
        await settle(pilot)
        await select_row(pilot, "Field Notes", "North Campus")
        await pilot.press("x")
        await settle(pilot)
        written = sorted(exports.glob("vpp-tui-apps-*.csv"), key=lambda p: p.stat().st_mtime)
        with written[-1].open(encoding="utf-8", newline="") as f:
            assert sorted(r["token"] for r in csv.DictReader(f)) == ["North Campus",
                                                                    "South Campus"]
        await pilot.press("escape")
        await settle(pilot)
        await select_row(pilot, "Exam Lockdown", "North Campus")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AssetDetailsScreen)
        await pilot.press("x")
        await settle(pilot)
        header, rows = _read(exports, "licenses-*")
        assert header == list(LICENSE_ROW_FIELDS)
        assert len(rows) >= 500 > SHOWN  # every holder, not the rows on screen
        assert {r["item"] for r in rows} == {"Exam Lockdown"}


async def test_x_on_directory_exports_the_shown_tab_with_its_filter(
        demo, demo_app, exports):  # noqa: ANN001
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert "x" in _footer_keys(app)
        await pilot.press("x")
        await settle(pilot)
        header, rows = _read(exports, "directory-users")
        assert header == list(DIRECTORY_FIELDS["users"])
        assert len(rows) == 600  # three pages of 200
        for path in exports.iterdir():
            path.unlink()
        await pilot.press("slash", *"kai", "enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        _header, rows = _read(exports, "directory-users")
        assert 0 < len(rows) < 600
        assert all("kai" in (r["upn"] + r["name"] + r["managed_apple_id"]).lower()
                   for r in rows)


async def _filter(pilot, typed: str) -> None:  # noqa: ANN001
    """Type the whole filter at once (as a paste): one load, not one per key."""
    await pilot.press("slash")
    pilot.app.screen.query_one("#activity-filter", Input).value = typed
    await pilot.press("enter")  # back to the table
    await settle(pilot)


async def test_x_on_activity_exports_every_entry_the_structured_filter_keeps(
        make_app, ctx, exports, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(activity, "PAGE_SIZE", 10)
    for value in range(1, 26):
        settings.set_setting(ctx, "sync_interval_hours", value)
    seed_event_entries(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        assert "x" in _footer_keys(app)
        await _filter(pilot, "action:setting.set admin:ana")
        status = app.screen.query_one("#activity-status", Static)
        assert "rows 1–10 of 25" in str(status.render())
        await pilot.press("x")
        await settle(pilot)
        header, rows = _read(exports, "activity")
        assert header == list(audit.AUDIT_FIELDS)
        assert len(rows) == 25 and {r["action"] for r in rows} == {"setting.set"}


async def test_activity_filter_that_cannot_be_read_says_why_and_keeps_the_rows(
        make_app, ctx):  # noqa: ANN001
    seed_event_entries(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        await _filter(pilot, "result:failed")
        assert len(app.screen.entries) == 1
        await _filter(pilot, "result:failed since:2026-13-01")
        status = str(app.screen.query_one("#activity-status", Static).render())
        assert "since: '2026-13-01' is not a date" in status
        assert len(app.screen.entries) == 1  # the last filter that could be read


async def test_export_to_a_folder_that_cannot_be_written_is_one_line_and_no_file(
        make_app, ctx, tmp_path, monkeypatch):  # noqa: ANN001
    seed_event_entries(ctx)
    monkeypatch.setenv("VPP_EXPORT_DIR", str(tmp_path / "missing"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        (said,) = [n for n in app._notifications if n.severity == "error"]
        assert "Nothing was written" in said.message and "\n" not in said.message
        assert not (tmp_path / "missing").exists()
