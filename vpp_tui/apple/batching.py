"""Splitting management requests to stay inside Apple's service-config limits.

Apple rejects a request over a limit (9700–9702, 9714) and one with duplicates (9703–9705,
9715) as a whole, so targets are de-duplicated first, then cut into slices.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from vpp_tui.apple.errors import error_for
from vpp_tui.apple.models import (
    Asset,
    ManageAssetsRequest,
    ManageUsersRequest,
    RequestUser,
    RevokeAssetsRequest,
)
from vpp_tui.i18n import _

T = TypeVar("T")

DEFAULTS = {
    "maxAssets": 25, "maxClientUserIds": 1000, "maxSerialNumbers": 1000,
    "maxRevokeClientUserIds": 100, "maxRevokeSerialNumbers": 100, "maxUsers": 100,
    # Older service configs omit the rate; stay well under Apple's documented 15.
    "maxRequestPerSecond": 10,
}


@dataclass(frozen=True)
class Limits:
    max_assets: int = DEFAULTS["maxAssets"]
    max_client_user_ids: int = DEFAULTS["maxClientUserIds"]
    max_serial_numbers: int = DEFAULTS["maxSerialNumbers"]
    max_revoke_client_user_ids: int = DEFAULTS["maxRevokeClientUserIds"]
    max_revoke_serial_numbers: int = DEFAULTS["maxRevokeSerialNumbers"]
    max_users: int = DEFAULTS["maxUsers"]
    max_request_per_second: int = DEFAULTS["maxRequestPerSecond"]

    @classmethod
    def from_config(cls, limits: dict[str, Any] | None) -> Limits:
        raw = limits or {}

        def get(key: str) -> int:
            value = raw.get(key)
            # A missing, zero or nonsense limit must not produce empty or endless batches.
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                return DEFAULTS[key]
            return value

        return cls(max_assets=get("maxAssets"), max_client_user_ids=get("maxClientUserIds"),
                   max_serial_numbers=get("maxSerialNumbers"),
                   max_revoke_client_user_ids=get("maxRevokeClientUserIds"),
                   max_revoke_serial_numbers=get("maxRevokeSerialNumbers"),
                   max_users=get("maxUsers"),
                   max_request_per_second=get("maxRequestPerSecond"))


def unique(items: Iterable[T], key: Any = None) -> list[T]:
    seen: set[Any] = set()
    out: list[T] = []
    for item in items:
        k = key(item) if key else item
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    size = max(1, size)
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def target_batches(users: Sequence[str], serials: Sequence[str], max_users: int,
                   max_serials: int) -> Iterator[tuple[list[str], list[str]]]:
    """Pairs of (user slice, serial slice); a request may carry both kinds at once."""
    user_slices = chunks(users, max_users)
    serial_slices = chunks(serials, max_serials)
    for i in range(max(len(user_slices), len(serial_slices))):
        yield (user_slices[i] if i < len(user_slices) else [],
               serial_slices[i] if i < len(serial_slices) else [])


def asset_bodies(assets: Sequence[Asset], users: Iterable[str], serials: Iterable[str],
                 limits: Limits) -> list[dict[str, Any]]:
    """Associate/disassociate bodies. Empty requests are refused here, with Apple's own
    numbers (9718, 9719), rather than spending a request on them."""
    items = unique(assets, key=lambda a: (a.adamId, a.pricingParam))
    user_ids = unique(str(u) for u in users)
    serial_ids = unique(str(s) for s in serials)
    if not items:
        raise error_for(9718, _("no apps or books were given"))
    if not user_ids and not serial_ids:
        raise error_for(9719, _("no users or devices were given"))
    return [
        ManageAssetsRequest(assets=part, clientUserIds=u or None,
                            serialNumbers=s or None).wire()
        for part in chunks(items, limits.max_assets)
        for u, s in target_batches(user_ids, serial_ids, limits.max_client_user_ids,
                                   limits.max_serial_numbers)
    ]


def revoke_bodies(users: Iterable[str], serials: Iterable[str], limits: Limits
                  ) -> list[dict[str, Any]]:
    user_ids = unique(str(u) for u in users)
    serial_ids = unique(str(s) for s in serials)
    if not user_ids and not serial_ids:
        raise error_for(9719, _("no users or devices were given"))
    return [RevokeAssetsRequest(clientUserIds=u or None, serialNumbers=s or None).wire()
            for u, s in target_batches(user_ids, serial_ids,
                                       limits.max_revoke_client_user_ids,
                                       limits.max_revoke_serial_numbers)]


def user_bodies(users: Sequence[RequestUser], limits: Limits) -> list[dict[str, Any]]:
    items = unique(users, key=lambda u: u.clientUserId)
    if not items:
        raise error_for(9720, _("no users were given"))
    return [ManageUsersRequest(users=part).wire() for part in chunks(items, limits.max_users)]
