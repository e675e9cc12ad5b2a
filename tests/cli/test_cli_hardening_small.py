"""Small faults a breaker found in `directory import`, `--as`, `sync --break-lease`,
`--apple` and the license counts of unlimited apps: each named after the fault.

Real processes on a real SQLite store (`vpp` from test_cli_directory), and the in-process
CLI on SQLite and PostgreSQL (`tests/fuzz/harness.Cli`) where the simulator is needed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli_directory import vpp
from tests.cli.test_cli_directory_checks import counts, one_error_line, seeded
from tests.fuzz.harness import APPLE_ID, Cli

USERS = [{"upn": f"u{i:03d}@contoso.com"} for i in range(600)]


def test_kind_makes_a_file_csv_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text("upn,name\nana@contoso.com,Ana\n")
    result = vpp(tmp_path, "directory", "import", str(path), "--kind", "users")
    assert result.returncode == 0, result.stderr
    assert "users +1" in result.stdout


@pytest.mark.parametrize("members", [None, "missing"], ids=["null", "missing"])
def test_group_with_null_or_no_members_is_refused_not_emptied(tmp_path: Path,
                                                              members: str | None) -> None:
    seeded(tmp_path)
    group = {"name": "Everyone", "kind": "user"} | ({} if members else {"members": None})
    path = tmp_path / "groups.json"
    path.write_text(json.dumps({"groups": [group]}))
    result = vpp(tmp_path, "directory", "import", str(path))
    assert result.returncode == 2
    assert "'members' must be a list" in result.stderr and "null" in result.stderr
    assert counts(tmp_path).groups == 1


def test_mass_removal_just_over_the_limit_shows_the_real_share_and_the_limit(
        tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"users": USERS}))
    assert vpp(tmp_path, "directory", "import", str(path)).returncode == 0
    path.write_text(json.dumps({"users": USERS[61:]}))
    result = vpp(tmp_path, "directory", "import", str(path))
    assert result.returncode == 2
    assert "61 of 600 users (10.2 %), limit 10 %" in one_error_line(result.stderr)


def test_identical_re_import_reports_nothing_modified(tmp_path: Path) -> None:
    doc = {"users": [{"upn": "ana@contoso.com", "name": "Ana"}],
           "devices": [{"serial": "F9FXK2ABCD12", "platform": "iPadOS"}],
           "groups": [{"name": "Sales iPads", "kind": "device", "members": ["F9FXK2ABCD12"]},
                      {"name": "Staff", "kind": "user", "members": ["ana@contoso.com"]}]}
    path = tmp_path / "dir.json"
    path.write_text(json.dumps(doc))
    assert vpp(tmp_path, "directory", "import", str(path)).returncode == 0
    again = vpp(tmp_path, "directory", "import", str(path))
    assert again.returncode == 0, again.stderr
    assert "users +0 ~0 -0, devices +0 ~0 (0 no longer managed), groups +0 ~0 -0" in \
        again.stdout
    doc["devices"][0]["name"] = "Ana's iPad"
    doc["groups"][1]["members"] = []
    path.write_text(json.dumps(doc))
    changed = vpp(tmp_path, "directory", "import", str(path))
    assert "devices +0 ~1" in changed.stdout and "groups +0 ~1" in changed.stdout


@pytest.mark.parametrize("actor", [" ", ""], ids=["blank", "empty"])
def test_blank_admin_name_says_it_is_blank(tmp_path: Path, actor: str) -> None:
    result = vpp(tmp_path, "--as", actor, "token", "list")
    assert result.returncode == 2
    assert "is empty or only blanks" in one_error_line(result.stderr)


def test_break_lease_with_an_empty_name_asks_for_the_token_name(tmp_path: Path) -> None:
    assert vpp(tmp_path, "token", "list").returncode == 0
    result = vpp(tmp_path, "sync", "--break-lease", "")
    assert result.returncode == 2
    assert "--break-lease needs the name of the token" in one_error_line(result.stderr)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8787", "http://127.0.0.1:8787/"])
def test_apple_url_without_the_api_path_says_it_must_end_with_mdm_v2(tmp_path: Path,
                                                                     url: str) -> None:
    result = vpp(tmp_path, "--apple", url, "token", "list")
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert "the Apple URL must end with /mdm/v2 (e.g. http://127.0.0.1:8787/mdm/v2)" in line


def test_unlimited_app_shows_unlimited_not_2147483647(store_url: str, tmp_path) -> None:  # noqa: ANN001
    cli = Cli(store_url, tmp_path)
    content = cli.register_token("unlimited", cli.a_year_from_now(), "Contoso")
    added = cli.run("token", "add", cli.write("t.vpptoken", content), "--name", "North",
                    "--apple-id", APPLE_ID, "--consent")
    assert added.code == 0, added.stderr
    assert cli.run("sync", "North").code == 0
    app = next(a for a in json.loads(cli.run("apps", "list", "--json").stdout)
               if a["unlimited"])
    doc = {"users": [{"upn": "ana@contoso.com"}],
           "groups": [{"name": "Staff", "kind": "user", "members": ["ana@contoso.com"]}]}
    assert cli.run("directory", "import", cli.write("d.json", json.dumps(doc))).code == 0
    item = f"{app['adam_id']}:{app['pricing_param']}"
    for extra in (("--dry-run",), ()):
        outcome = cli.run("assign", item, "--group", "Staff", "--intent", "available",
                          "--license", "user", "--token", "North", *extra)
        assert "2147483647" not in outcome.stdout, outcome.stdout
        assert "of unlimited" in outcome.stdout, outcome.stdout
