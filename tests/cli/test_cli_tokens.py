"""`vpp-tui token …` and `vpp-tui sync` run as an admin runs them, against a served simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import simserver


@pytest.fixture
def served(tmp_path_factory):
    # One simulator per test: a location claimed by one test's store belongs to another
    # installation in the next test, exactly as with two real MDMs.
    sim = simserver.start(tmp_path_factory.mktemp("tokens"))
    yield sim
    sim.stop()


class Admin:
    def __init__(self, tmp: Path, apple: str, db: str | None = None) -> None:
        self.db = db or f"sqlite:///{tmp / 'store.db'}"
        self.apple = apple
        self.env = dict(os.environ, VPP_ADMIN="ana", VPP_KEY_FILE=str(tmp / "store.key"))

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "vpp_tui.cli", "--db", self.db, "--apple",
                               self.apple, *args], capture_output=True, text=True,
                              env=self.env, timeout=180)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout


def _name_for(entry: dict, taken: set[str]) -> str:
    name = entry["location_name"]
    while name in taken:
        name += " B"
    taken.add(name)
    return name


def test_every_demo_token_file_ends_in_its_manifest_state_over_http(served, tmp_path) -> None:
    admin = Admin(tmp_path, served.base_url)
    taken: set[str] = set()
    expected = {}
    for entry in served.manifest["tokens"]:
        name = _name_for(entry, taken)
        expected[name] = entry["expected_state"]
        added = admin.run("token", "add", str(served.tokens_dir / entry["file"]), "--name",
                          name, "--apple-id", "vpp@appleid.contoso.edu", "--consent", "--json")
        # Saved either way; a token that cannot be used is not "done" (README "Exit status").
        usable = json.loads(added.stdout)["state"] in ("valid", "expiring_soon")
        assert added.returncode == (0 if usable else 1), added.stderr
        assert usable or added.stderr.startswith("error:") and added.stderr.count("\n") == 1
    listed = json.loads(admin.ok("token", "list", "--json"))
    assert {t["name"]: t["state"] for t in listed} == expected
    for t in listed:
        for field in ("name", "state", "state_reason", "location_id", "location_name",
                      "org_name", "expires_at", "last_sync_at", "last_sync_status",
                      "app_count", "book_count"):
            assert field in t


def test_token_commands_as_a_user_runs_them(served, tmp_path) -> None:
    admin = Admin(tmp_path, served.base_url)
    files = {e["location_name"]: served.tokens_dir / e["file"] for e in served.manifest["tokens"]}
    out = admin.ok("token", "add", str(files["North Campus"]), "--name", "North",
                   "--apple-id", "vpp@appleid.contoso.edu", "--consent", "--country", "US")
    assert "valid" in out
    synced = json.loads(admin.ok("sync", "North", "--json"))
    assert synced[0]["status"] == "completed" and synced[0]["requests"] > 0
    assert set(synced[0]) >= {"name", "status", "requests", "assets", "assignments", "users",
                              "error"}
    shown = json.loads(admin.ok("token", "show", "North", "--json"))
    assert shown["app_count"] > 0 and shown["last_sync_status"] == "completed"
    secret = files["North Campus"].read_text().strip()
    assert secret not in admin.ok("token", "show", "North")
    assert secret not in json.dumps(shown)

    bad = admin.run("token", "renew", "North", str(files["South Campus"]))
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and "location" in bad.stderr
    assert "renewed" in admin.ok("token", "renew", "North", str(files["North Campus"]))
    admin.ok("token", "set", "North", "--country", "FR", "--no-auto-update")
    assert json.loads(admin.ok("token", "show", "North", "--json"))["country"] == "FR"

    refused = admin.run("token", "delete", "North")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert "deleted" in admin.ok("token", "delete", "North", "--yes")
    assert json.loads(admin.ok("token", "list", "--json")) == []


def test_a_broken_token_file_is_one_error_line_and_exit_2(served, tmp_path) -> None:
    admin = Admin(tmp_path, served.base_url)
    broken = tmp_path / "broken.vpptoken"
    broken.write_text("definitely not a token")
    result = admin.run("token", "add", str(broken), "--name", "X", "--apple-id",
                       "vpp@appleid.contoso.edu", "--consent")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error:")
    assert json.loads(admin.ok("token", "list", "--json")) == []
    missing = admin.run("token", "add", str(tmp_path / "nope.vpptoken"), "--name", "X",
                        "--apple-id", "vpp@appleid.contoso.edu", "--consent")
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_sync_of_an_expired_token_reports_failure_status(served, tmp_path) -> None:
    admin = Admin(tmp_path, served.base_url)
    entry = next(e for e in served.manifest["tokens"] if e["expected_state"] == "expired")
    assert admin.run("token", "add", str(served.tokens_dir / entry["file"]), "--name", "Old",
                     "--apple-id", "vpp@appleid.contoso.edu", "--consent").returncode == 1
    result = admin.run("sync", "--all", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)[0]["status"] == "skipped"
    unknown = admin.run("sync", "Nowhere")
    assert unknown.returncode == 2 and "Nowhere" in unknown.stderr
