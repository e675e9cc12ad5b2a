"""The synchronous client for Apple's App and Book Management API v2 (one per token).

Services call it from worker threads. Endpoint URLs and limits come from `/service/config`,
re-read every five minutes as Apple asks; every request is paced by the location's shared
limiter and retried by `requester.Requester`; management calls wait for their event."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from vpp_tui.apple import metadata as meta
from vpp_tui.apple import urls
from vpp_tui.apple.batching import (
    DEFAULTS,
    Limits,
    asset_bodies,
    chunks,
    revoke_bodies,
    unique,
    user_bodies,
)
from vpp_tui.apple.clock import Clock, SystemClock
from vpp_tui.apple.errors import AppleError, MdmConflict, UnknownVersion
from vpp_tui.apple.events import EventFailure, EventOutcome, wait_for
from vpp_tui.apple.limiter import limiter_for
from vpp_tui.apple.metadata import AssetMetadata
from vpp_tui.apple.models import (
    Asset,
    Assignment,
    ClientConfig,
    ClientConfigRequest,
    EventResponse,
    GetAssetsResponse,
    GetAssignmentsResponse,
    GetUsersResponse,
    MdmInfo,
    Page,
    RequestUser,
    ResponseAsset,
    ResponseUser,
    ServiceConfig,
    StatusResponse,
    UnlimitedResponseAsset,
)
from vpp_tui.apple.paging import (
    CompactAssignment,
    CompactAssignmentsPage,
    OnPage,
    items_of,
    read_all,
)
from vpp_tui.apple.requester import Requester
from vpp_tui.apple.retry import RetryPolicy
from vpp_tui.i18n import _

APPLE_BASE = "https://vpp.itunes.apple.com/mdm/v2"
API_PATH = urls.API_PATH
base_url_problem = urls.base_url_problem
APPLE_LOOKUP = "https://uclient-api.itunes.apple.com/WebObjects/MZStorePlatform.woa/wa/lookup"
APPLE_INVITE = ("https://buy.itunes.apple.com/WebObjects/MZFinance.woa/wa/"
                "associateVPPUserWithITSAccount?inviteCode=%25inviteCode%25&mt=8")
CONFIG_TTL = 300.0
# Pace at Apple's limit. The limiter's window rule (no more than floor(rate) requests may
# touch any one-second window, each counted from its turn until its answer) already keeps
# Apple's sliding-second count at or under the limit however late a request is sent, so a
# spacing margin on top only cost throughput (issue 13: 0.9 lost ~2 s of a 16 s full sync).
RATE_HEADROOM = 1.0

# Service-config `urls` key for each path; the path under base_url is the fallback.
_URL_KEYS = {
    "/client/config": "clientConfig", "/assets": "getAssets", "/assignments": "getAssignments",
    "/assets/associate": "associateAssets", "/assets/disassociate": "disassociateAssets",
    "/assets/revoke": "revokeAssets", "/users": "getUsers", "/users/create": "createUsers",
    "/users/update": "updateUsers", "/users/retire": "retireUsers", "/status": "eventStatus",
}

Progress = Callable[[str, int, int], None]

# The result types of the contract, importable from here.
__all__ = ["AppleClient", "AssetMetadata", "AssetsResult", "DeltaResult", "EventFailure",
           "EventOutcome", "Limits"]


@dataclass
class AssetsResult:
    items: list[ResponseAsset] = field(default_factory=list)
    unlimited: list[UnlimitedResponseAsset] = field(default_factory=list)
    version_id: str | None = None
    # True when page 0 showed the caller's known version: no other page was read.
    unchanged: bool = False


@dataclass
class DeltaResult:
    items: list[Any] = field(default_factory=list)
    version_id: str | None = None
    delta: bool = False
    indexes: list[int] = field(default_factory=list)


class PageStream(Protocol):
    """Where a streamed read hands each page's items (`AppleClient.assignments(stream=)`)."""

    def page(self, index: int, items: list[Any]) -> None:
        """Page `index`'s records, as it arrives (any order); may block (backpressure)."""

    def restart(self) -> None:
        """The read starts over: forget every page handed over so far."""


@dataclass
class _ItemStream:
    """Adapts a `PageStream` to `paging.read_all`'s `on_page(index, page)`."""

    target: PageStream
    attr: str
    kind: type

    def page(self, index: int, page: Page) -> None:
        items = [r for r in getattr(page, self.attr, None) or [] if isinstance(r, self.kind)]
        self.target.page(index, items)

    def restart(self) -> None:
        self.target.restart()


