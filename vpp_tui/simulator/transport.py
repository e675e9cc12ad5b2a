"""An httpx transport that answers from an in-process Simulator: no sockets, same bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from vpp_tui.simulator.core import Simulator

BASE_URL = "http://vpp-sim.invalid/mdm/v2"


class SimulatorTransport(httpx.BaseTransport):
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        status, headers, content = self.sim.handle(
            request.method, str(request.url), dict(request.headers), body)
        return httpx.Response(status, headers=headers, content=content, request=request)
