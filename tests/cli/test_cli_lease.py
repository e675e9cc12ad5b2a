"""Issue 9 item 3 with real processes: two `vpp-tui sync` of one token against a served
simulator over loopback, on a real SQLite file and a real PostgreSQL.

Only one syncs at a time even when the sync outlives its first lease period (the heartbeat
renews it), and after kill -9 of a syncing process `sync --break-lease` lets the next sync
run at once. The lease period is shortened with VPP_LEASE_SECONDS so this takes seconds.

The simulator holds the first sync's first /users request (a `hold` fault) until the test
releases it, so that sync is still running for as long as the test needs, whatever the
machine's load, and ends as soon as the test lets it (no fixed latency to sit out).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import select

from tests import simserver
from tests.cli.test_cli_tokens import Admin
from vpp_tui.services import leases
from vpp_tui.store import models as m
from vpp_tui.store.engine import open_store

NAME = "North"
WAIT = 120


class SimLog:
    """Drains the served simulator's output (uvicorn's access log) in a thread and lets a
    test wait for the n-th request line containing a text."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()

    def count(self, text: str) -> int:
        with self.changed:
            return sum(text in line for line in self.lines)

    def wait_for(self, text: str, n: int) -> None:
        """Until the log has `n` lines containing `text` (uvicorn logs a request once it is
        answered)."""
        with self.changed:
            assert self.changed.wait_for(lambda: sum(text in ln for ln in self.lines) >= n,
                                         WAIT), "".join(self.lines[-20:])


def release_holds(sim: simserver.ServedSimulator) -> None:
    """Let the held /users request go on (POST /_simulator/control)."""
    origin = sim.base_url.removesuffix("/mdm/v2")
    httpx.post(f"{origin}/_simulator/control", json={"release_holds": True},
               timeout=30).raise_for_status()


@pytest.fixture
def slow_users(tmp_path_factory):
    """A served simulator that holds the first /users request until `release_holds`."""
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--control",
                          "--fault", f"hold:path=/users:timeout={WAIT}")
    log = SimLog(sim.process)
    yield sim, log
    release_holds(sim)  # a held request would keep the server from stopping
    sim.stop()


def lease_row(url: str) -> m.Lease | None:
    store = open_store(url, migrate=False)
    try:
        with store.session() as s:
            return s.exec(select(m.Lease).where(m.Lease.owner.is_not(None))).first()
    finally:
        store.close()


def held_longer_than(url: str, seconds: float) -> None:
    """Until the lease has been held `seconds` (by the wall clock) by a still-live holder."""
    stop = threading.Event()
    deadline = datetime.now(UTC) + timedelta(seconds=WAIT)
    while datetime.now(UTC) < deadline:
        row = lease_row(url)
        assert row is not None and row.acquired_at is not None, "the lease was let go"
        if datetime.now(UTC) - row.acquired_at > timedelta(seconds=seconds):
            assert row.expires_at > row.acquired_at + timedelta(seconds=seconds / 2), \
                "a long sync's lease was never renewed"
            return
        stop.wait(0.1)  # another process's progress: nothing to await but the store
    raise AssertionError("the lease was never held that long")


def start_sync(admin: Admin, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "vpp_tui.cli", "--db", admin.db, "--apple",
                             admin.apple, "sync", NAME, "--json", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=admin.env)


def test_two_sync_processes_never_sync_one_token_at_once(slow_users, tmp_path,
                                                         store_url) -> None:
    sim, log = slow_users
    admin = Admin(tmp_path, sim.base_url, db=store_url)
    admin.env[leases.ENV_PERIOD] = "1"  # renewed every 0.25 s
    north = next(e for e in sim.manifest["tokens"] if e["location_name"] == "North Campus")
    admin.ok("token", "add", str(sim.tokens_dir / north["file"]), "--name", NAME,
             "--apple-id", "vpp@appleid.contoso.edu", "--consent")

    seen = log.count("/assignments")
    first = start_sync(admin, "--full")
    log.wait_for("/assignments", seen + 1)  # the first sync holds the lease, reads Apple
    held_longer_than(store_url, 2.0)  # two lease periods: alive only through renewals
    second = json.loads(admin.ok("sync", NAME, "--json"))
    assert first.poll() is None, "the first sync ended before the second one tried"
    assert (second[0]["status"], second[0]["skip_reason"]) == ("skipped", "busy"), second
    release_holds(sim)
    out, err = first.communicate(timeout=WAIT)
    assert first.returncode == 0, err
    assert json.loads(out)[0]["status"] == "completed"


def test_after_kill_9_break_lease_lets_the_next_sync_run_at_once(slow_users, tmp_path,
                                                                 store_url) -> None:
    sim, log = slow_users
    admin = Admin(tmp_path, sim.base_url, db=store_url)
    admin.env[leases.ENV_PERIOD] = "600"  # a dead holder would block for ten minutes
    north = next(e for e in sim.manifest["tokens"] if e["location_name"] == "North Campus")
    admin.ok("token", "add", str(sim.tokens_dir / north["file"]), "--name", NAME,
             "--apple-id", "vpp@appleid.contoso.edu", "--consent")

    seen = log.count("/assignments")
    doomed = start_sync(admin, "--full")
    log.wait_for("/assignments", seen + 1)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(WAIT)
    release_holds(sim)  # its /users request is answered to nobody; the next ones are not held
    busy = json.loads(admin.ok("sync", NAME, "--json"))
    assert busy[0]["skip_reason"] == "busy"  # the dead holder's lease still looks live

    broken = admin.ok("sync", "--break-lease", NAME)
    assert f":{doomed.pid}:" in broken and "since" in broken, broken
    assert any(e["action"] == "token.lease_break" for e in admin.audit())
    done = json.loads(admin.ok("sync", NAME, "--json"))
    assert done[0]["status"] == "completed", done
    again = admin.ok("sync", "--break-lease", NAME)
    assert "no lease" in again
