"""The Apple client end to end against the simulator: in-process, and over real loopback HTTP.

Everything a console sync or licence change does is driven through the real client, and
what the simulator holds afterwards is checked against what the client reported.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from vpp_tui.apple import errors as e
from vpp_tui.apple.client import AppleClient
from vpp_tui.apple.clock import FakeClock
from vpp_tui.apple.models import Asset, RequestUser

SIM_BASE = "http://vpp-sim.invalid/mdm/v2"
MINE = "6a1d7f0e-0000-4000-8000-00000000beef"


class Recorder(httpx.BaseTransport):
    """Records every answer's status and errorNumber on its way back to the client."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.answers: list[tuple[str, str, int, int | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        try:
            number = json.loads(content).get("errorNumber")
        except (ValueError, AttributeError):
            number = None
        self.answers.append((request.method, request.url.path, response.status_code, number))
        return response

    def count(self, suffix: str) -> int:
        return sum(1 for a in self.answers if a[1].endswith(suffix))


class World:
    def __init__(self) -> None:
        from vpp_tui.simulator.transport import SimulatorTransport
        from vpp_tui.simulator.worlds import build_world

        self.clock = FakeClock()
        self.sim = build_world("demo", clock=self.clock, event_delay=2.0)
        self.transport = Recorder(SimulatorTransport(self.sim))

    def token(self, state: str = "valid") -> Any:
        return next(t for t in self.sim.token_files() if t.state == state)

    def location(self, state: str = "valid") -> Any:
        return self.sim.locations[self.token(state).location_id]

    def client(self, state: str = "valid", *, bearer: str | None = None,
               **kwargs: Any) -> AppleClient:
        kwargs.setdefault("clock", self.clock)
        kwargs.setdefault("poll_interval", 1.0)
        kwargs.setdefault("rng", random.Random(0))
        return AppleClient(bearer if bearer is not None else self.token(state).content,
                           base_url=SIM_BASE, transport=self.transport, **kwargs)


@pytest.fixture
def world() -> World:
    return World()


def free_app(client: AppleClient, need: int = 2) -> Asset:
    """A device-assignable app with licences to spare, as the client sees it."""
    for a in client.assets(productType="App", deviceAssignable=True).items:
        if (a.availableCount or 0) >= need:
            return Asset(adamId=a.adamId, pricingParam=a.pricingParam)
    raise AssertionError("the demo world has no app with spare licences")


# -- reading ------------------------------------------------------------------------------------
def test_full_sync_returns_everything_the_location_holds(world: World) -> None:
    world.sim.page_size = 37  # many pages, read five at a time
    loc = world.location()
    with world.client() as client:
        assets = client.assets()
        assignments = client.assignments()
        users = client.users()
    assert {(a.adamId, a.pricingParam) for a in assets.items + assets.unlimited} == \
        set(loc.assets)
    assert len(assignments.items) == len(loc.assignments) > 37 * 5
    assert len({(a.adamId, a.pricingParam, a.clientUserId, a.serialNumber)
                for a in assignments.items}) == \
        len(loc.assignments)
    assert len(users.items) == len(loc.users)
    assert assignments.version_id and users.version_id and not assignments.delta
    assert all(a[3] != 9646 for a in world.transport.answers)


def test_delta_sync_returns_the_changes_since_the_saved_version(world: World) -> None:
    with world.client() as client:
        first = client.assignments()
        users_first = client.users()
        app = free_app(client)
        client.associate([app], serial_numbers=["DELTA-SERIAL-1"])
        client.create_users([RequestUser(clientUserId="delta-user",
                                         email="delta@example.org")])
        delta = client.assignments(since_version_id=first.version_id)
        users_delta = client.users(since_version_id=users_first.version_id)
    assert delta.delta and delta.version_id != first.version_id
    assert [(a.adamId, a.serialNumber) for a in delta.items] == \
        [(app.adamId, "DELTA-SERIAL-1")]
    assert users_delta.delta and [u.clientUserId for u in users_delta.items] == ["delta-user"]


def test_an_unknown_version_gives_a_full_read(world: World) -> None:
    with world.client() as client:
        result = client.assignments(since_version_id="not-a-version")
    assert not result.delta and len(result.items) == len(world.location().assignments)


