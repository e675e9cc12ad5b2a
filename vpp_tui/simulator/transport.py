"""An httpx transport that answers from an in-process Simulator: no sockets, same bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from pathlib import Path

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


class SavingTransport(httpx.BaseTransport):
    """Keeps the demo's Apple world on disk after every change, so a console that is killed
    (a dropped SSH session) leaves Apple's side and the demo store in step: `inner`
    answers, then the simulator is saved to `path` after every request but a GET."""

    def __init__(self, inner: httpx.BaseTransport, simulator: Simulator, path: Path) -> None:
        self.inner, self.simulator, self.path = inner, simulator, path

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method != "GET":
            self.simulator.save(self.path)
        return response
