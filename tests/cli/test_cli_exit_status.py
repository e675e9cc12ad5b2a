"""Issue 8 fault 12: the exit status tells cron the truth (README "Exit status").

0 everything asked for was done; 1 failed or only partly done (a token not synced because
it is broken, members without a license); 2 bad usage. Run as an admin runs them, on both
stores, against a served simulator.
"""

from __future__ import annotations

import json

import pytest

from tests import simserver
from tests.cli.test_cli_tokens import Admin
from vpp_tui.simulator.worlds import demo_directory

APPLE_ID = "vpp@appleid.contoso.edu"


@pytest.fixture
def served(tmp_path_factory):
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--event-delay", "0")
    yield sim
    sim.stop()


def token_file(served, state: str, location: str | None = None) -> str:  # noqa: ANN001
    entry = next(e for e in served.manifest["tokens"] if e["expected_state"] == state
                 and (location is None or e["location_name"] == location))
    return str(served.tokens_dir / entry["file"])


def test_sync_all_exits_1_when_every_token_is_broken(served, tmp_path, store_url) -> None:
    admin = Admin(tmp_path, served.base_url, store_url)
    # Admission refuses expired and revoked files, so the broken tokens a store can hold
    # are those Apple turned away after they were added: here, locations another MDM holds.
    added = admin.run("token", "add", token_file(served, "assigned_to_external_mdm"),
                      "--name", "Science", "--apple-id", APPLE_ID, "--consent")
    assert added.returncode == 1 and "cannot be used" in added.stderr
    assert {t["name"] for t in json.loads(admin.ok("token", "list", "--json"))} == {
        "Science"}
    result = admin.run("sync", "--all", "--json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)  # the full report is still on stdout
    assert {(r["status"], r["skip_reason"]) for r in doc} == {("skipped", "needs_attention")}
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1
    assert "Science" in result.stderr
    due = admin.run("sync", "--all", "--due", "--json")
    assert due.returncode == 1, "a broken token keeps telling cron until it is fixed"


def test_sync_exits_0_when_the_rest_is_not_due_or_busy(served, tmp_path, store_url) -> None:
    from vpp_tui.apple.clock import SystemClock
    from vpp_tui.services import sync, tokens
    from vpp_tui.services.context import ServiceContext, os_login
    from vpp_tui.store.engine import open_store

    admin = Admin(tmp_path, served.base_url, store_url)
    admin.ok("token", "add", token_file(served, "valid", "North Campus"), "--name", "North",
             "--apple-id", APPLE_ID, "--consent")
    assert json.loads(admin.ok("sync", "--all", "--json"))[0]["status"] == "completed"
    assert json.loads(admin.ok("sync", "--all", "--due", "--json")) == []  # not due: done
    store = open_store(admin.db)
    try:
        # Another console of the store's owner (the OS login that created it).
        ctx = ServiceContext(store=store, actor=os_login(), clock=SystemClock(),
                             key_file=admin.env["VPP_KEY_FILE"])
        token_id = tokens.get_token(ctx, "North").token.id
        assert sync.acquire_lease(ctx, token_id, "bob@other-console")
        busy = admin.run("sync", "North", "--json")
        sync.release_lease(ctx, token_id, "bob@other-console")
    finally:
        store.close()
    assert busy.returncode == 0, busy.stderr  # being synced right now, by someone else
    assert [(r["status"], r["skip_reason"]) for r in json.loads(busy.stdout)] == [
        ("skipped", "busy")]


@pytest.fixture
def licensing_admin(served, tmp_path, store_url):  # noqa: ANN001
    admin = Admin(tmp_path, served.base_url, store_url)
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps(demo_directory()))
    admin.ok("directory", "import", str(directory))
    admin.ok("token", "add", token_file(served, "valid", "North Campus"), "--name", "North",
             "--apple-id", APPLE_ID, "--consent", "--take-control")
    admin.ok("sync", "North")
    return admin


def test_assign_exits_1_when_licenses_are_short(licensing_admin) -> None:
    result = licensing_admin.run("assign", "Field Notes", "--group", "Exam iPads",
                                 "--intent", "required", "--json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)  # the JSON is printed whole, for the script to read
    assert (doc["licensed"], doc["failed"]) == (100, 400)
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1
    assert "licenses short" in result.stderr and "400" in result.stderr
    text = licensing_admin.run("assign", "Field Notes", "--group", "Exam iPads",
                               "--intent", "required")
    assert text.returncode == 1 and "wait for licenses" in text.stdout
    report = json.loads(licensing_admin.ok("licenses", "Field Notes", "--json"))
    assert len(report["failures"]) == 400


def test_assign_revoke_and_unassign_exit_0_when_everyone_is_served(licensing_admin) -> None:
    done = licensing_admin.run("assign", "Star Chart", "--group", "Loaner iPads",
                               "--intent", "required", "--license", "device", "--json")
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["failed"] == 0
    assert licensing_admin.run("unassign", "Star Chart", "--group",
                               "Loaner iPads").returncode == 0
