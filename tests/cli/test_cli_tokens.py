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
        self.env = dict(os.environ, VPP_KEY_FILE=str(tmp / "store.key"))

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "vpp_tui.cli", "--db", self.db, "--apple",
                               self.apple, *args], capture_output=True, text=True,
                              env=self.env, timeout=180)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def refused(self, code: int, *args: str) -> str:
        """Run a command that must fail with `code` and one `error:` line; that line."""
        result = self.run(*args)
        assert result.returncode == code, (result.returncode, result.stderr)
        assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1
        assert result.stdout == ""
        return result.stderr

    def audit(self) -> list[dict]:
        return json.loads(self.ok("audit", "--json"))


def _name_for(entry: dict, taken: set[str]) -> str:
    name = entry["location_name"]
    while name in taken:
        name += " B"
    taken.add(name)
    return name


# A file admission refuses, by the state the demo shows it in: the exit status of `add`.
REFUSED_WITH = {"expired": 2, "invalid": 1}


def test_every_demo_token_file_ends_in_its_manifest_state_over_http(served, tmp_path) -> None:
    admin = Admin(tmp_path, served.base_url)
    taken: set[str] = set()
    expected = {}
    for entry in served.manifest["tokens"]:
        name = _name_for(entry, taken)
        args = ("token", "add", str(served.tokens_dir / entry["file"]), "--name", name,
                "--apple-id", "vpp@appleid.contoso.edu", "--consent")
        if entry["expected_state"] in REFUSED_WITH:
            admin.refused(REFUSED_WITH[entry["expected_state"]], *args)
            continue
        expected[name] = entry["expected_state"]
        added = admin.run(*args, "--json")
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


def _file(served, state: str) -> str:
    entry = next(e for e in served.manifest["tokens"] if e["expected_state"] == state)
    return str(served.tokens_dir / entry["file"])


ADD = ("--apple-id", "vpp@appleid.contoso.edu", "--consent")


def test_cli_add_refuses_a_token_apple_revoked_with_exit_1(served, tmp_path, store_url) -> None:
    admin = Admin(tmp_path, served.base_url, store_url)
    line = admin.refused(1, "token", "add", _file(served, "invalid"), "--name", "Lib", *ADD)
    assert "9625" in line and "download a new token" in line
    assert json.loads(admin.ok("token", "list", "--json")) == []
    entries = admin.audit()
    assert [(e["action"], e["target"], e["result"]) for e in entries] == [
        ("token.add", "Lib", "refused")]
    assert "9625" in entries[0]["detail"]


def test_cli_add_refuses_an_expired_token_with_exit_2(served, tmp_path, store_url) -> None:
    admin = Admin(tmp_path, served.base_url, store_url)
    line = admin.refused(2, "token", "add", _file(served, "expired"), "--name", "Old", *ADD)
    assert "expired on" in line and "nothing was stored" in line
    assert json.loads(admin.ok("token", "list", "--json")) == []
    assert [(e["action"], e["result"]) for e in admin.audit()] == [("token.add", "refused")]


def test_cli_renew_refuses_revoked_and_expired_files_and_keeps_the_token(served, tmp_path,
                                                                         store_url) -> None:
    admin = Admin(tmp_path, served.base_url, store_url)
    admin.ok("token", "add", _file(served, "valid"), "--name", "North", *ADD)
    before = json.loads(admin.ok("token", "show", "North", "--json"))
    assert "9625" in admin.refused(1, "token", "renew", "North", _file(served, "invalid"))
    assert "expired on" in admin.refused(2, "token", "renew", "North", _file(served, "expired"))
    after = json.loads(admin.ok("token", "show", "North", "--json"))
    assert after == before
    assert [(e["action"], e["result"]) for e in admin.audit()] == [
        ("token.renew", "refused"), ("token.renew", "refused"), ("token.add", "ok")]


def test_cli_adds_a_token_file_an_editor_saved_with_a_bom(served, tmp_path) -> None:
    admin = Admin(tmp_path, served.base_url)
    text = Path(_file(served, "valid")).read_text(encoding="ascii")
    for encoding in ("utf-8-sig", "utf-16"):
        resaved = tmp_path / f"north-{encoding}.vpptoken"
        resaved.write_text(text, encoding=encoding)
        assert "valid" in admin.ok("token", "add", str(resaved), "--name", encoding, *ADD)
        admin.ok("token", "delete", encoding, "--yes")


def test_cli_renew_into_a_location_another_mdm_holds_needs_take_control(served,
                                                                       tmp_path) -> None:
    admin = Admin(tmp_path, served.base_url)
    science = _file(served, "assigned_to_external_mdm")
    added = admin.run("token", "add", science, "--name", "Science", *ADD)
    assert added.returncode == 1 and "cannot be used" in added.stderr  # saved, not usable
    line = admin.refused(1, "token", "renew", "Science", science)
    assert "Jamf Pro" in line and "--take-control" in line
    assert "renewed Science: valid" in admin.ok("token", "renew", "Science", science,
                                                 "--take-control")
    assert ("token.take_control", "ok") in [(e["action"], e["result"]) for e in admin.audit()]
