"""Fault (breaker3): when Apple refused the token itself (9622, 9625…) during "revoke all,
then delete", the error read "Apple could not be reached: Apple error 9622: …" (a worded
ServiceError was worded again as unreachable), and the token stayed `valid`: only a sync
parked it. A write now parks it through sync's rule (`services.tokens.faults`)."""

from __future__ import annotations

import pytest

from tests.services.licensing_helpers import NORTH, NORTH_UID, north
from vpp_tui.services import tokens
from vpp_tui.services.errors import ServiceError


def test_revoke_all_with_a_refused_token_says_so_and_marks_it_invalid(world) -> None:
    north(world)
    world.sim.revoke_token(NORTH_UID)  # Apple answers 9625 (401) from now on
    with pytest.raises(ServiceError) as info:
        tokens.delete_token(world.ctx, NORTH, revoke_licenses=True)
    text = info.value.message
    assert "could not be reached" not in text and "9625" in text, text
    view = tokens.get_token(world.ctx, NORTH).token
    assert view.name == NORTH and view.state == "invalid"
