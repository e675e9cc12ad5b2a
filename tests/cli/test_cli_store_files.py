"""The store on disk: private files, migrations that several processes may start at once,
and a store from a newer vpp-tui refused in one line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from vpp_tui.cli import main
from vpp_tui.store.engine import open_store

WAIT_THEN_RUN = """
import sys
from vpp_tui.cli import main
import vpp_tui.store.engine, vpp_tui.store.models, alembic.command  # everything loaded first
sys.stderr.write("ready\\n"); sys.stderr.flush()
sys.stdin.read(1)  # the barrier: every process is released by one byte on its stdin
sys.exit(main(sys.argv[1:]))
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_store_files_are_private(tmp_path) -> None:
    old_umask = os.umask(0o022)
    try:
        assert main(["token", "list", "--json"]) == 0
        folder = tmp_path / "data"
        db = folder / "vpp.db"
        store = open_store(f"sqlite:///{db}")
        try:
            with store.engine.connect() as connection:  # WAL and SHM exist while it is open
                connection.execute(text("SELECT count(*) FROM tokens")).one()
                files = [db, db.with_name("vpp.db-wal"), db.with_name("vpp.db-shm")]
                assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        finally:
            store.close()
        assert mode(folder) == 0o700

        from vpp_tui.apple.clock import FakeClock
        from vpp_tui.simulator.worlds import build_world

        sim_file = folder / "demo.db.sim"  # the demo's Apple world holds token secrets
        build_world("demo", clock=FakeClock()).save(sim_file)
        assert mode(sim_file) == 0o600
    finally:
        os.umask(old_umask)


def test_existing_world_readable_store_files_lose_world_access(tmp_path) -> None:
    db = tmp_path / "old.db"
    open_store(f"sqlite:///{db}").close()
    db.chmod(0o644)
    open_store(f"sqlite:///{db}").close()
    assert mode(db) & 0o007 == 0


def test_four_processes_open_a_fresh_store_at_once(store_url, tmp_path) -> None:
    env = dict(os.environ, VPP_KEY_FILE=str(tmp_path / "k.key"))
    args = ["--db", store_url, "token", "list", "--json"]
    processes = [subprocess.Popen([sys.executable, "-c", WAIT_THEN_RUN, *args],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
                 for _ in range(4)]
    for process in processes:
        assert process.stderr is not None
        assert process.stderr.readline() == "ready\n"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go")
        process.stdin.flush()
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert json.loads(out) == []


def test_newer_store_revision_is_one_error_line(store_url, capsys) -> None:
    store = open_store(store_url)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    store.close()
    code = main(["--db", store_url, "token", "list"])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0] == ("error: this store was written by a newer vpp-tui (revision "
                        "9999_future); upgrade vpp-tui")


@pytest.mark.parametrize("kind", ["not_a_database", "a_folder"])
def test_unreadable_store_file_says_what_is_wrong_and_what_to_do(tmp_path, capsys,
                                                                kind) -> None:  # noqa: ANN001
    """Fault: an unreadable store file ended its error line with SQLAlchemy's "(Background
    on this error at: https://sqlalche.me/…)" and no advice."""
    path = tmp_path / "s.db"
    if kind == "a_folder":
        path.mkdir()
    else:
        path.write_text("garbage\n", encoding="utf-8")
    code = main(["--db", f"sqlite:///{path}", "token", "list"])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert "sqlalche.me" not in err and "Background on this error" not in err, err
    assert "--db" in err and "permissions" in err, err