def test_metadata_lookup_names_the_locations_apps(world: World) -> None:
    loc = world.location()
    with world.client() as client:
        config = client.client_config()
        ids = sorted({a.adamId for a in client.assets().items if a.adamId})
        found = client.lookup_metadata(ids, config.countryISO2ACode or "US",
                                       config.defaultPlatform or "volumestore")
        missing = client.lookup_metadata(["1"], "US", "volumestore")
    assert found and set(found) <= set(ids) and len(ids) == len({k[0] for k in loc.assets})
    assert all(m.name for m in found.values())
    assert missing == {}


# -- managing ------------------------------------------------------------------------------------
def test_associate_disassociate_and_revoke_complete_their_events(world: World) -> None:
    with world.client() as client:
        app = free_app(client, need=3)
        before = client.assets(adamId=app.adamId).items[0].availableCount or 0
        serials = ["INT-1", "INT-2", "INT-3"]
        [added] = client.associate([app], serial_numbers=serials)
        assert (added.status, added.num_completed, added.num_requested) == ("COMPLETE", 3, 3)
        assert client.assets(adamId=app.adamId).items[0].availableCount == before - 3
        [removed] = client.disassociate([app], serial_numbers=["INT-1"])
        [revoked] = client.revoke(serial_numbers=["INT-2", "INT-3"])
        held = {a.serialNumber for a in client.assignments(adamId=app.adamId).items}
        after = client.assets(adamId=app.adamId).items[0].availableCount
    assert removed.ok and revoked.ok and revoked.event_type == "REVOKE"
    assert not held & set(serials) and after == before
    assert world.clock.slept and max(world.clock.slept) <= 1.0  # polled, never slept long


def test_users_are_created_updated_and_retired(world: World) -> None:
    with world.client() as client:
        [made] = client.create_users([RequestUser(clientUserId="int-u1",
                                                  email="u1@example.org")])
        [user] = client.users(clientUserId="int-u1").items
        assert made.ok and user.status == "Registered" and user.inviteCode
        link = client.invitation_link(user.inviteCode)
        [changed] = client.update_users([RequestUser(clientUserId="int-u1",
                                                     email="u1.new@example.org")])
        [user] = client.users(clientUserId="int-u1").items
        assert changed.ok and user.email == "u1.new@example.org"
        [retired] = client.retire_users(["int-u1"])
        statuses = [u.status for u in client.users(clientUserId="int-u1").items]
    assert retired.ok and statuses == ["Retired"]
    assert user.inviteCode in link and "%25inviteCode%25" not in link


def test_large_requests_are_split_to_the_service_config_limits(world: World) -> None:
    world.sim.limits.update(maxAssets=2, maxSerialNumbers=3)
    with world.client() as client:
        apps = [Asset(adamId=a.adamId, pricingParam=a.pricingParam)
                for a in client.assets(productType="App", deviceAssignable=True).items
                if (a.availableCount or 0) >= 4][:3]
        outcomes = client.associate(apps, serial_numbers=[f"SPLIT-{i}" for i in range(4)])
    assert len(apps) == 3 and len(outcomes) == 4 and all(o.ok for o in outcomes)
    assert sum(o.num_completed or 0 for o in outcomes) == 12
    assert all(a[3] not in (9700, 9701, 9702) for a in world.transport.answers)


# -- errors of §5 ---------------------------------------------------------------------------------
def test_not_enough_licences_fails_the_excess_targets(world: World) -> None:
    loc = world.location()
    world.sim.purchase(loc.name, "990000001", 1)
    with world.client() as client:
        [outcome] = client.associate([Asset(adamId="990000001", pricingParam="STDQ")],
                                     serial_numbers=["NL-1", "NL-2"])
    assert outcome.status == "FAILED" and outcome.num_completed == 1
    assert list(outcome.failed_targets().values()) == [9709]


def test_unknown_user_is_reported_as_user_not_found(world: World) -> None:
    with world.client() as client:
        app = free_app(client)
        try:
            [outcome] = client.associate([app], client_user_ids=["nobody-here"])
        except e.UserNotFound:
            return  # Apple also lists 9609 as a synchronous 400
    assert outcome.failed_targets() == {"nobody-here": 9609}


