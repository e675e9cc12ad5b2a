"""Fixed (breaker4, intent): Ctrl-C twice while a revoke's posted batch is awaited leaves the store
claiming licenses Apple has revoked, and the next sync (a delta one) does not repair it.

`Held.wait` gives up on the second Ctrl-C ("Apple took the batch, its outcome is
unknown"); the batch is audited UNKNOWN and the docstring of `revocation._await_and_record`
says "sync reads what Apple did". But a delta sync only lists assignments added since the
last versionId (Apple's and the simulator's delta never lists a removal), and nothing marks
the token for a full sync, so the rows stay "licensed" until the next scheduled full sync.

Seen end to end (served simulator, `--event-delay 12`, SQLite store):
    vpp-tui assign "Code Garden" --group "Science Staff" --intent required --license user
    vpp-tui revoke --item "Code Garden" --json   # SIGINT twice while its event runs
      -> exit 130, "error: interrupted; nothing was half-written"
    vpp-tui sync North            # "delta: 27 assets, 0 assignments"
    vpp-tui licenses "Code Garden"
      -> "0 used of 80, 80 available", and still 12 holders listed as licensed;
         `status` and `reconcile` flag nothing. Only `sync --full` repairs it.

Now the batch's post entry (`services.apple_posts`) stays open, `status` lists it, and the
token's next sync reads Apple in full and settles it.
"""

from __future__ import annotations

import httpx
import pytest

from tests.services.licensing_helpers import NORTH, NORTH_UID, north, store_held
from vpp_tui.services import sync
from vpp_tui.services.licensing.revoke import apply_revoke


class _CtrlCTwiceAfterPost(httpx.BaseTransport):
    """Passes requests on; once a POST to `path` succeeded, the next two requests (the
    event waits) raise KeyboardInterrupt: the admin pressed Ctrl-C twice."""

    def __init__(self, inner: httpx.BaseTransport, path: str) -> None:
        self.inner, self.path, self.armed, self.left = inner, path, False, 2

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and self.left:
            self.left -= 1
            raise KeyboardInterrupt
        response = self.inner.handle_request(request)
        if request.method == "POST" and self.path in request.url.path:
            self.armed = True
        return response


def test_sync_after_ctrl_c_twice_in_revoke_matches_apple(world) -> None:
    north(world)
    inner = world.transport.inner
    world.transport.inner = _CtrlCTwiceAfterPost(inner, "/assets/disassociate")
    with pytest.raises(KeyboardInterrupt):
        apply_revoke(world.ctx, item="Exam Lockdown", token=NORTH)
    world.transport.inner = inner
    world.clock.advance(60)  # Apple finishes the event it accepted
    world.sim.tick_all()
    apple = set(world.sim.location(NORTH_UID).assignments)
    assert sync.sync_token(world.ctx, NORTH).status == "completed"
    assert store_held(world) - apple == set()  # licenses the store claims, Apple revoked
    assert store_held(world) == apple
