"""A demo-world simulator on a FakeClock, and a small client that speaks to it in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from vpp_tui.apple.clock import FakeClock
from vpp_tui.simulator.core import Simulator
from vpp_tui.simulator.notify import Notifier
from vpp_tui.simulator.transport import BASE_URL, SimulatorTransport
from vpp_tui.simulator.worlds import build_world

ORIGIN = "http://vpp-sim.invalid"


class Caller:
    """One token's view of the simulator: httpx over the in-process transport."""

    def __init__(self, sim: Simulator, bearer: str | None) -> None:
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        self.http = httpx.Client(transport=SimulatorTransport(sim), base_url=BASE_URL,
                                 headers=headers)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params)

    def post(self, path: str, body: Any) -> httpx.Response:
        return self.http.post(path, json=body)

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> dict[str, Any]:
        r = self.get(path, **params) if method == "GET" else self.post(path, body)
        assert r.status_code == 200, r.text
        assert "errorNumber" not in r.json(), r.text
        return r.json()

    def error(self, method: str, path: str, body: Any = None, **params: Any) -> tuple[int, int]:
        r = self.get(path, **params) if method == "GET" else self.post(path, body)
        return r.status_code, r.json().get("errorNumber")


def bearer_of(sim: Simulator, location: str, index: int = 0) -> str:
    return [f for f in sim.token_files() if f.location_name == location][index].content


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Inbox:
    """A notification receiver in-process: records each POST, answers `status` (or raises
    ConnectionError while `reachable` is False)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.status = 200
        self.reachable = True

    def __call__(self, url: str, headers: dict[str, str], body: bytes) -> int:
        if not self.reachable:
            raise ConnectionError("connection refused")
        self.received.append((url, headers, json.loads(body)))
        return self.status

    def of_type(self, notification_type: str) -> list[dict[str, Any]]:
        return [b for _u, _h, b in self.received if b["notificationType"] == notification_type]


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def sim(clock: FakeClock, inbox: Inbox) -> Iterator[Simulator]:
    # Rate limiting has its own tests; elsewhere it would only add noise.
    world = build_world("demo", clock=clock, event_delay=2.0, rate_limit=False)
    world.notifier = Notifier(post=inbox, delays=())  # never the network
    yield world
    world.notifier.close()


@pytest.fixture
def north(sim: Simulator) -> Caller:
    return Caller(sim, bearer_of(sim, "North Campus"))


def asset_row(caller: Caller, adam_id: str, pricing: str = "STDQ") -> dict[str, Any]:
    rows = caller.ok("GET", "/assets", adamId=adam_id, pricingParam=pricing)["assets"]
    assert len(rows) == 1
    return rows[0]


def finish(caller: Caller, clock: FakeClock, event_id: str) -> dict[str, Any]:
    clock.advance(60)
    return caller.ok("GET", "/status", eventId=event_id)
