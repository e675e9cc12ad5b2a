"""Rules for Apple's notifications (apple-api.md §2.3, §8): the URL Apple may POST to, the
bearer it sends back, the envelope, and what a notification changes in the ledger.

Pure: no I/O. The receiver (`services.notifications`) and `token set --notification-url`
use these rules; the simulator mirrors Apple's side.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from vpp_tui.domain.limits import identifier_problem
from vpp_tui.i18n import _

# What vpp-tui subscribes to (apple-api.md §2.3, §8.3); the subscription types are not used.
SUBSCRIBED_TYPES = ("ASSET_MANAGEMENT", "ASSET_COUNT", "USER_MANAGEMENT", "USER_ASSOCIATED")
TEST_NOTIFICATION = "TEST_NOTIFICATION"
KNOWN_TYPES = frozenset(SUBSCRIBED_TYPES) | {TEST_NOTIFICATION, "SUBSCRIPTION_MANAGEMENT",
                                             "SUBSCRIPTION_COUNT", "UNLIMITED_ASSET"}
MAX_NOTIFICATION_LENGTH = 512  # maxNotificationLength, for the URL and the secret (§4, 9711)
MAX_BODY_BYTES = 1_000_000  # 100 elements per notification (§8.1) fit in far less
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# The event status an ASSET_MANAGEMENT / USER_MANAGEMENT result means (as /status says it).
EVENT_STATUS = {"SUCCESS": "COMPLETE", "FAILURE": "FAILED"}


def clears_notification_url(url: str | None) -> bool:
    """True when `url` asks to stop the notifications: an empty (or blank) value, as
    `token set NAME --notification-url ""` and an emptied field of the token form send.
    None means "leave the setting alone" and is not a clear."""
    return url is not None and not url.strip()


def check_notification_url(url: str) -> str:
    """The URL Apple will POST to, stripped; ValueError with what to fix otherwise.

    Apple's rules (§2.3, 9711/9712): HTTPS, a host, no query string, at most 512
    characters. Plain HTTP is accepted for a loopback host only, for trying `listen` with
    the simulator on one machine (Apple itself refuses it with 9712). No control or
    invisible character (DEL, C1, bidi, zero-width: `limits.identifier_problem`), which
    screens would hide while Apple posts to the address holding it; a malformed IPv6 host
    ("https://[::1/x") is refused with advice rather than urllib's own words."""
    text = (url or "").strip()
    if not text:
        raise ValueError(_("the notification URL is empty; give the https:// address of "
                           "vpp-tui listen behind your reverse proxy"))
    if len(text) > MAX_NOTIFICATION_LENGTH:
        raise ValueError(_("the notification URL is longer than {n} characters; use a "
                           "shorter address").format(n=MAX_NOTIFICATION_LENGTH))
    problem = identifier_problem(text)
    if problem:
        raise ValueError(_("the notification URL {problem}; give the address without "
                           "it").format(problem=problem))
    try:
        parts = urlsplit(text)
        hostname = parts.hostname
    except ValueError as exc:  # urllib: "Invalid IPv6 URL" (unmatched bracket)
        raise ValueError(_("the notification URL has a malformed host (an IPv6 address "
                           "goes between [ and ]); give e.g. "
                           "https://[2001:db8::1]/vpp/notify")) from exc
    loopback = parts.scheme == "http" and (hostname or "") in LOOPBACK_HOSTS
    if parts.scheme != "https" and not loopback:
        raise ValueError(_("the notification URL must start with https:// (Apple posts only "
                           "to HTTPS; http:// is accepted for a loopback host only); put "
                           "vpp-tui listen behind an HTTPS reverse proxy"))
    if not hostname:
        raise ValueError(_("the notification URL has no host name; give e.g. "
                           "https://mdm.example.com/vpp/notify"))
    if parts.query or parts.fragment:
        raise ValueError(_("the notification URL may not carry a query string or fragment "
                           "(Apple refuses it); use a path instead"))
    if parts.username is not None or parts.password is not None:
        # A password in the URL would be sent to Apple and written to the audit log.
        raise ValueError(_("the notification URL may not carry a user name or password; "
                           "vpp-tui checks Apple's bearer token instead"))
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise ValueError(_("the notification URL contains a space or control character; "
                           "give the address without it"))
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 and parts.netloc.rsplit("]", 1)[-1].count(":"):
        raise ValueError(_("the notification URL has a port that is not one (1 to 65535); "
                           "give e.g. https://mdm.example.com:8443/vpp/notify"))
    return text


def bearer_digest(secret: str) -> str:
    """SHA-256 (hex) of a notification secret: what the store keeps instead of it."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def bearer_from_header(header: str | None) -> str | None:
    """The token of `Authorization: Bearer <token>`, or None when absent or malformed."""
    scheme, _sep, value = (header or "").strip().partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def match_bearer(bearer: str | None, digests: Mapping[int, str]) -> int | None:
    """The key (token id) whose stored digest matches `bearer`, or None.

    Compared in constant time (`hmac.compare_digest`, apple-api.md §8.1) against every
    digest, without stopping at the first match, so timing tells nothing about which."""
    if not bearer:
        return None
    offered = bearer_digest(bearer)
    found = None
    for key, digest in digests.items():
        if digest and hmac.compare_digest(offered, digest) and found is None:
            found = key
    return found


@dataclass(frozen=True)
class Envelope:
    """One notification: `{notification, notificationId, notificationType, uId}` (§8.2)."""

    notification_id: str
    notification_type: str
    location_id: str | None
    payload: dict[str, Any]

    @property
    def event_id(self) -> str | None:
        value = self.payload.get("eventId")
        return str(value) if value else None

    @property
    def result(self) -> str | None:
        value = self.payload.get("result")
        return str(value) if value else None


def parse_envelope(body: bytes) -> Envelope:
    """The envelope of a POSTed body; ValueError saying what is wrong (the receiver
    answers 400). The notificationId is opaque (Apple's own example is not a UUID)."""
    if len(body) > MAX_BODY_BYTES:
        raise ValueError(_("the notification is larger than {n} bytes").format(
            n=MAX_BODY_BYTES))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(_("the notification is not JSON")) from exc
    if not isinstance(data, dict):
        raise ValueError(_("the notification is not a JSON object"))
    nid, kind = data.get("notificationId"), data.get("notificationType")
    payload = data.get("notification")
    if not isinstance(nid, str) or not nid.strip() or len(nid) > 128:
        raise ValueError(_("the notification has no usable notificationId"))
    if kind not in KNOWN_TYPES:
        raise ValueError(_("unknown notificationType {kind!r}").format(kind=kind))
    if not isinstance(payload, dict):
        raise ValueError(_("the notification has no notification object"))
    uid = data.get("uId")
    return Envelope(nid.strip(), str(kind), str(uid) if uid is not None else None, payload)


def event_status_after(current: str | None, result: str | None) -> str | None:
    """The event status once a notification with `result` arrived (§8.3).

    An event's notifications come split (successes, then one per error): one FAILURE makes
    the event FAILED, as /status reports a partly failed event, and a later SUCCESS part
    does not undo it. An unknown result changes nothing."""
    after = EVENT_STATUS.get(result or "")
    if after is None:
        return current
    return current if current == "FAILED" else after


def counts_after(total: int, assigned: int, delta: int) -> tuple[int, int]:
    """(total, available) after an ASSET_COUNT `countDelta` (§8.3): the delta moves the
    total (Zentral applies it to both, §8.3 [obs]); neither goes below what is assigned."""
    new_total = max(assigned, total + delta, 0)
    return new_total, max(new_total - assigned, 0)
