"""The small world the ledger state machine drives, and the transport that watches the wire.

One location ("Ledger Campus") with two token files (the second one is the duplicate the
machine may add), an app with 2 licenses (so the waitlist happens), a book with 3, four
users (Managed Apple IDs, one with a personal Apple ID as well, one with no Apple ID yet),
three iPads, two user groups and a device group. A FakeClock, a 0.5 s event delay and no
rate limit: nothing sleeps for real.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from vpp_tui.apple.clock import FakeClock
from vpp_tui.apple.stoken import encode_token
from vpp_tui.services.context import ServiceContext
from vpp_tui.simulator.core import Simulator
from vpp_tui.simulator.lookup import make_result
from vpp_tui.simulator.state import AssetRecord, Location, TokenRecord
from vpp_tui.simulator.transport import SimulatorTransport
from vpp_tui.store.engine import Store

SIM_BASE = "http://vpp-sim.invalid/mdm/v2"
LOCATION_UID = "204902500077000001"
LOCATION = "Ledger Campus"
APP = "1484000101"  # Field Notes: 2 licenses
BOOK = "1590000202"  # Algebra I Workbook: 3 licenses
ITEMS = {APP: 2, BOOK: 3}
TOKENS = ("Ledger A", "Ledger B")
APPLE_ID = "vpp-admin@appleid.ledger.edu"
USERS = ("ana@ledger.edu", "ben@ledger.edu", "cleo@ledger.edu", "dan@ledger.edu")
SERIALS = ("LEDGERPAD001", "LEDGERPAD002", "LEDGERPAD003")
GROUPS = ("Class", "Pair", "iPads")
# Apple answers these with something written; client/config only when it claims.
WRITE_PATHS = ("/assets/associate", "/assets/disassociate", "/assets/revoke",
               "/users/create", "/users/update", "/users/retire", "/client/config")


def directory_doc() -> dict[str, Any]:
    """The directory file: ana and ben have Managed Apple IDs, cleo has both kinds."""
    users = [
        {"upn": USERS[0], "name": "Ana", "managed_apple_id": "ana@appleid.ledger.edu"},
        {"upn": USERS[1], "name": "Ben", "managed_apple_id": "ben@appleid.ledger.edu"},
        {"upn": USERS[2], "name": "Cleo", "managed_apple_id": "cleo@appleid.ledger.edu",
         "personal_apple_id": True},
        {"upn": USERS[3], "name": "Dan"},
    ]
    devices = [{"serial": s, "name": f"iPad {i + 1}", "platform": "iPadOS",
                "ownership": "corporate", "supervised": True, "enrollment": "automated",
                "primary_user": USERS[3] if i == 2 else None}
               for i, s in enumerate(SERIALS)]
    groups = [{"name": "Class", "kind": "user", "members": list(USERS)},
              {"name": "Pair", "kind": "user", "members": [USERS[3], USERS[1]]},
              {"name": "iPads", "kind": "device", "members": list(SERIALS)}]
    return {"users": users, "devices": devices, "groups": groups}


def build_sim(clock: FakeClock) -> Simulator:
    sim = Simulator(clock, page_size=50, event_delay=0.5, rate_limit=False)
    loc = sim.add_location(Location(uid=LOCATION_UID, name=LOCATION, org_name="Ledger Schools"))
    loc.add_asset(AssetRecord(adam_id=APP, pricing_param="STDQ", product_type="App",
                              total=ITEMS[APP], platforms=["iOS"]))
    loc.add_asset(AssetRecord(adam_id=BOOK, pricing_param="STDQ", product_type="Book",
                              total=ITEMS[BOOK], platforms=["iOS", "macOS"],
                              device_assignable=False, revocable=False))
    for index in range(2):
        expires = (clock.now() + timedelta(days=300, hours=index)).replace(microsecond=0)
        secret = f"ledger-secret-{index}-" + "x" * 40
        sim.add_token(TokenRecord(
            secret=secret, location_uid=LOCATION_UID, expires_at=expires,
            content=encode_token(secret, expires, loc.org_name), state="valid",
            reason="valid", filename=f"sToken_ledger_{index}.vpptoken"))
    sim.metadata["us"] = {
        APP: make_result(adam_id=APP, name="Field Notes", cc="us", kind="iosSoftware",
                         platforms=["iOS"], artist="Northwind Labs", version="4.2.1",
                         device_assignable=True),
        BOOK: make_result(adam_id=BOOK, name="Algebra I Workbook", cc="us", kind="epubBook",
                          platforms=[], artist="M. Chen", version=None,
                          device_assignable=False)}
    return sim


@dataclass
class Wire:
    """Every request and response, judged as it passes (apple-api.md §7.1, design.md ledger).

    A location is *foreign* from the first response whose `mdmInfo.id` is not this
    installation's until a response shows this installation's id again (take control).
    A write sent while its location is foreign is a violation, except a `/client/config`
    claim made by take-control. A token is *flagged* while its own last response with an
    `mdmInfo` showed a foreign id.
    """

    sim: Simulator
    mine: str = ""
    operation: str = ""
    foreign_locations: set[str] = field(default_factory=set)
    flagged_bearers: set[str] = field(default_factory=set)
    location_of: dict[str, str] = field(default_factory=dict)  # bearer -> location uId
    violations: list[str] = field(default_factory=list)
    log: list[tuple[str, str, str, int]] = field(default_factory=list)

    def before(self, request: httpx.Request, location: str | None) -> None:
        path = request.url.path.removeprefix("/mdm/v2")
        write = request.method == "POST" and path in WRITE_PATHS
        claim = path == "/client/config" and self.operation == "take_control"
        if write and not claim and location in self.foreign_locations:
            self.violations.append(f"{self.operation}: POST {path} after a foreign mdmInfo")

    def after(self, response: httpx.Response, location: str | None, bearer: str) -> None:
        try:
            body = json.loads(response.content or b"null")
        except ValueError:
            return
        info = body.get("mdmInfo") if isinstance(body, dict) else None
        if location is None or not isinstance(info, dict) or not info.get("id"):
            return
        if info["id"] == self.mine:
            # The location is ours again (take control): every token of it may write.
            self.foreign_locations.discard(location)
            self.flagged_bearers -= {b for b, where in self.location_of.items()
                                     if where == location} | {bearer}
        else:
            self.location_of[bearer] = location
            self.foreign_locations.add(location)
            self.flagged_bearers.add(bearer)


class WatchingTransport(httpx.BaseTransport):
    """The simulator's transport, with `Wire` told about each request and response."""

    def __init__(self, sim: Simulator, wire: Wire) -> None:
        self.inner = SimulatorTransport(sim)
        self.sim, self.wire = sim, wire

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        bearer = request.headers.get("authorization", "").partition(" ")[2].strip()
        record = self.sim.token_for_bearer(bearer) if bearer else None
        location = record.location_uid if record else None
        self.wire.before(request, location)
        response = self.inner.handle_request(request)
        self.wire.log.append((self.wire.operation, request.method, request.url.path,
                              response.status_code))
        self.wire.after(response, location, bearer)
        return response


@dataclass
class LedgerWorld:
    ctx: ServiceContext
    sim: Simulator
    clock: FakeClock
    wire: Wire
    doc: dict[str, Any]
    files: dict[str, str]  # token name -> the file content it was (or will be) added with


def make_ledger_world(store: Store, key_file: str) -> LedgerWorld:
    from vpp_tui.apple.client import AppleClient

    clock = FakeClock()
    sim = build_sim(clock)
    wire = Wire(sim)
    transport = WatchingTransport(sim, wire)
    ctx = ServiceContext(store=store, actor="ana", clock=clock, key_file=key_file)

    def factory(bearer: str, **kwargs: Any) -> AppleClient:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("cancel", ctx.cancel)
        kwargs.setdefault("poll_interval", 1.0)
        return AppleClient(bearer, base_url=SIM_BASE, transport=transport, **kwargs)

    ctx.apple = factory
    files = {name: t.content for name, t in zip(TOKENS, sim.tokens, strict=True)}
    return LedgerWorld(ctx, sim, clock, wire, copy.deepcopy(directory_doc()), files)
