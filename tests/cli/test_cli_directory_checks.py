"""`vpp-tui directory import` refuses a file with nothing to import, or one that would remove
most of the directory: exit 2, one `error:` line, nothing changed (issue 9, item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli_directory import vpp
from vpp_tui.apple.clock import FakeClock
from vpp_tui.services import directory
from vpp_tui.services.context import ServiceContext, os_login
from vpp_tui.store.engine import open_store

USERS = [{"upn": f"u{i:02d}@contoso.com", "name": f"User {i}"} for i in range(20)]
DOC = {"users": USERS,
       "groups": [{"name": "Everyone", "kind": "user", "members": [u["upn"] for u in USERS]}]}


def seeded(tmp: Path) -> Path:
    path = tmp / "dir.json"
    path.write_text(json.dumps(DOC))
    assert vpp(tmp, "directory", "import", str(path)).returncode == 0
    return path


def counts(tmp: Path) -> directory.DirectoryCounts:
    store = open_store(f"sqlite:///{tmp / 'store.db'}")
    try:
        return directory.counts(ServiceContext(store=store, actor=os_login(), clock=FakeClock()))
    finally:
        store.close()


def audit(tmp: Path) -> list[tuple[str, str]]:
    return [(e["action"], e["result"])
            for e in json.loads(vpp(tmp, "audit", "--json").stdout)]


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


@pytest.mark.parametrize(("name", "text", "kind", "said"), [
    ("empty.csv", "", "users", "empty.csv is empty"),
    ("users.csv", "upn,name,active\n", "users", "users.csv:1: only a header, no records"),
    ("users.csv", 'upn,name\nu00@contoso.com,User 0\nu01@contoso.com,"User 1\n'
     "u02@contoso.com,User 2\n", "users", "users.csv:3: a quote opened on this line is never "
     "closed"),
    ("groups.csv", "name,kind\nEveryone,user\n", "groups", "groups.csv:1: the header lacks "
     "'members'"),
    ("users.csv", "email,name\nu00@contoso.com,User 0\n", "users", "users.csv:1: the header "
     "lacks 'upn'"),
    ("empty.json", "{}", None, "empty.json: no records"),
])
def test_file_with_nothing_to_import_is_one_error_line_exit_2(tmp_path, name, text, kind, said):
    seeded(tmp_path)
    path = tmp_path / name
    path.write_text(text)
    result = vpp(tmp_path, "directory", "import", str(path),
                 *(["--kind", kind] if kind else []))
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert f"{tmp_path}/{said}" in line or said in line, line
    assert counts(tmp_path) == directory.DirectoryCounts(users=20, devices=0, groups=1)


def test_mass_removal_is_refused_exit_2_with_the_counts_and_audited(tmp_path):
    seeded(tmp_path)
    path = tmp_path / "users.csv"
    path.write_text("upn,name\nu00@contoso.com,User 0\nu01@contoso.com,User 1\n")
    result = vpp(tmp_path, "directory", "import", str(path), "--kind", "users")
    assert result.returncode == 2 and result.stdout == ""
    line = one_error_line(result.stderr)
    assert "would remove 18 of 20 users (90 %) and 18 of 20 group members (90 %)" in line
    assert line.endswith("check the file, or pass --allow-mass-removal")
    assert counts(tmp_path).users == 20
    assert audit(tmp_path)[0] == ("directory.import", "failed")


def test_allow_mass_removal_flag_proceeds(tmp_path):
    seeded(tmp_path)
    path = tmp_path / "users.csv"
    path.write_text("upn,name\nu00@contoso.com,User 0\nu01@contoso.com,User 1\n")
    result = vpp(tmp_path, "directory", "import", str(path), "--kind", "users",
                 "--allow-mass-removal")
    assert result.returncode == 0, result.stderr
    assert "users +0 ~0 -18" in result.stdout and "mass removal allowed" in result.stdout
    assert counts(tmp_path).users == 2


def test_max_removal_flag_sets_the_limit_for_one_import(tmp_path):
    seeded(tmp_path)
    path = tmp_path / "users.csv"
    path.write_text("upn\n" + "".join(f"{u['upn']}\n" for u in USERS[:10]))
    refused = vpp(tmp_path, "directory", "import", str(path), "--kind", "users",
                  "--max-removal", "49")
    assert refused.returncode == 2 and "10 of 20 users (50 %)" in refused.stderr
    done = vpp(tmp_path, "directory", "import", str(path), "--kind", "users",
               "--max-removal", "50%")
    assert done.returncode == 0, done.stderr
    assert counts(tmp_path).users == 10


def test_max_removal_out_of_range_is_a_usage_error(tmp_path):
    path = seeded(tmp_path)
    result = vpp(tmp_path, "directory", "import", str(path), "--max-removal", "150")
    assert result.returncode == 2
    assert "not a percentage from 0 to 100" in one_error_line(result.stderr)
