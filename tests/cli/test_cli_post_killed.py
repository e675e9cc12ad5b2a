"""A `vpp-tui revoke` killed (SIGKILL) after Apple took its POST and before it recorded the
answer: the audit must still know what was posted (issue 13 round, "crashes must lose
nothing"), and the next sync settles it. Real processes: the served simulator on loopback,
the CLI, a real SQLite file and a real PostgreSQL.

The simulator holds the first GET /status (a `hold` fault) so the CLI sits between its
POST and the answer for as long as the test needs; the test waits for uvicorn's log line
of the answered POST (an event, not a timer), then kills the CLI. Before the fix the audit
held nothing of that batch: no eventId, no targets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import httpx
import pytest
from sqlmodel import select

from tests import simserver
from tests.cli.test_cli_lease import WAIT, SimLog, release_holds
from tests.cli.test_cli_tokens import Admin
from vpp_tui.apple.client import AppleClient
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store import models as m
from vpp_tui.store.engine import open_store

NAME = "North"
ITEM = "Exam Lockdown"
ENDED = "posted to Apple, outcome unknown (the process ended)"


@pytest.fixture
def held_status(tmp_path_factory):
    """A served simulator whose events complete at once and whose first GET /status is
    held until `release_holds`."""
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--event-delay", "0",
                          "--control", "--fault", f"hold:path=/status:timeout={WAIT}")
    log = SimLog(sim.process)
    yield sim, log
    release_holds(sim)
    sim.stop()


@pytest.fixture
def held_post(tmp_path_factory):
    """A served simulator that holds the first POST /assets/disassociate (before Apple acts
    on it) until `release_holds`; Apple then takes it, the client long gone."""
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--event-delay", "0",
                          "--control", "--fault",
                          f"hold:path=/assets/disassociate:timeout={WAIT}")
    SimLog(sim.process)  # drain its output
    yield sim
    release_holds(sim)
    sim.stop()


def _until_held(sim) -> None:
    """Until the simulator holds a request (its `hold` fault fired): the POST's bytes have
    reached Apple and its answer is not sent."""
    origin = sim.base_url.removesuffix("/mdm/v2")
    stop = threading.Event()
    for _ in range(WAIT * 20):
        faults = httpx.get(f"{origin}/_simulator/control", timeout=30).json()["faults"]
        if any(f["kind"] == "hold" and f["fired"] for f in faults):
            return
        stop.wait(0.05)  # another process's progress: nothing to await but its state
    raise AssertionError("the POST never reached the simulator")


def _setup(admin: Admin, sim, tmp_path) -> str:
    entry = next(e for e in sim.manifest["tokens"] if e["location_name"] == "North Campus")
    token_file = str(sim.tokens_dir / entry["file"])
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps(demo_directory()))
    admin.ok("directory", "import", str(directory))
    admin.ok("token", "add", token_file, "--name", NAME, "--apple-id",
             "vpp@appleid.contoso.edu", "--consent", "--take-control")
    admin.ok("sync", NAME)
    return token_file


def _start_revoke(admin: Admin) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "vpp_tui.cli", "--db", admin.db,
                             "--apple", admin.apple, "revoke", "--item", ITEM, "--token",
                             NAME], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=admin.env)


def _apple_held(sim, token_file: str) -> set[tuple[str, str, str]]:
    """Apple's assignments of the location: (adamId, kind, holder)."""
    raw = open(token_file).read().strip()
    with AppleClient(raw, base_url=sim.base_url) as client:
        return {(a.adamId, "user" if a.clientUserId else "device",
                 a.clientUserId or a.serialNumber or "") for a in client.assignments().items}


def _store_held(url: str) -> tuple[set[tuple[str, str, str]], list[m.Asset]]:
    store = open_store(url, migrate=False)
    try:
        with store.session() as s:
            rows = s.exec(select(m.License, m.Asset).join(
                m.Asset, m.Asset.id == m.License.asset_id).where(
                m.License.status == "licensed")).all()
            assets = list(s.exec(select(m.Asset)).all())
    finally:
        store.close()
    return ({(a.adam_id, lic.kind, (lic.client_user_id if lic.kind == "user"
                                    else lic.serial) or "") for lic, a in rows}, assets)


