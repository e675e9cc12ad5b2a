"""The simulator: Apple's App and Book Management API v2 over in-memory state.

`Simulator.handle(method, url, headers, body)` is the whole HTTP surface; the httpx transport
and the ASGI app both call it. It is synchronous and serialised by one lock, so the console's
worker threads see the consistent, one-writer-at-a-time service Apple presents per location.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from vpp_tui.apple.clock import Clock
from vpp_tui.apple.stoken import TokenFileError, decode_token, format_exp_date
from vpp_tui.simulator import control, events, lookup
from vpp_tui.simulator.admin import AdminMixin
from vpp_tui.simulator.errors import ApiError, message
from vpp_tui.simulator.faults import Fault
from vpp_tui.simulator.notify import Notifier
from vpp_tui.simulator.notify import payloads as notices
from vpp_tui.simulator.request import Request, Response, json_response
from vpp_tui.simulator.routes import assets as routes_assets
from vpp_tui.simulator.routes import config as routes_config
from vpp_tui.simulator.routes import users as routes_users
from vpp_tui.simulator.state import Location, TokenRecord

Handler = Callable[["Simulator", Request], dict[str, Any]]

DEFAULT_LIMITS = {
    "maxAssets": 25, "maxUsers": 100, "maxNotificationLength": 512,
    "maxRevokeClientUserIds": 100, "maxClientUserIds": 1000, "maxSerialNumbers": 1000,
    "maxRevokeSerialNumbers": 100, "maxRequestPerSecond": 15, "maxSubscriptions": 25,
    "maxSubscriptionClientUserIds": 1000, "maxMdmNameLength": 100,
    "maxMdmMetadataLength": 255, "maxMdmIdLength": 100,
}

# path below /mdm/v2 -> (methods, handler, needs a token)
ROUTES: dict[str, tuple[frozenset[str], Handler, bool]] = {
    "/service/config": (frozenset({"GET"}), routes_config.service_config, False),
    "/client/config": (frozenset({"GET", "POST"}), routes_config.client_config, True),
    "/assets": (frozenset({"GET"}), routes_assets.get_assets, True),
    "/assignments": (frozenset({"GET"}), routes_assets.get_assignments, True),
    "/assets/associate": (frozenset({"POST"}), routes_assets.associate, True),
    "/assets/disassociate": (frozenset({"POST"}), routes_assets.disassociate, True),
    "/assets/revoke": (frozenset({"POST"}), routes_assets.revoke, True),
    "/users": (frozenset({"GET"}), routes_users.get_users, True),
    "/users/create": (frozenset({"POST"}), routes_users.create_users, True),
    "/users/update": (frozenset({"POST"}), routes_users.update_users, True),
    "/users/retire": (frozenset({"POST"}), routes_users.retire_users, True),
    "/status": (frozenset({"GET"}), routes_config.status, True),
}


@dataclass(frozen=True)
class TokenFile:
    location_name: str
    location_id: str
    filename: str
    content: str
    state: str
    reason: str


class Simulator(AdminMixin):
    def __init__(self, clock: Clock, *, page_size: int = 500, event_delay: float = 2.0,
                 rate_limit: bool = True, auth_errors_in_200: bool = False,
                 expiry_window_days: int | None = None) -> None:
        self.clock = clock
        self.page_size = page_size
        self.event_delay = event_delay
        self.rate_limit = rate_limit
        # Fleet saw auth errors inside HTTP 200 (apple-api.md §11.1): a quirk switch.
        self.auth_errors_in_200 = auth_errors_in_200
        # None: tokenExpirationDate on every response (as every Apple example shows it).
        self.expiry_window_days = expiry_window_days
        self.limits: dict[str, int] = dict(DEFAULT_LIMITS)
        self.locations: dict[str, Location] = {}
        self.tokens: list[TokenRecord] = []
        self.metadata: dict[str, dict[str, dict[str, Any]]] = {}  # cc -> adamId -> result
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self.requests_seen = 0
        # `vpp-tui simulator --control`: serve /_simulator/control (simulator.control).
        self.control = False
        self.holds = threading.Event()  # set by release_holds: `hold` faults wait on it
        self._by_secret: dict[str, TokenRecord] = {}
        self._windows: dict[str, deque[float]] = {}
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        # Sends what Apple POSTs to a location's notificationUrl (simulator.notify).
        self.notifier = Notifier()

    # -- building ----------------------------------------------------------------------------
    def add_location(self, location: Location) -> Location:
        self.locations[location.uid] = location
        return location

    def add_token(self, record: TokenRecord) -> TokenRecord:
        self.tokens.append(record)
        self._by_secret[record.secret] = record
        return record

    def token_files(self) -> list[TokenFile]:
        return [TokenFile(location_name=self.locations[t.location_uid].name,
                          location_id=t.location_uid, filename=t.filename, content=t.content,
                          state=t.state, reason=t.reason) for t in self.tokens]

    def now_ts(self) -> float:
        return self.clock.now().timestamp()

    def start_event(self, loc: Location, event_type: str, tasks: list[list[Any]]) -> str:
        event = events.new_event(loc, event_type, tasks, self.now_ts(), self.event_delay)
        self.advance(loc, event)
        return event.event_id

    def advance(self, loc: Location, event: events.Event) -> None:
        """Run the event's due tasks; when that finishes it, its notifications are queued."""
        if events.advance(loc, event, self.now_ts()):
            for body in notices.for_event(loc, event):
                self.notify(loc, body)

    def notify(self, loc: Location, envelope: dict[str, Any]) -> None:
        """Queue `envelope` for the location's notificationUrl when it subscribes to its
        type (apple-api.md §8); no URL, no notification. Never blocks on the receiver."""
        if loc.notification_url and envelope["notificationType"] in loc.notification_types:
            self.notifier.enqueue(loc.notification_url, loc.notification_auth_token or "",
                                  envelope)

    def tick_all(self) -> None:
        """Finish what is due in every location (Apple finishes events without being
        polled); the served simulator calls it periodically so notifications go out."""
        with self.lock:
            for loc in self.locations.values():
                self._tick(loc)

    def cached(self, loc: Location, kind: str, seq: object, key: tuple,
               build: Callable[[], Any]) -> Any:
        """Filtered lists reused across the pages of one traversal (scale worlds page 300k)."""
        full = (loc.uid, kind, seq, key)
        if full in self._cache:
            self._cache.move_to_end(full)
            return self._cache[full]
        value = build()
        self._cache[full] = value
        while len(self._cache) > 16:
            self._cache.popitem(last=False)
        return value

    # -- HTTP ----------------------------------------------------------------------------------
    def handle(self, method: str, url: str, headers: Mapping[str, str] | None = None,
               body: bytes | None = None) -> Response:
        parts = urlsplit(url)
        req = Request(method=method.upper(), path=parts.path or "/",
                      query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                      headers={k.lower(): v for k, v in (headers or {}).items()},
                      body=body or b"", origin=f"{parts.scheme or 'http'}://{parts.netloc}")
        if self.control and req.path == control.CONTROL_PATH:
            return control.handle(self, req)  # the operator's hand: no faults, no token
        with self.lock:
            self.requests_seen += 1
            delay, forced, hold = self._faults_for(req)
            gate = self.holds
        if hold is not None:
            gate.wait(hold)  # a `hold` fault: until /_simulator/control releases it
        if delay > 0:
            # Outside the lock: a slow answer must not stall every other caller.
            self.clock.sleep(delay)
        with self.lock:
            if forced is not None:
                return forced
            try:
                return self._dispatch(req)
            except ApiError as exc:
                status = exc.status
                if self.auth_errors_in_200 and exc.number in (9601, 9621, 9622, 9625):
                    status = 200
                return json_response(status, exc.body(), exc.headers)

    def _dispatch(self, req: Request) -> Response:
        if req.path == routes_config.LOOKUP_PATH:
            return lookup.handle(self, req)
        if req.path == routes_config.INVITE_PATH:
            return lookup.accept_invite(self, req)
        if not req.path.startswith(routes_config.API + "/"):
            raise ApiError(9634, status=404)
        route = ROUTES.get(req.path[len(routes_config.API):].rstrip("/"))
        if route is None:
            raise ApiError(9634, status=404)
        methods, handler, needs_token = route
        if req.method not in methods:
            raise ApiError(9726)
        if not needs_token:
            return json_response(200, handler(self, req))
        self._authenticate(req)
        self._check_rate(req.loc)
        self._tick(req.loc)
        body = handler(self, req)
        return json_response(200, self._envelope(req, body))

    def _envelope(self, req: Request, body: dict[str, Any]) -> dict[str, Any]:
        assert req.token is not None
        body["uId"] = req.loc.uid
        expires = req.token.reported_expiry
        window = self.expiry_window_days
        if window is None or (expires - self.clock.now()).total_seconds() <= window * 86400:
            body["tokenExpirationDate"] = format_exp_date(expires)
        if req.loc.mdm_info:
            body["mdmInfo"] = dict(req.loc.mdm_info)
        return dict(sorted(body.items()))

    def token_for_bearer(self, bearer: str) -> TokenRecord | None:
        """The token record a bearer names, or None; no error numbers (for peeking)."""
        try:
            decoded = decode_token(bearer)
        except TokenFileError:
            return None
        return self._by_secret.get(decoded.token)

    def _authenticate(self, req: Request) -> None:
        header = req.headers.get("authorization", "")
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(9722)
        bearer = value.strip()
        try:
            secret = decode_token(bearer).token
        except TokenFileError as exc:
            raise ApiError(9622) from exc
        record = self._by_secret.get(secret)
        if record is None:
            raise ApiError(9601)
        if record.content.strip() != bearer:
            # Apple compares the file's bytes: a re-encoded token is not the token.
            raise ApiError(9622)
        if record.revoked:
            raise ApiError(9625)
        if self.clock.now() >= record.expires_at:
            raise ApiError(9621)
        req.token = record
        req.location = self.locations[record.location_uid]

    def _check_rate(self, loc: Location) -> None:
        if not self.rate_limit:
            return
        now = self.clock.monotonic()
        window = self._windows.setdefault(loc.uid, deque())
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= self.limits["maxRequestPerSecond"]:
            raise ApiError(9646, headers={"Retry-After": "1"})
        window.append(now)

    def _tick(self, loc: Location) -> None:
        for event in list(loc.events.values()):
            if event.done < len(event.tasks):
                self.advance(loc, event)

    def release_holds(self) -> None:
        """Let every request a `hold` fault stopped go on; later holds wait afresh."""
        with self.lock:
            self.holds.set()
            self.holds = threading.Event()

    def _faults_for(self, req: Request) -> tuple[float, Response | None, float | None]:
        """(latency seconds, a forced answer or None, seconds to hold or None)."""
        if not self.faults:
            return 0.0, None, None
        record = self.token_for_bearer(
            req.headers.get("authorization", "").partition(" ")[2].strip())
        loc = self.locations.get(record.location_uid) if record else None
        name, uid = (loc.name, loc.uid) if loc else (None, None)
        delay, forced, hold = 0.0, None, None
        for fault in self.faults:
            if not fault.matches(req.path, name, uid):
                continue
            if fault.kind == "hold":
                if fault.take():
                    hold = fault.timeout
            elif fault.kind in ("revoke", "claim"):
                if loc is not None and fault.take():
                    self._fire_state_fault(fault, loc)
            elif fault.kind == "latency":
                if fault.take():
                    delay += fault.ms / 1000.0
            elif forced is None and fault.take():
                forced = _forced_response(fault)
        return delay, forced, hold

    def _fire_state_fault(self, fault: Fault, loc: Location) -> None:
        if fault.kind == "revoke":
            self.revoke_token(loc.uid)
        else:
            self.claim_by_other(loc.uid, fault.name, metadata=fault.metadata)


def _forced_response(fault: Fault) -> Response:
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = f"{fault.retry_after:g}"
    if fault.kind == "429":
        return json_response(429, _error(9646), headers)
    if fault.kind == "5xx":
        number = 9729 if fault.status == 503 else 9603
        return json_response(fault.status, _error(number), headers)
    return json_response(200, _error(fault.code), headers)


def _error(number: int) -> dict[str, Any]:
    return {"errorNumber": number, "errorMessage": message(number)}
