"""The steps every concurrency test takes: a store URL on either database, a served
simulator, an admin who imported the Loaner iPads and added and synced North, and the two
end checks (clean exits; the store equals Apple)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.concurrency.agree import read_apple, short, store_problems
from tests.concurrency.crowd import Admin, Finished
from tests.concurrency.served import ServedSimulator
from vpp_tui.cli import main
from vpp_tui.services.context import os_login
from vpp_tui.simulator.worlds import demo_directory

NORTH_UID = "204902500043143901"
APPLE_ID = "vpp@appleid.contoso.edu"


def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh store URL: a SQLite file in tmp_path, or a new database on the session's
    PostgreSQL server (skipped when PostgreSQL is not installed and not required)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("PostgreSQL binaries not installed (set VPP_TEST_POSTGRES=required to fail)")
    return server.create_database()


def serve(tmp_path: Path, *extra: str) -> ServedSimulator:
    """The demo world served on loopback with `--control` and these `vpp-tui simulator`
    options; the caller stops it (the `simulators` fixture does)."""
    return ServedSimulator(tmp_path / "tokens", *extra)


def loaner_directory() -> dict:
    """The demo directory cut to the group the tests assign to (Loaner iPads: 10 devices)
    and the people those devices belong to: a smaller import, the same rules."""
    full = demo_directory()
    group = next(g for g in full["groups"] if g["name"] == "Loaner iPads")
    devices = [d for d in full["devices"] if d["serial"] in set(group["members"])]
    people = {d.get("primary_user") for d in devices}
    return {"users": [u for u in full["users"] if u["upn"] in people], "devices": devices,
            "groups": [group]}


def set_up(admin: Admin, sim: ServedSimulator, tmp_path: Path) -> None:
    """Directory import, North added (taking control) and synced, in this process (the
    CLI's own `main`, without the 1 s start of a new interpreter)."""
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps(loaner_directory()))
    base = ["--db", admin.db, "--apple", admin.apple, "--as", os_login(),
            "--key-file", admin.env["VPP_KEY_FILE"]]
    for args in (["directory", "import", str(directory)],
                 ["token", "add", str(sim.token_file()), "--name", "North", "--apple-id",
                  APPLE_ID, "--consent", "--take-control"],
                 ["sync", "North"]):
        assert main([*base, *args]) == 0, args


def assert_clean(ends: list[Finished]) -> None:
    """Every process exited 0 or with a clean `error:` line, and none printed a traceback."""
    bad = [e.summary() for e in ends if not e.clean]
    assert not bad, "processes crashed or failed without an error line:\n" + "\n".join(bad)


def assert_store_equals_apple(sim: ServedSimulator, admin: Admin) -> None:
    """Faults off, then the store's licenses and counts for North equal Apple's."""
    sim.control(clear_faults=True)
    apple = read_apple(sim.base_url, sim.token_file().read_text())
    problems = store_problems(admin.db, NORTH_UID, apple)
    assert not problems, "the store differs from Apple:\n" + short(problems)
