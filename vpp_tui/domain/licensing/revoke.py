"""Revoking by item, by user or by device, and reconciling holders with the directory.

Revoking reclaims licenses only: on iOS/iPadOS the app stays until an Uninstall
assignment removes it; on macOS it keeps working without updates for Apple's 30-day
grace period. Book licenses are skipped with a message: Apple never takes them back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vpp_tui.domain.licensing.batches import asset_batches, revoke_batches
from vpp_tui.domain.licensing.checks import warning
from vpp_tui.domain.licensing.model import (
    MOBILE,
    BatchLimits,
    Device,
    Holdings,
    Item,
    MemberKind,
    Platform,
    User,
)
from vpp_tui.domain.licensing.order import device_key, user_key
from vpp_tui.domain.licensing.removal import hold_reason
from vpp_tui.domain.licensing.results import (
    AppleOp,
    MemberResult,
    OpKind,
    Outcome,
    PlanWarning,
    Reason,
    WarningCode,
)

_DEVICE = MemberKind.DEVICE
_USER = MemberKind.USER


def _user_reason(user: User) -> Reason:
    if any(d.platform is Platform.MACOS for d in user.devices):
        return Reason.MACOS_APP_STAYS
    return Reason.APP_STAYS_UNTIL_UNINSTALL


def _device_reason(device: Device) -> Reason:
    if device.platform is Platform.MACOS:
        return Reason.MACOS_APP_STAYS
    return Reason.APP_STAYS_UNTIL_UNINSTALL


def revoke_warnings(results: Sequence[MemberResult]) -> list[PlanWarning]:
    macs = [m.member for m in results if m.reason is Reason.MACOS_APP_STAYS]
    kept = [m.member for m in results if m.reason is Reason.APP_STAYS_UNTIL_UNINSTALL]
    books = [m.item or m.member for m in results if m.reason is Reason.BOOK_IRREVOCABLE]
    found: list[PlanWarning] = []
    if kept:
        found.append(warning(WarningCode.REVOKE_KEEPS_APP, kept))
    if macs:
        found.append(warning(WarningCode.MACOS_RECLAIM_ONLY, macs))
    if books:
        found.append(warning(WarningCode.BOOKS_SKIPPED, books))
    return found


def sorted_holders(
    holdings: Holdings, users: Mapping[str, User], devices: Mapping[str, Device]
) -> tuple[list[User], list[Device]]:
    """Holders in the plan order; a holder missing from the directory still appears."""
    held_users = [users.get(upn) or User(upn) for upn in holdings.users]
    held_devices = [devices.get(s) or Device(s) for s in holdings.devices]
    return sorted(held_users, key=user_key), sorted(held_devices, key=device_key)


def revoke_item_results(
    item: Item, holdings: Holdings, users: Mapping[str, User], devices: Mapping[str, Device]
) -> tuple[list[MemberResult], int]:
    held_users, held_devices = sorted_holders(holdings, users, devices)
    blocked = hold_reason(item)
    results: list[MemberResult] = []
    freed = 0
    for user in held_users:
        if blocked:
            results.append(MemberResult(user.upn, _USER, Outcome.SKIPPED, blocked))
        else:
            freed += user.license_cost
            results.append(MemberResult(user.upn, _USER, Outcome.RECLAIMED,
                                        _user_reason(user), user.license_cost))
    for device in held_devices:
        if blocked:
            results.append(MemberResult(device.serial, _DEVICE, Outcome.SKIPPED, blocked))
        else:
            freed += 1
            results.append(MemberResult(device.serial, _DEVICE, Outcome.RECLAIMED,
                                        _device_reason(device), 1))
    return results, freed


def revoke_item_ops(
    item: Item, results: Sequence[MemberResult], users: Mapping[str, User],
    limits: BatchLimits,
) -> list[AppleOp]:
    client_ids: list[str] = []
    serials: list[str] = []
    for m in results:
        if m.outcome is not Outcome.RECLAIMED:
            continue
        if m.kind is _USER:
            client_ids.extend((users.get(m.member) or User(m.member)).apple_targets)
        else:
            serials.append(m.member)
    asset = (item.adam_id, item.pricing_param)
    return asset_batches(OpKind.DISASSOCIATE, [asset], client_ids, serials, limits)


def _sorted_items(items: Sequence[Item]) -> list[Item]:
    unique = {(i.adam_id, i.pricing_param): i for i in items}
    return sorted(unique.values(), key=lambda i: (i.label.casefold(), i.adam_id))


def revoke_target_results(
    member: str, kind: MemberKind, items: Sequence[Item], reclaimed_reason: Reason,
    cost: int = 1,
) -> tuple[list[MemberResult], int]:
    """One row per item the user or device holds."""
    results: list[MemberResult] = []
    freed = 0
    for item in _sorted_items(items):
        blocked = hold_reason(item)
        if blocked:
            results.append(MemberResult(member, kind, Outcome.SKIPPED, blocked,
                                        item=item.adam_id))
        else:
            freed += cost
            results.append(MemberResult(member, kind, Outcome.RECLAIMED, reclaimed_reason,
                                        cost, item=item.adam_id))
    return results, freed


def revoke_user_parts(
    user: User, items: Sequence[Item], limits: BatchLimits
) -> tuple[list[MemberResult], int, list[AppleOp]]:
    results, freed = revoke_target_results(user.upn, _USER, items, _user_reason(user),
                                           user.license_cost)
    ops = revoke_batches(client_user_ids=user.apple_targets, limits=limits) if freed else []
    return results, freed, ops


def revoke_device_parts(
    device: Device, items: Sequence[Item], limits: BatchLimits
) -> tuple[list[MemberResult], int, list[AppleOp]]:
    results, freed = revoke_target_results(device.serial, _DEVICE, items,
                                           _device_reason(device))
    ops = revoke_batches(serial_numbers=(device.serial,), limits=limits) if freed else []
    return results, freed, ops


def reconcile_results(
    item: Item, holdings: Holdings, users: Mapping[str, User], devices: Mapping[str, Device],
    assigned_users: frozenset[str], assigned_devices: frozenset[str],
) -> tuple[list[MemberResult], int]:
    """Holders that should lose their license, and devices that keep one while unmanaged.

    Holders still rightly assigned are not listed: the plan lists changes only.
    """
    held_users, held_devices = sorted_holders(holdings, users, devices)
    blocked = hold_reason(item)
    results: list[MemberResult] = []
    freed = 0
    for user in held_users:
        known = user.upn in users
        if known and user.active and user.upn in assigned_users:
            continue
        why = Reason.LEFT_ASSIGNED_GROUPS if known and user.active else Reason.LEFT_COMPANY
        if blocked:
            results.append(MemberResult(user.upn, _USER, Outcome.SKIPPED, blocked))
            continue
        freed += user.license_cost
        results.append(MemberResult(user.upn, _USER, Outcome.RECLAIMED, why,
                                    user.license_cost))
    for device in held_devices:
        if device.serial not in devices or not device.managed:
            results.append(MemberResult(device.serial, _DEVICE, Outcome.SKIPPED,
                                        Reason.REMOVED_FROM_MANAGEMENT))
        elif device.serial not in assigned_devices:
            if blocked:
                results.append(MemberResult(device.serial, _DEVICE, Outcome.SKIPPED, blocked))
                continue
            freed += 1
            results.append(MemberResult(device.serial, _DEVICE, Outcome.RECLAIMED,
                                        Reason.LEFT_ASSIGNED_GROUPS, 1,
                                        uninstall=device.platform in MOBILE))
    return results, freed


def reconcile_warnings(results: Sequence[MemberResult]) -> list[PlanWarning]:
    unmanaged = [m.member for m in results if m.reason is Reason.REMOVED_FROM_MANAGEMENT]
    return [warning(WarningCode.REMOVED_FROM_MANAGEMENT, unmanaged)] if unmanaged else []
