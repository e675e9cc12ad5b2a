"""CSV exports (issue 12): the columns are the JSON field names; DictReader reads them back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from vpp_tui.services.directory.file import parse_directory
from vpp_tui.services.exports import csv_cell, csv_text, csv_value, export_csv


def test_csv_round_trips_through_dictreader_with_the_documented_columns() -> None:
    rows = [{"adamId": "361309726", "name": "Pages, \"the\" editor", "used": 3,
             "low": True, "platforms": ["iOS", "macOS"], "expires": date(2027, 1, 2),
             "extra": "not a column"},
            {"adamId": "2", "name": "line\nbreak", "used": None}]
    text = csv_text(rows, ["adamId", "name", "used", "low", "platforms", "expires"])
    read = list(csv.DictReader(io.StringIO(text)))
    assert list(read[0]) == ["adamId", "name", "used", "low", "platforms", "expires"]
    assert read[0] == {"adamId": "361309726", "name": 'Pages, "the" editor', "used": "3",
                       "low": "true", "platforms": "iOS;macOS", "expires": "2027-01-02"}
    assert read[1]["used"] == "" and read[1]["low"] == ""


def test_csv_cell_never_starts_a_spreadsheet_formula() -> None:
    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell(-3) == "-3"  # numbers stay numbers


def test_csv_cell_strips_control_characters() -> None:
    assert "\x1b" not in csv_cell("evil\x1b[31mname")


def test_export_csv_never_overwrites_an_earlier_export(tmp_path: Path) -> None:
    now = datetime(2026, 11, 30, 12, 0, 0)
    first, n1 = export_csv([{"a": 1}], ["a"], "apps", folder=tmp_path, now=now)
    second, n2 = export_csv([{"a": 2}], ["a"], "apps", folder=tmp_path, now=now)
    assert first != second and n1 == n2 == 1
    assert first.name == "vpp-tui-apps-20261130-120000.csv"
    assert first.read_text().splitlines() == ["a", "1"]


def test_export_csv_to_a_missing_folder_raises_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        export_csv([{"a": 1}], ["a"], "apps", folder=tmp_path / "gone")
    assert not (tmp_path / "gone").exists()


def test_csv_value_takes_off_the_formula_guard_so_an_export_reads_back_the_same() -> None:
    for text in ("=1+1@contoso.edu", "+sum@contoso.edu", "-minus@contoso.edu", "@at",
                 "plain", "'quoted from the start"):
        assert csv_value(csv_cell(text)) == text


def test_fault_users_exported_to_csv_and_imported_back_are_the_same_users() -> None:
    # Breaker, issue 12: the guard's "'" made `=1+1@…` a new user and the old one departed.
    rows = [{"upn": "=1+1@contoso.edu", "name": "-minus", "managed_apple_id": None,
             "personal_apple_id": False, "active": True}]
    text = csv_text(rows, ["upn", "name", "managed_apple_id", "personal_apple_id", "active"])
    parsed = parse_directory(text, filename="users.csv", kind="users")
    assert [(u.upn, u.name) for u in parsed.users or []] == [("=1+1@contoso.edu", "-minus")]
