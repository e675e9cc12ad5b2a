"""Cut license changes into Apple requests that respect the service-config limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from vpp_tui.domain.licensing.model import BatchLimits
from vpp_tui.domain.licensing.results import AppleOp, OpKind

T = TypeVar("T")


def chunks(values: Sequence[T], size: int) -> list[tuple[T, ...]]:
    size = max(size, 1)
    return [tuple(values[i:i + size]) for i in range(0, len(values), size)]


def asset_batches(
    kind: OpKind,
    assets: Sequence[tuple[str, str]],
    client_user_ids: Sequence[str] = (),
    serial_numbers: Sequence[str] = (),
    limits: BatchLimits = BatchLimits(),
) -> list[AppleOp]:
    """Associate or disassociate: users and serials go in separate requests.

    Apple rejects duplicates in one request (9703-9705), so each list is de-duplicated,
    keeping the first occurrence and so the plan's order.
    """
    assets = list(dict.fromkeys(assets))
    users = list(dict.fromkeys(client_user_ids))
    serials = list(dict.fromkeys(serial_numbers))
    ops: list[AppleOp] = []
    for asset_chunk in chunks(assets, limits.max_assets):
        ops.extend(AppleOp(kind, asset_chunk, client_user_ids=c)
                   for c in chunks(users, limits.max_client_user_ids))
        ops.extend(AppleOp(kind, asset_chunk, serial_numbers=c)
                   for c in chunks(serials, limits.max_serial_numbers))
    return ops


def revoke_batches(
    client_user_ids: Sequence[str] = (),
    serial_numbers: Sequence[str] = (),
    limits: BatchLimits = BatchLimits(),
) -> list[AppleOp]:
    """Revoke takes targets only and has its own, lower, limits."""
    users = list(dict.fromkeys(client_user_ids))
    serials = list(dict.fromkeys(serial_numbers))
    ops = [AppleOp(OpKind.REVOKE, client_user_ids=c)
           for c in chunks(users, limits.max_revoke_client_user_ids)]
    ops.extend(AppleOp(OpKind.REVOKE, serial_numbers=c)
               for c in chunks(serials, limits.max_revoke_serial_numbers))
    return ops
