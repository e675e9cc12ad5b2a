"""The client compares `mdmInfo.id` on every answer, reads and writes alike, and once one
shows another MDM it sends nothing more (apple-api.md §7.1 step 3, §7.3)."""

from __future__ import annotations

import pytest

from tests.integration.test_client_vs_simulator import MINE, World, free_app
from vpp_tui.apple import errors as e
from vpp_tui.apple.models import RequestUser


@pytest.fixture
def world() -> World:
    return World()


def test_a_write_answer_with_a_foreign_owner_stops_the_client(world: World) -> None:
    with world.client(mdm_id=MINE) as client:
        client.claim(MINE, "vpp-tui", "test")
        app = free_app(client)
        world.sim.claim_by_other(world.location().uid, "Jamf Pro")
        with pytest.raises(e.MdmConflict) as info:
            client.associate([app], serial_numbers=["SERIAL-A"], wait=False)
        assert info.value.mdm_name == "Jamf Pro"
        assert info.value.location_id == world.location().uid
        assert info.value.event_id  # Apple had accepted that request
        assert client.conflict is not None
        sent = client.requests_made
        posts = world.transport.count("/assets/associate")
        for call in (lambda: client.associate([app], serial_numbers=["SERIAL-B"]),
                     lambda: client.revoke(serial_numbers=["SERIAL-A"]),
                     lambda: client.create_users([RequestUser(clientUserId="u-1")]),
                     client.client_config, client.assets):
            with pytest.raises(e.MdmConflict):
                call()
        assert client.requests_made == sent  # nothing more was sent
        assert world.transport.count("/assets/associate") == posts


def test_a_status_answer_with_a_foreign_owner_names_the_accepted_event(world: World) -> None:
    with world.client(mdm_id=MINE) as client:
        client.claim(MINE, "vpp-tui", "test")
        app = free_app(client)
        outcome = client.associate([app], serial_numbers=["SERIAL-C"], wait=False)[0]
        world.sim.claim_by_other(world.location().uid, "Jamf Pro")
        with pytest.raises(e.MdmConflict) as info:
            client.wait_event(outcome.event_id)
        assert client.conflict is not None and info.value.mdm_name == "Jamf Pro"


def test_the_claim_itself_is_not_refused(world: World) -> None:
    world.sim.claim_by_other(world.location().uid, "Jamf Pro")
    with world.client(mdm_id=MINE) as client:
        claimed = client.claim(MINE, "vpp-tui", "taking over")
        assert claimed.mdmInfo and claimed.mdmInfo.id == MINE
        assert client.conflict is None
        client.client_config()  # ours again: reads pass