def test_existing_user_is_reported_as_user_exists(world: World) -> None:
    existing = next(u for u in world.location().users if u.status != "Retired")
    with world.client() as client:
        try:
            [outcome] = client.create_users([RequestUser(clientUserId=existing.client_user_id,
                                                         email="x@example.org")])
        except e.UserExists:
            return
    assert outcome.failed_targets() == {existing.client_user_id: 9716}


def test_device_assignment_of_a_user_only_app_is_refused(world: World) -> None:
    world.sim.purchase(world.location().name, "990000002", 5, device_assignable=False)
    with pytest.raises(e.NotDeviceAssignable) as info, world.client() as client:
        client.associate([Asset(adamId="990000002", pricingParam="STDQ")],
                         serial_numbers=["ND-1"])
    assert info.value.error_number == 9707 and "users" in str(info.value)


def test_taking_back_a_book_is_refused(world: World) -> None:
    loc = world.location()
    world.sim.purchase(loc.name, "990000003", 5, product_type="Book")
    user = next(u for u in loc.users if u.status != "Retired")
    book = Asset(adamId="990000003", pricingParam="STDQ")
    with world.client() as client:
        client.associate([book], client_user_ids=[user.client_user_id])
        with pytest.raises(e.NotRevocable):
            client.disassociate([book], client_user_ids=[user.client_user_id])


def test_unknown_event_is_event_not_found(world: World) -> None:
    with pytest.raises(e.EventNotFound), world.client() as client:
        client.wait_event("00000000-0000-0000-0000-000000000000")


@pytest.mark.parametrize(("state", "cls", "number"), [
    ("expired", e.TokenExpired, 9621), ("invalid", e.TokenRevoked, 9625)])
def test_bad_tokens_raise_token_faults(world: World, state: str, cls: type,
                                       number: int) -> None:
    with pytest.raises(cls) as info, world.client(state) as client:
        client.client_config()
    assert info.value.error_number == number and e.is_token_fault(info.value)


def test_a_token_revoked_mid_session_is_reported(world: World) -> None:
    with world.client() as client:
        client.client_config()
        world.sim.revoke_token(world.location().uid)
        with pytest.raises(e.TokenRevoked):
            client.assets()


def test_a_mangled_bearer_is_token_invalid(world: World) -> None:
    with pytest.raises(e.TokenInvalid) as info, world.client(bearer="not-a-token") as client:
        client.client_config()
    assert e.is_token_fault(info.value)


# -- ownership ------------------------------------------------------------------------------------
def test_claim_then_another_mdm_takes_over(world: World) -> None:
    with world.client(mdm_id=MINE) as client:
        assert client.client_config().mdmInfo is None
        claimed = client.claim(MINE, "vpp-tui", "integration test")
        assert claimed.mdmInfo and claimed.mdmInfo.id == MINE
        client.assets()  # our own mdmInfo on every answer: fine
        world.sim.claim_by_other(world.location().uid, "Jamf Pro")
        with pytest.raises(e.MdmConflict) as info:
            client.users()
    assert info.value.mdm_name == "Jamf Pro" and info.value.mdm_id != MINE


def test_a_location_held_by_another_mdm_is_detected_on_first_contact(world: World) -> None:
    with pytest.raises(e.MdmConflict) as info, \
            world.client("assigned_to_external_mdm", mdm_id=MINE) as client:
        client.client_config()
    assert info.value.mdm_name == "Jamf Pro"


# -- fault injection ----------------------------------------------------------------------------
def test_a_burst_of_429s_is_ridden_out(world: World) -> None:
    world.sim.add_fault("429:count=3:retry_after=2")
    with world.client() as client:
        assert client.client_config().locationName == world.location().name
        assert client.requests_made == 1 + 4
    assert 2.0 in world.clock.slept


def test_server_errors_on_reads_are_retried(world: World) -> None:
    world.sim.add_fault("5xx:status=503:count=2:retry_after=5")
    world.sim.add_fault("5xx:status=500:count=1:path=/users")
    with world.client() as client:
        assert client.client_config().uId
        assert client.users().items
    assert world.transport.count("/client/config") == 3 and world.transport.count("/users") == 2


