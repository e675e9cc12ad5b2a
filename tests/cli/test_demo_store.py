"""The demo's store and its in-process Apple world stay in step across runs."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from vpp_tui.cli import main
from vpp_tui.cli.commands.console import demo_paths, prepare_demo
from vpp_tui.cli.commands.demo import try_dir
from vpp_tui.services import sync, tokens


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory) -> Path:  # noqa: ANN001
    """A demo data directory seeded once per test process (seeding syncs every token:
    seconds); `seeded` copies it for a test instead of seeding again."""
    folder = tmp_path_factory.mktemp("demo-template") / "data"
    before = os.environ.get("VPP_DATA_DIR")
    os.environ["VPP_DATA_DIR"] = str(folder)
    try:  # seeded as the CLI seeds it: by the OS login, the demo store's owner
        demo(reset=True, actor=None).close()
    finally:
        if before is None:
            os.environ.pop("VPP_DATA_DIR")
        else:
            os.environ["VPP_DATA_DIR"] = before
    return folder


@pytest.fixture
def seeded(_seeded_template: Path) -> None:
    """This test's data directory holds a seeded demo (store, key, Apple world, files to
    try), as `demo(reset=True)` leaves it."""
    shutil.copytree(_seeded_template, os.environ["VPP_DATA_DIR"], dirs_exist_ok=True)


def demo(reset: bool = False, actor: str | None = "ana"):  # noqa: ANN201
    """The demo runtime; `actor=None`: the OS login, as the CLI acts (the owner of the
    `seeded` demo)."""
    return prepare_demo(argparse.Namespace(reset=reset, db=None, apple=None, actor=actor,
                                           key_file=None))


def states(runtime) -> dict[str, str]:  # noqa: ANN001
    return {v.name: v.state for v in tokens.list_tokens(runtime.ctx)}


def test_demo_seeds_every_token_state_once() -> None:
    runtime = demo(reset=True)
    try:
        assert sorted(set(states(runtime).values())) == sorted(
            {"valid", "expiring_soon", "expired", "invalid", "duplicate",
             "assigned_to_external_mdm"})
    finally:
        runtime.close()


def test_a_killed_demo_session_leaves_store_and_apple_world_in_step(seeded) -> None:
    first = demo(actor=None)
    tokens.take_control(first.ctx, "Science Dept")  # a change on Apple's side
    first.ctx.store.close()  # killed: Runtime.close() never ran
    second = demo(actor=None)
    try:
        assert states(second)["Science Dept"] == "valid"
        assert sync.sync_token(second.ctx, "Science Dept").status == "completed"
    finally:
        second.close()


def test_demo_store_without_its_apple_world_starts_afresh(capsys, seeded) -> None:  # noqa: ANN001
    _url, key = demo_paths()
    sim_file = key.removesuffix(".key") + ".sim"
    os.remove(sim_file)
    runtime = demo()
    try:
        assert "starts afresh" in capsys.readouterr().err
        assert sync.sync_token(runtime.ctx, "North Campus").status == "completed"
    finally:
        runtime.close()


def token_list(capsys) -> dict[str, dict]:  # noqa: ANN001
    capsys.readouterr()
    assert main(["--demo", "token", "list", "--json"]) == 0
    return {t["name"]: t for t in json.loads(capsys.readouterr().out)}


def test_demo_writes_token_files_to_add_and_to_renew_and_says_where(capsys, seeded) -> None:
    demo().close()
    assert sorted(p.name for p in try_dir().iterdir()) == [
        "add-arts-dept.vpptoken", "add-east-campus.vpptoken", "renew-south-campus.vpptoken"]
    for path in try_dir().iterdir():  # a token file is a secret, like the key
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(try_dir().stat().st_mode) == 0o700
    capsys.readouterr()
    prepare_demo(argparse.Namespace(reset=False, db=None, apple=None, actor=None,
                                    key_file=None), announce=True).close()
    out = capsys.readouterr().out
    assert str(try_dir()) in out
    assert "add-east-campus.vpptoken" in out and "renew-south-campus.vpptoken" in out
    assert "vpp-tui --demo token list" in out


def test_demo_token_files_add_and_renew_through_the_cli_with_demo(capsys, seeded) -> None:
    """Fault: the demo shipped no token file its Apple accepts, so add and renew could not
    be shown, and the CLI could not reach the demo store at all."""
    before = token_list(capsys)
    assert before["South Campus"]["state"] == "expiring_soon"
    assert "East Campus" not in before
    assert main(["--demo", "token", "add", str(try_dir() / "add-east-campus.vpptoken"),
                 "--name", "East Campus", "--apple-id", "admin@contoso.edu", "--consent",
                 "--account", "education"]) == 0
    assert main(["--demo", "token", "renew", "South Campus",
                 str(try_dir() / "renew-south-campus.vpptoken")]) == 0
    assert main(["--demo", "sync", "East Campus"]) == 0
    after = token_list(capsys)
    assert after["East Campus"]["state"] == "valid"
    assert after["East Campus"]["location_name"] == "East Campus"
    assert after["East Campus"]["app_count"] > 0
    assert after["South Campus"]["state"] == "valid"
    # The demo's Apple kept what happened: a second process sees the same world.
    assert main(["--demo", "sync", "South Campus"]) == 0


def test_demo_flag_lists_the_demo_tokens(capsys, seeded) -> None:
    listed = token_list(capsys)
    assert {"North Campus", "South Campus", "Old Annex", "Library", "Science Dept",
            "Music A", "Music B"} <= set(listed)
    assert not any(name.startswith(("East", "Arts")) for name in listed)


def test_demo_flag_with_db_apple_or_key_file_is_refused(capsys, tmp_path) -> None:
    for extra in (["--db", f"sqlite:///{tmp_path / 'x.db'}"], ["--apple", "sim"],
                  ["--key-file", str(tmp_path / "k.key")]):
        capsys.readouterr()
        assert main(["--demo", *extra, "token", "list"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and err.count("\n") == 1 and extra[0] in err
    assert not os.path.exists(tmp_path / "x.db")


def test_a_seeded_demo_loads_its_apple_world_only_when_apple_is_called(seeded) -> None:
    # Start-up (issue 13): `vpp-tui --demo token list` does not load the simulator.
    runtime = demo(actor=None)
    try:
        assert runtime.slot is not None and runtime.slot.value is None
        assert states(runtime)["North Campus"] == "valid"
        assert runtime.slot.value is None
        assert sync.sync_token(runtime.ctx, "North Campus").status == "completed"
        assert runtime.slot.value is not None
    finally:
        runtime.close()


# Start-up (issue 13): what `vpp-tui --demo token list` must not load on a seeded demo
# (whose store holds encrypted secrets): checked in the process, at its exit. Its reads
# are SQLAlchemy Core on `store.tables`: no SQLModel class is built, so neither SQLModel,
# pydantic nor the ORM is imported.
NOT_FOR_DEMO_TOKEN_LIST = ("textual", "alembic", "httpx", "vpp_tui.simulator", "vpp_tui.ui",
                           "cryptography", "babel", "sqlmodel", "pydantic", "sqlalchemy.orm",
                           "vpp_tui.store.models")
EXIT_PROBE = """
import atexit, json, sys

