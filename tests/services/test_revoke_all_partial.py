"""Fault: `token delete --revoke-licenses` lost what Apple already did when Apple failed
part-way. Apple revoked the first batch, then failed: the store still showed those
licenses as held and the audit had no entry with that batch's eventId. Each batch Apple
accepted is now recorded in its own short transaction as it completes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.services.licensing_helpers import NORTH, NORTH_UID, north, store_held
from vpp_tui.services import tokens
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.store import models as m


def _apple_held(world) -> set[tuple[str, str, str, str]]:
    return set(world.sim.location(NORTH_UID).assignments)


def test_revoke_all_failing_part_way_keeps_what_apple_revoked(world) -> None:
    north(world)
    assert store_held(world) == _apple_held(world)  # the ledger equals Apple's
    world.sim.limits["maxRevokeClientUserIds"] = 2
    world.sim.limits["maxRevokeSerialNumbers"] = 2
    before = _apple_held(world)
    world.sim.add_fault("5xx:status=500:count=*:path=revoke:after=1")
    with pytest.raises(ServiceError) as info:
        tokens.delete_token(world.ctx, NORTH, revoke_licenses=True)
    assert not isinstance(info.value, InvalidInput)  # exit 1
    text = info.value.message
    assert "\n" not in text and "deleted" in text
    assert tokens.get_token(world.ctx, NORTH).token.name == NORTH  # not deleted
    after = _apple_held(world)
    assert after < before  # Apple revoked the first batch
    assert store_held(world) == after  # ... and the ledger says so
    with world.ctx.store.session() as s:
        entries = s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == "license.revoke_all")).all()
    assert any(e.apple_event_id and e.result == "ok" for e in entries)
    assert any(e.result == "failed" for e in entries)