def test_errors_in_http_200_are_retried(world: World) -> None:
    world.sim.add_fault("error200:code=9646:count=2")
    with world.client() as client:
        assert client.client_config().uId


def test_sustained_throttling_ends_in_a_clear_gave_up(world: World) -> None:
    world.sim.add_fault("429:count=*:path=/assets")
    with pytest.raises(e.GaveUp) as info, world.client(max_attempts=4) as client:
        client.assets()
    assert world.transport.count("/assets") == 4
    assert isinstance(info.value.last, e.RateLimited)
    assert "4 attempts" in str(info.value) and "\n" not in str(info.value)


def test_a_server_error_on_a_management_post_is_not_resent(world: World) -> None:
    world.sim.add_fault("5xx:status=500:path=/assets/associate")
    with world.client() as client:
        app = free_app(client)
        with pytest.raises(e.ServerBusy):
            client.associate([app], serial_numbers=["NO-RESEND"])
    assert world.transport.count("/assets/associate") == 1


def test_a_throttled_management_post_is_resent(world: World) -> None:
    world.sim.add_fault("429:count=2:path=/users/create")
    with world.client() as client:
        [outcome] = client.create_users([RequestUser(clientUserId="throttled-u",
                                                     email="t@example.org")])
    assert outcome.ok and world.transport.count("/users/create") == 3


def test_the_client_never_trips_the_simulators_rate_limit(world: World) -> None:
    world.sim.page_size = 10
    with world.client() as client:
        client.assets()
        client.assignments()
        client.users()
        for i in range(20):
            client.client_config()
            client.users(clientUserId=f"nobody-{i}")
    assert len(world.transport.answers) > 200
    assert [a for a in world.transport.answers if a[2] == 429 or a[3] == 9646] == []


def test_cancel_stops_a_sync_between_requests(world: World) -> None:
    from vpp_tui.apple.clock import Cancelled

    cancel = threading.Event()
    world.sim.page_size = 10

    def progress(stage: str, done: int, total: int) -> None:
        if done >= 3:
            cancel.set()

    with pytest.raises(Cancelled), world.client(cancel=cancel, on_progress=progress) as client:
        client.assignments()
    assert world.transport.count("/assignments") < len(world.location().assignments) // 10


# -- real loopback HTTP ---------------------------------------------------------------------------
@pytest.fixture
def served(world: World) -> Iterator[str]:
    """uvicorn serving the simulator on 127.0.0.1, an ephemeral port, in a thread."""
    import uvicorn

    from vpp_tui.simulator.app import create_app

    ready = threading.Event()

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            ready.set()

    config = uvicorn.Config(create_app(world.sim), host="127.0.0.1", port=0,
                            log_level="warning", lifespan="off")
    server = Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    assert ready.wait(timeout=20), "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/mdm/v2"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def test_sync_and_manage_over_loopback_http(world: World, served: str) -> None:
    world.sim.page_size = 50
    world.sim.add_fault("429:count=2:path=/users")
    token = world.token().content
    with AppleClient(token, base_url=served, clock=world.clock, poll_interval=1.0,
                     rng=random.Random(0), mdm_id=MINE) as client:
        client.claim(MINE, "vpp-tui", "loopback")
        assets = client.assets()
        assignments = client.assignments()
        users = client.users()
        app = free_app(client)
        [outcome] = client.associate([app], serial_numbers=["LOOP-1"])
        delta = client.assignments(since_version_id=assignments.version_id)
        names = client.lookup_metadata([a.adamId for a in assets.items if a.adamId][:5],
                                       "US", "volumestore")
    loc = world.location()
    assert len(assignments.items) == len(loc.assignments) - 1
    assert len(users.items) == len(loc.users) and outcome.ok
    assert [a.serialNumber for a in delta.items] == ["LOOP-1"] and names


def test_token_fault_over_loopback_http(world: World, served: str) -> None:
    with pytest.raises(e.TokenExpired), \
            AppleClient(world.token("expired").content, base_url=served,
                        clock=world.clock) as client:
        client.client_config()
