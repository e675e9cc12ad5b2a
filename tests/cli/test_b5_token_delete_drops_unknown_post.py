"""Fixed (breaker5): `token delete --revoke-licenses` killed (SIGKILL) while Apple holds its revoke
POST leaves `apple.revoke` unknown, as it should; but the admin's next `token delete NAME
--yes` (no --revoke-licenses) goes through at once: it reports "1880 licenses left with
Apple" (Apple revoked some of them), and the unknown post vanishes from `vpp-tui status`
(exit 0, "healthy") while its audit entry stays `unknown` forever: nothing can settle it
any more (no token to sync). The crash lost the revoke's outcome after all.

Repro (served simulator, SQLite):
    vpp-tui simulator --port 18555 --event-delay 3 --tokens-dir tok
    vpp-tui directory import dir.json; vpp-tui token add tok/…north… --name North …
    vpp-tui sync North
    vpp-tui token delete North --yes --revoke-licenses &  sleep 4; kill -9 $!
    vpp-tui status            # exit 1: token North: posted to Apple, outcome unknown …
    vpp-tui token delete North --yes     # exit 0 (the dead holder's lease not even asked)
    vpp-tui status            # exit 0 "healthy"; audit: apple.revoke still "unknown"
Guess: services/tokens (delete) never consults apple_posts.any_open; status/unsettled
only joins posts to existing tokens (apple_posts.unsettled / unsettled_lines).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests import simserver
from tests.cli.test_cli_lease import WAIT, SimLog, release_holds
from tests.cli.test_cli_post_killed import NAME, _setup, _until_held
from tests.cli.test_cli_tokens import Admin


@pytest.fixture
def held_revoke(tmp_path_factory):
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--event-delay", "0",
                          "--control", "--fault", f"hold:path=/assets/revoke:timeout={WAIT}")
    SimLog(sim.process)
    yield sim
    release_holds(sim)
    sim.stop()


def test_an_unknown_post_survives_the_token_delete(held_revoke, tmp_path, store_url) -> None:
    sim = held_revoke
    admin = Admin(tmp_path, sim.base_url, db=store_url)
    _setup(admin, sim, tmp_path)
    doomed = subprocess.Popen([sys.executable, "-m", "vpp_tui.cli", "--db", admin.db,
                               "--apple", admin.apple, "token", "delete", NAME, "--yes",
                               "--revoke-licenses"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=admin.env)
    _until_held(sim)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.communicate(timeout=WAIT)
    release_holds(sim)  # Apple revokes them now
    assert admin.run("status").returncode == 1

    delete = admin.run("token", "delete", NAME, "--yes")
    status = admin.run("status")
    # Either the delete waits for the post to be settled, or status keeps showing it.
    assert delete.returncode != 0 or (status.returncode == 1
                                      and "outcome unknown" in status.stdout), (
        delete.stdout, status.stdout)
