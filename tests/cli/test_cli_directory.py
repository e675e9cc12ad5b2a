"""`vpp-tui directory import` as an admin runs it: a real process on a real SQLite store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DOC = {"users": [{"upn": "ana@contoso.com", "name": "Ana Ruiz"}],
       "devices": [{"serial": "F9FXK2ABCD12", "platform": "iPadOS"}],
       "groups": [{"name": "Sales iPads", "kind": "device", "members": ["F9FXK2ABCD12"]}]}


def vpp(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "vpp_tui.cli", "--db",
                           f"sqlite:///{tmp / 'store.db'}", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_directory_import_prints_what_changed(tmp_path: Path) -> None:
    path = tmp_path / "dir.json"
    path.write_text(json.dumps(DOC))
    result = vpp(tmp_path, "directory", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "users +1" in result.stdout and "groups +1" in result.stdout
    audit = json.loads(vpp(tmp_path, "audit", "--json").stdout)
    assert [e["action"] for e in audit] == ["directory.import"]


def test_malformed_directory_prints_every_bad_line_exits_2_and_changes_nothing(
        tmp_path: Path) -> None:
    bad = {"users": [{"name": "no upn"}, {"upn": "x@y.z", "active": "sometimes"}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, indent=1))
    result = vpp(tmp_path, "directory", "import", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("error:") for line in lines)
    assert any(f"{path}:3: users: missing required field 'upn'" in line for line in lines)
    assert any(f"{path}:6: users: 'active' must be true or false" in line for line in lines)
    assert "nothing was imported" in lines[-1]
    # Nothing imported; the refusal alone is audited (design: "Refuse first, then log").
    entries = json.loads(vpp(tmp_path, "audit", "--json").stdout)
    assert [(e["action"], e["result"]) for e in entries] == [("directory.import", "refused")]


def test_csv_without_kind_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text("upn,name\nana@contoso.com,Ana\n")
    result = vpp(tmp_path, "directory", "import", str(path))
    assert result.returncode == 2 and "--kind" in result.stderr


def test_missing_file_is_one_error_line(tmp_path: Path) -> None:
    result = vpp(tmp_path, "directory", "import", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot read" in result.stderr
