"""A scripted Apple for client tests: real httpx request/response handling, no network.

Routes map a path suffix to a handler or to a queue of canned answers; every request is
recorded with the FakeClock time it was sent at, so pacing can be checked.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from vpp_tui.apple.client import AppleClient
from vpp_tui.apple.clock import FakeClock

# Apple's documented bodies, copied into the repository: a clone needs nothing beside it.
EXAMPLES_FILE = Path(__file__).resolve().parents[1] / "simulator" / "data" / "apple-examples.json"
EXAMPLES: dict[str, Any] = json.loads(EXAMPLES_FILE.read_text())
BASE = "http://apple.test/mdm/v2"

SERVICE_CONFIG: dict[str, Any] = {
    "limits": {"maxAssets": 2, "maxClientUserIds": 3, "maxSerialNumbers": 3,
               "maxRevokeClientUserIds": 2, "maxRevokeSerialNumbers": 2, "maxUsers": 2,
               "maxRequestPerSecond": 5},
    "urls": {"contentMetadataLookup": "http://store.test/lookup",
             "invitationEmail": "http://store.test/invite?inviteCode=%25inviteCode%25&mt=8"},
}

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response] | Exception


def ok(body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


def fail(status: int, number: int | None, message: str = "", **headers: str
         ) -> httpx.Response:
    body: dict[str, Any] = {"errorMessage": message or "failure"}
    if number is not None:
        body["errorNumber"] = number
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class Sent:
    method: str
    path: str
    params: dict[str, str]
    body: Any
    headers: dict[str, str]
    at: float


@dataclass
class FakeApple:
    clock: FakeClock = field(default_factory=FakeClock)
    service_config: dict[str, Any] = field(default_factory=lambda: dict(SERVICE_CONFIG))
    routes: dict[str, list[Answer] | Callable[[httpx.Request], httpx.Response]] = \
        field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)

    def on(self, path: str, *answers: Answer) -> None:
        """Answers for `path`, used in order; the last one repeats."""
        self.routes[path] = list(answers)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        body = json.loads(request.content) if request.content else None
        self.sent.append(Sent(request.method, path, dict(request.url.params), body,
                              dict(request.headers), self.clock.monotonic()))
        if path.endswith("/service/config"):
            return ok(self.service_config)
        route = self._match(path)
        if route is None:
            return fail(404, 9602, f"no route {path}")
        if callable(route):
            return route(request)
        answer = route.pop(0) if len(route) > 1 else route[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def _match(self, path: str) -> Any:
        best = None
        for suffix, route in self.routes.items():
            if path.endswith(suffix) and (best is None or len(suffix) > len(best[0])):
                best = (suffix, route)
        return best[1] if best else None

    def calls(self, suffix: str) -> list[Sent]:
        return [s for s in self.sent if s.path.endswith(suffix)]

    def client(self, bearer: str = "tok", **kwargs: Any) -> AppleClient:
        kwargs.setdefault("clock", self.clock)
        kwargs.setdefault("rng", random.Random(7))
        kwargs.setdefault("poll_interval", 30.0)
        return AppleClient(bearer, base_url=BASE, transport=httpx.MockTransport(self.handle),
                           **kwargs)


def envelope(**fields: Any) -> dict[str, Any]:
    return {"uId": "2049025000431439", "tokenExpirationDate": "2030-11-08T22:33:22+0000",
            **fields}
