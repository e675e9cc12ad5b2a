"""Fault (breaker3): cancelling "revoke all, then delete" after some batches were posted (console:
Tokens, del, D, y, then x on the job bar) reports and audits it as a failure that changed
nothing. Seen in the console against a served simulator:
  "Revoke all of NC, then delete it: cancelled. Apple revoked the licenses of 400 of 750
   users and devices of NC (recorded), then failed, so the rest were not revoked and the
   token was not deleted: stopped before it finished; nothing was changed"
and the audit entry `license.revoke_all` has result `failed` with that detail. The
ledger itself was right (store == Apple); the words are not: nothing failed, and 400
users and devices lost their licenses. `_revoke_all` catches `Cancelled` with every other
exception and builds `_partial_text(..., apple_failure_text(Cancelled))`.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.services.licensing_helpers import NORTH, north
from vpp_tui.services import tokens
from vpp_tui.store import models as m


def test_cancelled_revoke_all_says_cancelled_not_failed(sqlite_world) -> None:
    world = sqlite_world
    north(world)
    world.sim.limits["maxRevokeClientUserIds"] = 2
    world.sim.limits["maxRevokeSerialNumbers"] = 2
    inner = world.transport.inner

    class _CancelAfterFirstRevoke:
        def handle_request(self, request):  # noqa: ANN001, ANN202
            response = inner.handle_request(request)
            if request.method == "POST" and request.url.path.endswith("/assets/revoke"):
                world.ctx.cancel.set()  # the admin pressed x while batch 1 ran
            return response

    world.transport.inner = _CancelAfterFirstRevoke()
    with pytest.raises(Exception) as info:
        tokens.delete_token(world.ctx, NORTH, revoke_licenses=True)
    text = str(getattr(info.value, "message", info.value))
    with world.ctx.store.session() as s:
        last = s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == "license.revoke_all").order_by(
            m.AuditEntry.id.desc())).first()
    assert "nothing was changed" not in text and "then failed" not in text, text
    assert last.result == "cancelled", last.detail
    assert "before the cancel" in text and "was not deleted" in text, text
    assert tokens.get_token(world.ctx, NORTH).token.name == NORTH  # not deleted
