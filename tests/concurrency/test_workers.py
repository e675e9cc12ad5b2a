"""`vpp-tui worker` processes sharing one PostgreSQL store (issue 13, several hosts): two
workers released by a barrier never run one job; SIGTERM hands a running job back; a
SIGKILLed worker's job is claimed again once its lease has run out and then finishes.
The rules themselves (claim order, lease expiry, hand back) are tested in-process in
tests/services/test_jobs.py; these are the end-to-end proofs with real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.concurrency.crowd import Admin, Crowd
from tests.concurrency.scenario import APPLE_ID, assert_clean, db_url, serve
from vpp_tui.cli import main
from vpp_tui.domain import jobs as rules
from vpp_tui.services import leases
from vpp_tui.services.context import os_login
from vpp_tui.store import models as m
from vpp_tui.store.engine import open_store

JOBS = 24
WAIT = 120  # seconds a bound waits for what must happen; never reached when all is well
ASSIGNMENTS_READ = '"GET /mdm/v2/assignments?'


def job_rows(db: str) -> list[m.Job]:
    store = open_store(db, migrate=False)
    try:
        with store.session() as s:
            return list(s.exec(select(m.Job).order_by(m.Job.id)).all())
    finally:
        store.close()


def until(check, what: str) -> None:  # noqa: ANN001
    """Poll the store (other processes' progress: there is no event to await) until
    `check()` is true, at most WAIT seconds."""
    pause = threading.Event()
    deadline = datetime.now(UTC).timestamp() + WAIT
    while not check():
        assert datetime.now(UTC).timestamp() < deadline, f"never: {what}"
        pause.wait(0.1)


def add_north(admin: Admin, sim) -> None:  # noqa: ANN001
    """North added (taking control) in this process: the first sync is a worker's job."""
    assert main([*admin.argv("--as", os_login(), "--key-file", admin.env["VPP_KEY_FILE"],
                             "token", "add", str(sim.token_file()), "--name", "North",
                             "--apple-id", APPLE_ID, "--consent", "--take-control")]) == 0


def start_worker(admin: Admin, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "vpp_tui.cli", *admin.argv(
        "worker", "--no-due", "--json", *extra)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=admin.env)


def report(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err
    return json.loads(out[out.index("{"):])


def test_two_workers_released_together_never_run_one_job(tmp_path, request,
                                                         simulators) -> None:
    sim = serve(tmp_path, "--event-delay", "0")
    simulators.append(sim)
    admin = Admin(db_url("postgresql", tmp_path, request), sim.base_url,
                  tmp_path / "store.key")
    crowd = Crowd(admin, [["worker", "--once", "--no-due", "--concurrency", "2", "--json"]
                          for _ in range(2)])
    add_north(admin, sim)
    store = open_store(admin.db, migrate=False)
    try:
        with store.session() as s:  # many at once: the claims race, not Apple's work
            for i in range(JOBS):  # one sync; the rest end at once (no such group: exit 2)
                s.add(m.Job(kind=rules.SYNC, token_name="North", payload={}, actor=os_login(),
                            state=rules.QUEUED) if i == 0 else m.Job(
                    kind=rules.UNASSIGN, token_name="North", actor=os_login(),
                    payload={"item": "Star Chart", "group": "Loaner iPads"},
                    state=rules.QUEUED))
    finally:
        store.close()
    crowd.wait_ready()
    crowd.go()
    ends = crowd.finish(timeout=WAIT)
    assert_clean(ends)
    reports = [json.loads(e.stdout[e.stdout.index("{"):]) for e in ends]
    assert sum(r["done"] + r["failed"] for r in reports) == JOBS, reports
    assert sum(r["lost"] for r in reports) == 0, reports
    rows = job_rows(admin.db)
    assert {(r.kind, r.state, r.attempts, r.exit_status) for r in rows} == {
        (rules.SYNC, rules.DONE, 1, 0), (rules.UNASSIGN, rules.FAILED, 1, 2)}, [
        (r.id, r.state, r.attempts, r.result) for r in rows]


def test_sigterm_hands_back_and_a_killed_workers_job_is_claimed_again(tmp_path, request,
                                                                      simulators) -> None:
    sim = serve(tmp_path, "--event-delay", "0",
                "--fault", "latency:ms=1500:path=/users:count=*")
    simulators.append(sim)
    admin = Admin(db_url("postgresql", tmp_path, request), sim.base_url,
                  tmp_path / "store.key")
    add_north(admin, sim)
    admin.env[leases.ENV_PERIOD] = "2"  # a dead worker's job is free again after 2 s
    assert main([*admin.argv("--as", os_login(), "--key-file", admin.env["VPP_KEY_FILE"],
                             "sync", "North", "--queue")]) == 0
    (row,) = job_rows(admin.db)
    job_id = row.id

    start = sim.mark()
    stopped = start_worker(admin)
    assert sim.wait_for(ASSIGNMENTS_READ, start=start, timeout=WAIT), "never synced"
    stopped.send_signal(signal.SIGTERM)
    assert report(stopped)["handed_back"] == 1
    (row,) = job_rows(admin.db)
    assert (row.state, row.attempts, row.claimed_by) == (rules.QUEUED, 0, None)

    start = sim.mark()
    killed = start_worker(admin)
    assert sim.wait_for(ASSIGNMENTS_READ, start=start, timeout=WAIT), "never synced"
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(WAIT)
    (row,) = job_rows(admin.db)
    assert (row.state, row.attempts) == (rules.RUNNING, 1)
    assert f":{killed.pid}:" in (row.claimed_by or "")

    heir = start_worker(admin)
    until(lambda: job_rows(admin.db)[0].state == rules.DONE, "the job was claimed again")
    heir.send_signal(signal.SIGTERM)
    assert report(heir)["done"] == 1
    (row,) = job_rows(admin.db)
    assert (row.id, row.attempts, row.exit_status) == (job_id, 2, 0)
    assert row.result.startswith("completed"), row.result


@pytest.fixture(autouse=True)
def _postgres_only(pg_server) -> None:  # noqa: ANN001
    if pg_server is None:
        pytest.skip("PostgreSQL binaries not installed (set VPP_TEST_POSTGRES=required to fail)")
