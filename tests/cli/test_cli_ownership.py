"""Issue 8, fault 1, as an admin meets it: another MDM (here another vpp-tui installation
with its own store) takes the location; every write command then exits 1 with one
`error:` line naming the owner, and nothing reaches Apple."""

from __future__ import annotations

import json

import pytest

from tests import simserver
from tests.cli.test_cli_tokens import Admin
from vpp_tui.simulator.worlds import demo_directory

OWNER = "vpp-tui"  # the other installation's mdmInfo name


@pytest.fixture
def served(tmp_path_factory):
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--event-delay", "0")
    yield sim
    sim.stop()


@pytest.fixture
def north_file(served):
    entry = next(e for e in served.manifest["tokens"] if e["location_name"] == "North Campus")
    return str(served.tokens_dir / entry["file"])


@pytest.fixture
def admin(served, north_file, tmp_path):
    admin = Admin(tmp_path, served.base_url)
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps(demo_directory()))
    admin.ok("directory", "import", str(directory))
    admin.ok("token", "add", north_file, "--name", "North", "--apple-id",
             "vpp@appleid.contoso.edu", "--consent", "--take-control")
    admin.ok("sync", "North")
    return admin


def take_over(served, north_file, tmp_path) -> Admin:
    """Another installation claims North Campus; returns it (to look at Apple's side)."""
    home = tmp_path / "other"
    home.mkdir()
    other = Admin(home, served.base_url)
    other.ok("token", "add", north_file, "--name", "North", "--apple-id",
             "vpp@appleid.contoso.edu", "--consent", "--take-control")
    return other


def used_at_apple(other: Admin, item: str) -> int:
    other.ok("sync", "North")
    return json.loads(other.ok("licenses", item, "--json"))["used"]


def refused(admin: Admin, *args: str, advice: str = "vpp-tui token take-control North",
            marked: bool = True) -> None:
    result = admin.run(*args)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1
    assert OWNER in result.stderr and advice in result.stderr
    if not marked:  # a refused renewal changes nothing stored
        return
    shown = json.loads(admin.ok("token", "show", "North", "--json"))
    assert shown["state"] == "assigned_to_external_mdm"
    assert shown["external_mdm_name"] == OWNER


def assign_star_chart(admin: Admin) -> None:
    admin.ok("assign", "Star Chart", "--group", "Loaner iPads", "--intent", "required",
             "--license", "device")


def test_cli_assign_after_another_mdm_claims_is_refused(admin, served, north_file, tmp_path):
    other = take_over(served, north_file, tmp_path)
    refused(admin, "assign", "Star Chart", "--group", "Loaner iPads", "--intent",
            "required", "--license", "device")
    assert used_at_apple(other, "Star Chart") == 0


def test_cli_unassign_after_another_mdm_claims_is_refused(admin, served, north_file,
                                                          tmp_path):
    assign_star_chart(admin)
    other = take_over(served, north_file, tmp_path)
    refused(admin, "unassign", "Star Chart", "--group", "Loaner iPads")
    assert used_at_apple(other, "Star Chart") == 10


def test_cli_revoke_after_another_mdm_claims_is_refused(admin, served, north_file, tmp_path):
    assign_star_chart(admin)
    other = take_over(served, north_file, tmp_path)
    refused(admin, "revoke", "--item", "Star Chart")
    assert used_at_apple(other, "Star Chart") == 10


def test_cli_renew_after_another_mdm_claims_is_refused(admin, served, north_file, tmp_path):
    take_over(served, north_file, tmp_path)
    # A renewal takes control with the new file itself: `token renew --take-control`.
    refused(admin, "token", "renew", "North", north_file, advice="--take-control",
            marked=False)


def test_cli_delete_revoke_licenses_after_another_mdm_claims_is_refused(
        admin, served, north_file, tmp_path):
    assign_star_chart(admin)
    other = take_over(served, north_file, tmp_path)
    refused(admin, "token", "delete", "North", "--yes", "--revoke-licenses")
    assert used_at_apple(other, "Star Chart") == 10
    assert "North" in admin.ok("token", "list")


def test_cli_take_control_clears_the_foreign_owner_and_writes_resume(admin, served,
                                                                    north_file, tmp_path):
    take_over(served, north_file, tmp_path)
    refused(admin, "assign", "Star Chart", "--group", "Loaner iPads", "--intent",
            "required", "--license", "device")
    out = admin.ok("token", "take-control", "North")
    assert "now managed here" in out and OWNER in out
    assert json.loads(admin.ok("token", "show", "North", "--json"))["state"] == "valid"
    assign_star_chart(admin)
    assert json.loads(admin.ok("licenses", "Star Chart", "--json"))["used"] == 10