class AppleClient:
    def __init__(self, bearer: str, *, base_url: str = APPLE_BASE,
                 transport: httpx.BaseTransport | None = None, clock: Clock | None = None,
                 cancel: threading.Event | None = None, poll_interval: float = 30.0,
                 event_timeout: float = 600.0, mdm_id: str | None = None,
                 on_progress: Progress | None = None, max_attempts: int = 5,
                 max_retry_after: float = 300.0, timeout: float = 30.0,
                 rng: random.Random | None = None) -> None:
        self.bearer = bearer.strip()
        self.base_url = base_url.rstrip("/")
        self.clock: Clock = clock or SystemClock()
        self.cancel = cancel
        self.poll_interval = poll_interval
        self.event_timeout = event_timeout
        self.on_progress = on_progress
        self._http = httpx.Client(transport=transport, timeout=httpx.Timeout(timeout),
                                  follow_redirects=False)
        self.limiter = limiter_for(self.bearer, self.clock,
                                   DEFAULTS["maxRequestPerSecond"] * RATE_HEADROOM)
        policy = RetryPolicy(max_attempts=max_attempts, max_retry_after=max_retry_after,
                             rng=rng or random.Random())
        self._req = Requester(self._http, bearer=self.bearer, clock=self.clock,
                              limiter=self.limiter, policy=policy, cancel=cancel,
                              mdm_id=mdm_id)
        self._config: ServiceConfig | None = None
        self._config_at = 0.0
        self._config_lock = threading.Lock()

    # -- plumbing -----------------------------------------------------------------------
    def shield_cancel(self) -> None:
        """A write was posted: `cancel` stops no wait or request here from now on."""
        self.cancel = self._req.cancel = None

    @property
    def requests_made(self) -> int:
        return self._req.requests_made

    @property
    def conflict(self) -> MdmConflict | None:
        """The foreign owner an answer showed (apple-api.md §7.1); None while it is ours.
        Once set, this client sends nothing more that checks the owner."""
        return self._req.conflict

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AppleClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(stage, done, total)

    def service_config(self) -> ServiceConfig:
        with self._config_lock:
            now = self.clock.monotonic()
            if self._config is None or now - self._config_at >= CONFIG_TTL:
                payload = self._req.send("GET", f"{self.base_url}/service/config", auth=False)
                self._config = ServiceConfig.model_validate(payload)
                self._config_at = now
                self.limiter.rate = self.limits().max_request_per_second * RATE_HEADROOM
            return self._config

    def limits(self) -> Limits:
        config = self._config if self._config is not None else self.service_config()
        return Limits.from_config(config.limits)

    def _url(self, path: str) -> str:
        urls = self.service_config().urls or {}
        return urls.get(_URL_KEYS.get(path, ""), "") or f"{self.base_url}{path}"

    def _get(self, path: str, params: dict[str, Any] | None = None) -> dict:
        return self._req.send("GET", self._url(path), params=params)

    # -- configuration ------------------------------------------------------------------
    def client_config(self) -> ClientConfig:
        return ClientConfig.model_validate(self._get("/client/config"))

    def claim(self, mdm_id: str, name: str, metadata: str) -> ClientConfig:
        """Mark this location as managed by this installation (POST /client/config).
        Setting the same value twice is harmless, so it is retried like a read."""
        body = ClientConfigRequest(mdmInfo=MdmInfo(id=mdm_id, name=name, metadata=metadata))
        payload = self._req.send("POST", self._url("/client/config"), body=body.wire(),
                                 check_owner=False)
        return ClientConfig.model_validate(payload)

    def configure_notifications(self, url: str | None, auth_token: str | None,
                                types: Sequence[str]) -> ClientConfig:
        """Subscribe the location to `types`, POSTed to `url` with `Authorization: Bearer
        <auth_token>` (POST /client/config, apple-api.md §2.3). Apple POSTs a
        TEST_NOTIFICATION first and refuses the whole setting with 9728 when it cannot
        deliver it; `types` replaces the previous set. `url` and `auth_token` None with no
        `types`: unsubscribe from every type (§2.3 [inf], `notificationTypes: []`)."""
        body = ClientConfigRequest(notificationUrl=url, notificationAuthToken=auth_token,
                                   notificationTypes=list(types))
        payload = self._req.send("POST", self._url("/client/config"), body=body.wire())
        return ClientConfig.model_validate(payload)

    # -- reads --------------------------------------------------------------------------
    def _read(self, path: str, model: type[Page], stage: str, params: dict[str, Any],  # noqa: ANN202
              on_page: OnPage | None = None, on_restart: Callable[[], None] | None = None):
        def fetch(index: int) -> Page:
            return model.model_validate(self._get(path, {**params, "pageIndex": index}))

        return read_all(fetch, stage=stage, on_progress=self.on_progress, cancel=self.cancel,
                        on_page=on_page, on_restart=on_restart)

    def assets(self, *, unless_version: Callable[[str | None], bool] | None = None,
               **filters: Any) -> AssetsResult:
        """Every asset page. With `unless_version`, page 0 is read first and, when
        `unless_version(page0.versionId)` is true, nothing more: an `AssetsResult` with
        `unchanged=True`, that version and no items (apple-api.md §3.2: `/assets` takes
        no sinceVersionId, so its versionId is the only cheap change signal)."""
        first: list[Page] = []

        def fetch(index: int) -> Page:
            if index == 0 and first:
                return first.pop()
            return GetAssetsResponse.model_validate(
                self._get("/assets", {**filters, "pageIndex": index}))

        if unless_version is not None:
            page = fetch(0)
            if unless_version(page.versionId):
                return AssetsResult(version_id=page.versionId, unchanged=True)
            first.append(page)
        traversal = read_all(fetch, stage="assets", on_progress=self.on_progress,
                             cancel=self.cancel)
        return AssetsResult(items=items_of(traversal.pages, "assets"),
                            unlimited=items_of(traversal.pages, "unlimitedAssets"),
                            version_id=traversal.first.versionId)

    def _delta(self, path: str, model: type[Page], attr: str, since: str | None,
               filters: dict[str, Any], stream: _ItemStream | None = None) -> DeltaResult:
        on_page = stream.page if stream is not None else None
        on_restart = stream.restart if stream is not None else None
        if since:
            try:
                traversal = self._read(path, model, attr, {**filters, "sinceVersionId": since},
                                       on_page, on_restart)
                return DeltaResult(items_of(traversal.pages, attr), traversal.first.versionId,
                                   delta=True, indexes=traversal.indexes)
            except UnknownVersion:
                pass  # Apple forgot that version: the documented answer is a full read.
            if on_restart is not None:
                on_restart()
        traversal = self._read(path, model, attr, filters, on_page, on_restart)
        return DeltaResult(items_of(traversal.pages, attr), traversal.first.versionId,
                           delta=False, indexes=traversal.indexes)

    def assignments(self, since_version_id: str | None = None, *, compact: bool = False,
                    stream: PageStream | None = None, **filters: Any) -> DeltaResult:
        """Every assignment (or those changed since `since_version_id`, §3.2). `compact`:
        items are `CompactAssignment` tuples, parsed from each page as it arrives without a
        model per record (a location can hold a million; issue 13 memory and CPU).
        `stream`: each page's items go to `stream.page(index, items)` as the page arrives
        (`stream.restart()` when the read starts over) and `items` stays empty; the
        result's `indexes` name the pages of the list (`paging.read_all`)."""
        model = CompactAssignmentsPage if compact else GetAssignmentsResponse
        kind = CompactAssignment if compact else Assignment
        wrapped = None if stream is None else _ItemStream(stream, "assignments", kind)
        result = self._delta("/assignments", model, "assignments", since_version_id, filters,
                             wrapped)
        result.items = [a for a in result.items if isinstance(a, kind)]
        return result

    def users(self, since_version_id: str | None = None, **filters: Any) -> DeltaResult:
        result = self._delta("/users", GetUsersResponse, "users", since_version_id, filters)
        result.items = [u for u in result.items if isinstance(u, ResponseUser)]
        return result

    # -- management ---------------------------------------------------------------------
    def wait_event(self, event_id: str) -> EventOutcome:
        def fetch(eid: str) -> StatusResponse:
            return StatusResponse.model_validate(self._get("/status", {"eventId": eid}))

        return wait_for(event_id, fetch, clock=self.clock, poll_interval=self.poll_interval,
                        timeout=self.event_timeout, cancel=self.cancel,
                        on_progress=self.on_progress)

    def _post_event(self, path: str, body: dict[str, Any], wait: bool) -> EventOutcome:
        payload = self._req.send("POST", self._url(path), body=body, idempotent=False)
        event_id = EventResponse.model_validate(payload).eventId
        if not event_id:
            raise AppleError(_("Apple accepted the request but returned no event id"))
        if not wait:
            return EventOutcome(event_id=event_id, status="PENDING")
        try:
            return self.wait_event(event_id)
        except MdmConflict as exc:
            exc.event_id = exc.event_id or event_id  # Apple took this one; outcome unknown
            raise

    def _run(self, path: str, bodies: list[dict[str, Any]], wait: bool) -> list[EventOutcome]:
        # One batch at a time: a synchronous refusal stops the rest before more is sent.
        return [self._post_event(path, body, wait) for body in bodies]

    def _assets_call(self, path: str, assets: Sequence[Asset], users: Iterable[str],
                     serials: Iterable[str], wait: bool) -> list[EventOutcome]:
        return self._run(path, asset_bodies(assets, users, serials, self.limits()), wait)

    def associate(self, assets: Sequence[Asset], *, client_user_ids: Iterable[str] = (),
                  serial_numbers: Iterable[str] = (), wait: bool = True) -> list[EventOutcome]:
        return self._assets_call("/assets/associate", assets, client_user_ids,
                                 serial_numbers, wait)

    def disassociate(self, assets: Sequence[Asset], *, client_user_ids: Iterable[str] = (),
                     serial_numbers: Iterable[str] = (), wait: bool = True
                     ) -> list[EventOutcome]:
        return self._assets_call("/assets/disassociate", assets, client_user_ids,
                                 serial_numbers, wait)

    def revoke(self, *, client_user_ids: Iterable[str] = (),
               serial_numbers: Iterable[str] = (), wait: bool = True) -> list[EventOutcome]:
        bodies = revoke_bodies(client_user_ids, serial_numbers, self.limits())
        return self._run("/assets/revoke", bodies, wait)

    def _users_call(self, path: str, users: Sequence[RequestUser], wait: bool
                    ) -> list[EventOutcome]:
        return self._run(path, user_bodies(users, self.limits()), wait)

    def create_users(self, users: Sequence[RequestUser], wait: bool = True
                     ) -> list[EventOutcome]:
        return self._users_call("/users/create", users, wait)

    def update_users(self, users: Sequence[RequestUser], wait: bool = True
                     ) -> list[EventOutcome]:
        return self._users_call("/users/update", users, wait)

    def retire_users(self, client_user_ids: Iterable[str], wait: bool = True
                     ) -> list[EventOutcome]:
        users = [RequestUser(clientUserId=str(c)) for c in client_user_ids]
        return self._users_call("/users/retire", users, wait)

    # -- store metadata -----------------------------------------------------------------
    def lookup_metadata(self, adam_ids: Iterable[str], country: str, platform: str
                        ) -> dict[str, AssetMetadata]:
        """Names, versions and icons; ids absent from the answer are not in this store."""
        ids = unique(str(a) for a in adam_ids if a)
        url = (self.service_config().urls or {}).get("contentMetadataLookup") or APPLE_LOOKUP
        out: dict[str, AssetMetadata] = {}
        batches = chunks(ids, meta.BATCH)
        for done, batch in enumerate(batches, start=1):
            payload = self._req.send("GET", url, params=meta.lookup_params(batch, country,
                                                                           platform),
                                     auth=False, check_owner=False,
                                     cookies={"itvt": self.bearer})
            out.update(meta.parse_lookup(payload))
            self._progress("metadata", done, len(batches))
        return out

    def invitation_link(self, invite_code: str) -> str:
        return invitation_link(invite_code,
                               (self.service_config().urls or {}).get("invitationEmail"))


def invitation_link(invite_code: str, template: str | None = None) -> str:
    """The link a Registered user opens to accept the VPP invitation: `inviteCode`
    substituted for `%25inviteCode%25` in `urls.invitationEmail` of the service config
    (`template`; Apple's documented default when None). apple-api.md §2.10 "Invitation
    flow". Pure; raises nothing."""
    code = quote(invite_code, safe="")
    return (template or APPLE_INVITE).replace("%25inviteCode%25", code).replace(
        "%inviteCode%", code)
