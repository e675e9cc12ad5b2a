"""Services against the in-process simulator: a real store, real HTTP semantics, no sockets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from vpp_tui.apple.clock import FakeClock
from vpp_tui.services.context import ServiceContext
from vpp_tui.store.engine import Store

SIM_BASE = "http://vpp-sim.invalid/mdm/v2"


class FlakyTransport(httpx.BaseTransport):
    """Passes requests to the simulator until `fail_after`, then the network is gone.

    `on_request(count)`, when set, runs before each request is passed on (a test uses it
    to stop the work at an exact request: set the cancel event, or press Ctrl-C)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.fail_after: int | None = None
        self.on_request: Callable[[int], None] | None = None
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.on_request is not None:
            self.on_request(self.count)
        if self.fail_after is not None and self.count > self.fail_after:
            raise httpx.ConnectError("network unreachable", request=request)
        return self.inner.handle_request(request)


@dataclass
class World:
    ctx: ServiceContext
    sim: Any
    clock: FakeClock
    transport: FlakyTransport

    def token_file(self, location_name: str, index: int = 0) -> Any:
        matches = [f for f in self.sim.token_files() if f.location_name == location_name]
        return matches[index]


def make_world(store: Store, *, tmp_key: str, actor: str = "ana",
               clock: FakeClock | None = None, world: str = "demo",
               **world_options: Any) -> World:
    """`clock`: a FakeClock started where the test needs it (a CLI run in the same test
    reads the real time, so its world starts now); the fixed default otherwise. `world`
    and `world_options` (size, page_size…) go to `simulator.worlds.build_world`."""
    from vpp_tui.apple.client import AppleClient
    from vpp_tui.simulator.transport import SimulatorTransport
    from vpp_tui.simulator.worlds import build_world

    clock = clock or FakeClock()
    world_options.setdefault("event_delay", 2.0)
    sim = build_world(world, clock=clock, **world_options)
    transport = FlakyTransport(SimulatorTransport(sim))
    ctx = ServiceContext(store=store, actor=actor, clock=clock, key_file=tmp_key)

    def factory(bearer: str, **kwargs: Any) -> AppleClient:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("cancel", ctx.cancel)
        kwargs.setdefault("poll_interval", 1.0)
        return AppleClient(bearer, base_url=SIM_BASE, transport=transport, **kwargs)

    ctx.apple = factory
    return World(ctx=ctx, sim=sim, clock=clock, transport=transport)


@pytest.fixture
def world(store: Store, tmp_path) -> Iterator[World]:
    yield make_world(store, tmp_key=str(tmp_path / "k.key"))


@pytest.fixture
def sqlite_world(sqlite_store: Store, tmp_path) -> Iterator[World]:
    yield make_world(sqlite_store, tmp_key=str(tmp_path / "k.key"))
