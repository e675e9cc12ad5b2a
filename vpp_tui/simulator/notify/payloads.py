"""The bodies Apple POSTs, by type (apple-api.md §8.2, §8.3; apple-examples.json
`notification_*`): the envelope, at most 100 elements and one `error` per notification."""

from __future__ import annotations

import uuid
from typing import Any

from vpp_tui.simulator.errors import message
from vpp_tui.simulator.state import Event, Location

MAX_ELEMENTS = 100  # per notification (§8.1)
ASSET_EVENTS = frozenset({"ASSOCIATE", "DISASSOCIATE", "REVOKE"})


def envelope(loc: Location, notification_type: str, body: dict[str, Any]) -> dict[str, Any]:
    """`{notification, notificationId, notificationType, uId}` with a fresh id."""
    return {"notification": body, "notificationId": str(uuid.uuid4()),
            "notificationType": notification_type, "uId": loc.uid}


def test_notification(loc: Location) -> dict[str, Any]:
    """What Apple POSTs when a notification URL is set (§2.3): an empty notification."""
    return envelope(loc, "TEST_NOTIFICATION", {})


def asset_count(loc: Location, adam_id: str, pricing_param: str, delta: int) -> dict[str, Any]:
    """A purchase (delta > 0), refund or transfer (delta < 0) of one asset."""
    return envelope(loc, "ASSET_COUNT", {"adamId": adam_id, "countDelta": delta,
                                         "pricingParam": pricing_param})


def user_associated(loc: Location, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Users who accepted their invitation (no eventId: user-initiated)."""
    return [envelope(loc, "USER_ASSOCIATED", {"associatedUsers": chunk})
            for chunk in _chunks(users)]


def for_event(loc: Location, event: Event) -> list[dict[str, Any]]:
    """The notifications of a finished event: successes, then one group per error number,
    each split into notifications of at most 100 elements."""
    asset = event.event_type in ASSET_EVENTS
    kind, key = ("ASSET_MANAGEMENT", "assignments") if asset else ("USER_MANAGEMENT", "users")
    groups: dict[int | None, list[dict[str, Any]]] = {}
    for error, touched in event.results:
        groups.setdefault(error, []).extend(touched)
    out = []
    for error in sorted(groups, key=lambda n: -1 if n is None else n):
        for chunk in _chunks(groups[error]):
            body: dict[str, Any] = {key: chunk, "eventId": event.event_id,
                                    "result": "SUCCESS" if error is None else "FAILURE",
                                    "type": event.event_type}
            if error is not None:
                body["error"] = {"errorMessage": message(error), "errorNumber": error}
            out.append(envelope(loc, kind, dict(sorted(body.items()))))
    return out


def _chunks(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [items[i:i + MAX_ELEMENTS] for i in range(0, len(items), MAX_ELEMENTS)] or [[]]
