"""`vpp-tui settings`, `settings set`, `settings reset` as an admin runs them: a real
process on a real SQLite store (the OS login owns it)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def vpp(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vpp_tui.cli", "--db",
                           f"sqlite:///{tmp / 'store.db'}", *args],
                          capture_output=True, text=True, env=dict(os.environ), timeout=120,
                          stdin=subprocess.DEVNULL)


def _settings(tmp: Path) -> dict:
    result = vpp(tmp, "settings", "--json")
    assert result.returncode == 0, result.stderr
    return {row["key"]: row for row in json.loads(result.stdout) if row["item"] is None}


def test_settings_json_lists_every_setting_with_its_default(tmp_path: Path) -> None:
    rows = _settings(tmp_path)
    assert set(rows) == {"sync_interval_hours", "reclaim_on_removal", "expiring_soon_days",
                         "low_license_percent", "directory_max_removal_percent",
                         "directory_removal_floor", "theme"}
    row = rows["sync_interval_hours"]
    assert (row["value"], row["default"], row["changed"], row["updated_by"]) == (
        12, 12, False, None)
    assert row["allowed"] == "a whole number from 1 to 168" and row["problem"] is None


def test_set_without_yes_and_without_a_terminal_is_refused_after_the_preview(
        tmp_path: Path) -> None:
    result = vpp(tmp_path, "settings", "set", "sync_interval_hours", "24")
    assert result.returncode == 2
    assert "with sync_interval_hours 24, 0 tokens are due now instead of 0" in result.stdout
    assert result.stderr.startswith("error: not saved: add --yes")
    assert _settings(tmp_path)["sync_interval_hours"]["changed"] is False


def test_dry_run_prints_only_the_preview(tmp_path: Path) -> None:
    result = vpp(tmp_path, "settings", "set", "reclaim_on_removal", "off", "--dry-run",
                 "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["old"], doc["new"], doc["saved"], doc["effect"]) == (
        True, False, False, {"assignments": []})
    assert _settings(tmp_path)["reclaim_on_removal"]["value"] is True


def test_set_yes_saves_audits_and_reset_goes_back(tmp_path: Path) -> None:
    result = vpp(tmp_path, "settings", "set", "expiring_soon_days", "60", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["saved"] is True
    row = _settings(tmp_path)["expiring_soon_days"]
    assert (row["value"], row["changed"]) == (60, True) and row["updated_by"]
    entries = json.loads(vpp(tmp_path, "audit", "--json").stdout)
    assert any(e["action"] == "setting.set" and e["detail"] == "30 → 60" for e in entries)
    assert vpp(tmp_path, "settings", "reset", "expiring_soon_days").returncode == 0
    assert _settings(tmp_path)["expiring_soon_days"]["value"] == 30


def test_bad_value_is_exit_2_with_one_line_and_the_allowed_range(tmp_path: Path) -> None:
    for value in ("abc", "-1", "1e400", "0"):
        result = vpp(tmp_path, "settings", "set", "directory_removal_floor"
                     if value == "-1" else "expiring_soon_days", value, "--yes")
        assert result.returncode == 2
        assert len(result.stderr.splitlines()) == 1 and "give a whole number" in result.stderr
    assert not any(r["changed"] for r in _settings(tmp_path).values())


def test_broken_stored_value_shows_the_default_with_a_warning(tmp_path: Path) -> None:
    _settings(tmp_path)  # creates the store
    with sqlite3.connect(tmp_path / "store.db") as db:
        db.execute("INSERT INTO settings (key, value, updated_at, updated_by) "
                   "VALUES ('sync_interval_hours', '\"abc\"', CURRENT_TIMESTAMP, 'x')")
    result = vpp(tmp_path, "settings", "--json")
    assert result.returncode == 0, result.stderr
    row = next(r for r in json.loads(result.stdout) if r["key"] == "sync_interval_hours")
    assert row["value"] == 12 and "using the default 12" in row["problem"]
    assert result.stderr.startswith("warning: the stored setting sync_interval_hours")
    assert vpp(tmp_path, "sync", "--all", "--due").returncode == 0
