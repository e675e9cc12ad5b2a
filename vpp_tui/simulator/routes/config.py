"""`/service/config`, `/client/config` and `/status`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urlsplit

from vpp_tui.simulator import events
from vpp_tui.simulator.errors import SERVICE_CONFIG_CODES, ApiError, message
from vpp_tui.simulator.notify import payloads as notices
from vpp_tui.simulator.request import Request

if TYPE_CHECKING:
    from vpp_tui.simulator.core import Simulator

API = "/mdm/v2"
LOOKUP_PATH = "/WebObjects/MZStorePlatform.woa/wa/lookup"
INVITE_PATH = "/WebObjects/MZFinance.woa/wa/associateVPPUserWithITSAccount"
# Every type Apple lists as allowed (apple-api.md §2.2), not only its example's first four.
NOTIFICATION_TYPES = ["ASSET_MANAGEMENT", "USER_MANAGEMENT", "USER_ASSOCIATED", "ASSET_COUNT",
                      "SUBSCRIPTION_MANAGEMENT", "SUBSCRIPTION_COUNT", "UNLIMITED_ASSET"]
SUBSCRIBABLE = set(NOTIFICATION_TYPES) | {"TEST_NOTIFICATION"}
_URL_PATHS = {
    "clientConfig": "/client/config", "createUsers": "/users/create",
    "getAssignments": "/assignments", "revokeAssets": "/assets/revoke", "getUsers": "/users",
    "eventStatus": "/status", "associateAssets": "/assets/associate",
    "disassociateAssets": "/assets/disassociate", "updateUsers": "/users/update",
    "getAssets": "/assets", "retireUsers": "/users/retire",
}


def service_config(sim: Simulator, req: Request) -> dict[str, Any]:
    urls = {key: f"{req.origin}{API}{path}" for key, path in _URL_PATHS.items()}
    urls["invitationEmail"] = f"{req.origin}{INVITE_PATH}?inviteCode=%25inviteCode%25&mt=8"
    urls["contentMetadataLookup"] = f"{req.origin}{LOOKUP_PATH}"
    return {
        "errorCodes": [{"errorMessage": message(n), "errorNumber": n}
                       for n in SERVICE_CONFIG_CODES],
        "limits": dict(sim.limits),
        "notificationTypes": list(NOTIFICATION_TYPES),
        "urls": urls,
    }


def client_config(sim: Simulator, req: Request) -> dict[str, Any]:
    loc = req.loc
    if req.method == "POST":
        _apply_client_config(sim, req)
    body: dict[str, Any] = {
        "countryISO2ACode": loc.country, "defaultPlatform": loc.default_platform,
        "locationName": loc.name,
        "subscribedNotificationTypes": list(loc.notification_types),
        "websiteURL": loc.website_url,
    }
    if loc.notification_url:
        body["notificationUrl"] = loc.notification_url
        body["notificationAuthToken"] = loc.notification_auth_token
    return body


def _apply_client_config(sim: Simulator, req: Request) -> None:
    data = req.json_object()
    loc = req.loc
    limits = sim.limits
    mdm = data.get("mdmInfo")
    if mdm is not None:
        if not isinstance(mdm, dict) or not all(
                isinstance(mdm.get(k), str) and mdm.get(k) for k in ("id", "name", "metadata")):
            raise ApiError(9723)
        if len(mdm["id"]) > limits["maxMdmIdLength"]:
            raise ApiError(9724)
        if len(mdm["name"]) > limits["maxMdmNameLength"]:
            raise ApiError(9725)
        if len(mdm["metadata"]) > limits["maxMdmMetadataLength"]:
            raise ApiError(9713)
    url, auth = data.get("notificationUrl"), data.get("notificationAuthToken")
    if (url is None) != (auth is None):
        raise ApiError(9710)
    if url is not None:
        if not isinstance(url, str) or not isinstance(auth, str):
            raise ApiError(9602)
        if len(url) > limits["maxNotificationLength"] or len(auth) > limits[
                "maxNotificationLength"]:
            raise ApiError(9711)
        parts = urlsplit(url)
        if not _acceptable_scheme(parts) or not parts.netloc or parts.query:
            raise ApiError(9712)
    types = data.get("notificationTypes")
    if types is not None and (not isinstance(types, list)
                              or any(t not in SUBSCRIBABLE for t in types)):
        raise ApiError(9602)
    if url is not None:
        # Apple POSTs a TEST_NOTIFICATION first; undelivered, nothing is applied (§2.3).
        delivery = sim.notifier.send_now(url, auth, notices.test_notification(loc))
        if not delivery.delivered:
            raise ApiError(9728)
    # Omitted fields are left alone: Apple does not document clearing them.
    if mdm is not None:
        loc.mdm_info = {"id": mdm["id"], "name": mdm["name"], "metadata": mdm["metadata"]}
    if url is not None:
        loc.notification_url, loc.notification_auth_token = url, auth
    if types is not None:
        loc.notification_types = [t for t in types if t != "TEST_NOTIFICATION"]


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _acceptable_scheme(parts: SplitResult) -> bool:
    """HTTPS as Apple requires (9712); the simulator also accepts plain HTTP to a loopback
    host, so `vpp-tui listen` can be tried on one machine without a certificate."""
    return parts.scheme == "https" or (parts.scheme == "http"
                                       and (parts.hostname or "") in LOOPBACK_HOSTS)


def status(sim: Simulator, req: Request) -> dict[str, Any]:
    event_id = req.query.get("eventId")
    if not event_id:
        raise ApiError(9602)
    event = req.loc.events.get(event_id)
    if event is None:
        raise ApiError(9708)
    sim.advance(req.loc, event)
    return events.status_body(event)
