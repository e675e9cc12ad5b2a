"""Fault (breaker3): Ctrl-C (KeyboardInterrupt) while a posted batch's event is awaited.

`shield(client)` makes a posted batch survive `ctx.cancel`, but not a KeyboardInterrupt:
it propagates out of the event wait (revocation catches `Exception` only; licensing.apply
catches AppleError/OSError), so the batch Apple accepted is neither recorded in the
ledger nor audited, and the CLI then prints "interrupted; nothing was half-written".
Seen end to end: `vpp-tui token delete NC --revoke-licenses --yes` against a served
simulator, SIGINT after the 2nd POST /assets/revoke -> exit 130, Apple had revoked 411
more licenses than the store knew, the audit held only the 1st batch's eventId.
Same with `vpp-tui revoke --item "Exam Lockdown"` (SIGINT after POST /assets/disassociate):
store 500 used, Apple 0, no audit entry at all.
"""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from tests.services.licensing_helpers import NORTH, NORTH_UID, north, store_held
from vpp_tui.services import tokens
from vpp_tui.services.licensing.revoke import apply_revoke
from vpp_tui.store import models as m


class _CtrlCAfterPost(httpx.BaseTransport):
    """Passes requests on; after the `nth` POST to `path` succeeded, the next request
    raises KeyboardInterrupt (the admin pressed Ctrl-C while its event was awaited)."""

    def __init__(self, inner: httpx.BaseTransport, path: str, nth: int) -> None:
        self.inner, self.path, self.nth, self.posts = inner, path, nth, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.posts >= self.nth:
            self.posts = -10**9  # once
            raise KeyboardInterrupt
        response = self.inner.handle_request(request)
        if request.method == "POST" and self.path in request.url.path:
            self.posts += 1
        return response


def _apple_held(world) -> set[tuple[str, str, str, str]]:
    """Apple's assignments once every event it accepted has run (Apple finishes them)."""
    world.clock.advance(3600)
    world.sim.tick_all()
    return set(world.sim.location(NORTH_UID).assignments)


def _audited_events(world, action_prefix: str) -> set[str]:
    with world.ctx.store.session() as s:
        rows = s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action.startswith(action_prefix))).all()
    return {r.apple_event_id for r in rows if r.apple_event_id}


def test_ctrl_c_during_revoke_all_keeps_ledger_equal_to_apple(world) -> None:
    north(world)
    world.sim.limits["maxRevokeClientUserIds"] = 2
    world.sim.limits["maxRevokeSerialNumbers"] = 2
    world.transport.inner = _CtrlCAfterPost(world.transport.inner, "/assets/revoke", 2)
    with pytest.raises(KeyboardInterrupt):
        tokens.delete_token(world.ctx, NORTH, revoke_licenses=True)
    assert tokens.get_token(world.ctx, NORTH).token.name == NORTH  # not deleted
    assert store_held(world) == _apple_held(world)
    assert len(_audited_events(world, "license.revoke_all")) == 2  # both posted batches


def test_ctrl_c_during_revoke_item_keeps_ledger_equal_to_apple(world) -> None:
    north(world)
    world.transport.inner = _CtrlCAfterPost(world.transport.inner, "/assets/", 1)
    with pytest.raises(KeyboardInterrupt):
        apply_revoke(world.ctx, item="Exam Lockdown", token=NORTH)
    assert store_held(world) == _apple_held(world)
    assert _audited_events(world, "license.")