def _adam_id(url: str, name: str) -> str:
    store = open_store(url, migrate=False)
    try:
        with store.session() as s:
            return s.exec(select(m.Asset.adam_id).where(m.Asset.name == name)).one()
    finally:
        store.close()


def test_revoke_killed_after_the_post_is_in_the_audit_and_settled_by_sync(
        held_status, tmp_path, store_url) -> None:
    sim, log = held_status
    admin = Admin(tmp_path, sim.base_url, db=store_url)
    token_file = _setup(admin, sim, tmp_path)
    asked = sorted(who for a, _kind, who in _store_held(store_url)[0]
                   if a == _adam_id(store_url, ITEM))

    seen = log.count("/assets/disassociate")
    doomed = _start_revoke(admin)
    log.wait_for("/assets/disassociate", seen + 1)  # Apple answered the POST
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.communicate(timeout=WAIT)
    release_holds(sim)

    posts = [e for e in admin.audit() if e["action"] == "apple.disassociate"]
    assert len(posts) == 1, posts
    post = posts[0]
    assert post["result"] == "unknown" and post["detail"].startswith(ENDED), post
    assert asked and all(who in post["detail"] for who in asked), post
    status = admin.run("status")
    assert ENDED in status.stdout and status.returncode == 1, status.stdout

    admin.ok("sync", "--break-lease", NAME)  # the dead holder's lease (kill -9)
    done = json.loads(admin.ok("sync", NAME, "--json"))
    assert done[0]["status"] == "completed", done
    settled = [e for e in admin.audit() if e["action"] == "apple.disassociate"]
    assert {e["result"] for e in settled} == {"settled"}, settled
    assert any(e["detail"].startswith(f"settled by sync: 0 of {len(asked)} now assigned")
               for e in settled), [e["detail"][:200] for e in settled]
    assert ENDED not in admin.run("status").stdout

    held, assets = _store_held(store_url)
    assert held == _apple_held(sim, token_file)
    assert all(a.assigned + a.available == a.total for a in assets if not a.unlimited)


def test_ctrl_c_while_the_post_is_on_its_way_says_the_outcome_is_unknown(
        held_post, tmp_path, store_url) -> None:
    """Gap 2 as an admin meets it: SIGINT while Apple holds the POST. Before the fix the
    batch was "not sent", the CLI said "nothing was half-written" and the audit had no
    trace, though Apple went on to disassociate every license."""
    sim = held_post
    admin = Admin(tmp_path, sim.base_url, db=store_url)
    token_file = _setup(admin, sim, tmp_path)
    asked = sorted(who for a, _kind, who in _store_held(store_url)[0]
                   if a == _adam_id(store_url, ITEM))
    run = _start_revoke(admin)
    _until_held(sim)
    run.send_signal(signal.SIGINT)
    _out, err = run.communicate(timeout=WAIT)
    assert run.returncode == 130, err
    assert "nothing was half-written" not in err and f"sync {NAME}" in err, err
    release_holds(sim)  # Apple acts on the POST now

    [post] = [e for e in admin.audit() if e["action"] == "apple.disassociate"]
    assert post["result"] == "unknown", post
    assert post["detail"].startswith("posted to Apple, outcome unknown: disassociate")
    assert all(who in post["detail"] for who in asked), post
    done = json.loads(admin.ok("sync", NAME, "--json"))
    assert done[0]["status"] == "completed", done
    assert any(e["detail"].startswith(f"settled by sync: 0 of {len(asked)} now assigned")
               for e in admin.audit() if e["action"] == "apple.disassociate")
    held, assets = _store_held(store_url)
    assert held == _apple_held(sim, token_file)
    assert all(a.assigned + a.available == a.total for a in assets if not a.unlimited)