def report():
    sys.stderr.write("PROBE " + json.dumps({"modules": sorted(sys.modules)}) + "\\n")

atexit.register(report)
from vpp_tui.cli import entry
entry()
"""


@pytest.mark.parametrize("command", [["token", "list"], ["token", "list", "--json"],
                                     ["apps", "list"]], ids=["text", "json", "apps"])
def test_demo_token_and_apps_list_load_no_sqlmodel_orm_cryptography_babel_textual_alembic_or_simulator(
        seeded, command: list[str]) -> None:
    # The key check verifies a secret's HMAC (no cryptography), English text needs no
    # Babel, the seeded demo needs no simulator, the store at its head no Alembic; its
    # reads are SQLAlchemy Core on the generated `store.tables`, so SQLModel, pydantic and
    # the ORM (`store.models`) stay unloaded.
    done = subprocess.run([sys.executable, "-c", EXIT_PROBE, "--demo", *command],
                          capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "VPP_LANG": "en"})
    assert done.returncode == 0, done.stderr
    assert "North Campus" in done.stdout
    [line] = [x for x in done.stderr.splitlines() if x.startswith("PROBE ")]
    report = json.loads(line.removeprefix("PROBE "))
    found = [n for n in report["modules"]
             if any(n == p or n.startswith(p + ".") for p in NOT_FOR_DEMO_TOKEN_LIST)]
    assert found == []
