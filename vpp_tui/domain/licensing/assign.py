"""Who gets a license when an app or book is assigned (Required or Available) to a group.

Licenses are handed out strictly in the order of `licensing.order`: once the pool cannot
cover the next member, that member and every later one fail with "no licenses left" and
join the waitlist, so a cheaper member further down never jumps the queue.
"""

from __future__ import annotations

from vpp_tui.domain.licensing.batches import asset_batches
from vpp_tui.domain.licensing.checks import lint_assignment, warning
from vpp_tui.domain.licensing.model import (
    DEVICES_PER_USER_LICENSE,
    BatchLimits,
    Device,
    Enrollment,
    Group,
    GroupKind,
    Holdings,
    Intent,
    Item,
    LicenseType,
    MemberKind,
    Pool,
    User,
)
from vpp_tui.domain.licensing.order import order_devices, order_users
from vpp_tui.domain.licensing.results import (
    MemberResult,
    OpKind,
    Outcome,
    PlanWarning,
    Reason,
    WarningCode,
)

_DEVICE = MemberKind.DEVICE
_USER = MemberKind.USER
_NO_LICENSES = Reason.NO_LICENSES_LEFT
_USER_ENROLLMENT = Enrollment.USER


class Ledger:
    """The licenses left to hand out, and the members and Apple targets that got one."""

    def __init__(self, available: int) -> None:
        self.left = available
        self.exhausted = False
        self.consumed = 0
        self.client_user_ids: list[str] = []
        self.serials: list[str] = []
        self.migrated: list[str] = []
        self.licensed_users: list[str] = []

    def take(self, cost: int) -> bool:
        if self.exhausted or self.left < cost:
            self.exhausted = True
            return False
        self.left -= cost
        self.consumed += cost
        return True


def device_license_results(
    item: Item, group: Group, holdings: Holdings, ledger: Ledger
) -> list[MemberResult]:
    results: list[MemberResult] = []
    append = results.append
    if group.kind is GroupKind.DEVICE:
        for device in order_devices(group.devices):
            append(_device_for_device_license(item, device, device.primary_user,
                                              holdings, ledger))
        return results
    seen: set[str] = set()  # a shared device is licensed once, under its first user
    for user in order_users(group.users):
        if not user.active:
            append(MemberResult(user.upn, _USER, Outcome.SKIPPED, Reason.USER_INACTIVE))
        elif not user.devices:
            append(MemberResult(user.upn, _USER, Outcome.SKIPPED, Reason.NO_DEVICES))
        else:
            for device in order_devices(user.devices):
                if device.serial not in seen:
                    seen.add(device.serial)
                    append(_device_for_device_license(item, device, user.upn, holdings,
                                                      ledger))
    return results


def _device_for_device_license(
    item: Item, device: Device, owner: str | None, holdings: Holdings, ledger: Ledger
) -> MemberResult:
    serial = device.serial
    skip = _device_unreachable(item, device)
    if skip is not None:
        return MemberResult(serial, _DEVICE, Outcome.SKIPPED, skip)
    if device.enrollment is _USER_ENROLLMENT:
        return MemberResult(serial, _DEVICE, Outcome.FAILED, Reason.USER_ENROLLMENT_DEVICE)
    if serial in holdings.devices:
        return MemberResult(serial, _DEVICE, Outcome.ALREADY_LICENSED)
    if not ledger.take(1):
        return MemberResult(serial, _DEVICE, Outcome.FAILED, _NO_LICENSES, 1)
    ledger.serials.append(serial)
    if owner is not None and owner in holdings.users:
        ledger.migrated.append(serial)
        return MemberResult(serial, _DEVICE, Outcome.LICENSED,
                            Reason.MIGRATED_FROM_USER_LICENSE, 1)
    return MemberResult(serial, _DEVICE, Outcome.LICENSED, None, 1)


def _device_unreachable(item: Item, device: Device) -> Reason | None:
    if not device.managed:
        return Reason.DEVICE_NOT_MANAGED
    if item.platforms and device.platform not in item.platforms:
        return Reason.PLATFORM_NOT_SUPPORTED
    return None


def user_group_user_license_results(
    group: Group, holdings: Holdings, ledger: Ledger
) -> list[MemberResult]:
    results: list[MemberResult] = []
    append = results.append
    held_devices = holdings.devices
    for user in order_users(group.users):
        upn = user.upn
        if not user.active:
            append(MemberResult(upn, _USER, Outcome.SKIPPED, Reason.USER_INACTIVE))
        elif upn in holdings.users:
            append(MemberResult(upn, _USER, Outcome.ALREADY_LICENSED))
        elif user.devices and all(d.serial in held_devices for d in user.devices):
            append(MemberResult(upn, _USER, Outcome.SKIPPED, Reason.DEVICE_LICENSE_KEPT))
        else:
            cost = user.license_cost
            if ledger.take(cost):
                ledger.client_user_ids.extend(user.apple_targets)
                ledger.licensed_users.append(upn)
                append(MemberResult(upn, _USER, Outcome.LICENSED, None, cost))
            else:
                append(MemberResult(upn, _USER, Outcome.FAILED, _NO_LICENSES, cost))
    return results


def device_group_user_license_results(
    item: Item, group: Group, holdings: Holdings, ledger: Ledger
) -> list[MemberResult]:
    """User licensing for a device group: each device's primary user holds the license."""
    users = {u.upn: u for u in group.users}
    covered: dict[str, int] = {}  # upn -> devices its license already covers
    waiting: set[str] = set()
    results: list[MemberResult] = []
    for device in order_devices(group.devices):
        results.append(_device_via_primary_user(item, device, users, holdings, ledger,
                                                covered, waiting))
    return results


def _device_via_primary_user(
    item: Item, device: Device, users: dict[str, User], holdings: Holdings,
    ledger: Ledger, covered: dict[str, int], waiting: set[str],
) -> MemberResult:
    serial = device.serial
    skip = _device_unreachable(item, device)
    if skip is not None:
        return MemberResult(serial, _DEVICE, Outcome.SKIPPED, skip)
    upn = device.primary_user
    if not upn:
        return MemberResult(serial, _DEVICE, Outcome.FAILED, Reason.NO_PRIMARY_USER)
    user = users.get(upn) or User(upn)
    if not user.active:
        return MemberResult(serial, _DEVICE, Outcome.SKIPPED, Reason.USER_INACTIVE)
    if serial in holdings.devices:
        return MemberResult(serial, _DEVICE, Outcome.SKIPPED, Reason.DEVICE_LICENSE_KEPT)
    if upn in waiting:
        return MemberResult(serial, _DEVICE, Outcome.FAILED, _NO_LICENSES)
    seen = covered.get(upn)
    if seen is None and upn in holdings.users:
        seen = 0
    if seen is not None:
        if seen >= DEVICES_PER_USER_LICENSE:
            return MemberResult(serial, _DEVICE, Outcome.FAILED, Reason.DEVICE_LIMIT_REACHED)
        covered[upn] = seen + 1
        return MemberResult(serial, _DEVICE, Outcome.ALREADY_LICENSED,
                            Reason.COVERED_BY_USER_LICENSE)
    cost = user.license_cost
    if not ledger.take(cost):
        waiting.add(upn)
        return MemberResult(serial, _DEVICE, Outcome.FAILED, _NO_LICENSES, cost)
    covered[upn] = 1
    ledger.client_user_ids.extend(user.apple_targets)
    ledger.licensed_users.append(upn)
    return MemberResult(serial, _DEVICE, Outcome.LICENSED, None, cost)


def user_licensing_warnings(group: Group, license_type: LicenseType) -> list[PlanWarning]:
    """Per-user facts lint cannot see: too many devices, User Enrollment without a
    Managed Apple ID."""
    if license_type is not LicenseType.USER or group.kind is not GroupKind.USER:
        return []
    crowded: list[str] = []
    no_managed_id: list[str] = []
    for user in group.users:
        if len(user.devices) > DEVICES_PER_USER_LICENSE:
            crowded.append(user.upn)
        if not user.managed_apple_id and any(d.user_enrolled for d in user.devices):
            no_managed_id.append(user.upn)
    found: list[PlanWarning] = []
    if crowded:
        found.append(warning(WarningCode.MORE_THAN_FIVE_DEVICES, crowded))
    if no_managed_id:
        found.append(warning(WarningCode.USER_ENROLLMENT_NEEDS_MANAGED_APPLE_ID,
                             no_managed_id))
    return found


def assignment_results(
    item: Item, group: Group, license_type: LicenseType, holdings: Holdings, ledger: Ledger
) -> list[MemberResult]:
    if license_type is LicenseType.DEVICE:
        return device_license_results(item, group, holdings, ledger)
    if group.kind is GroupKind.USER:
        return user_group_user_license_results(group, holdings, ledger)
    return device_group_user_license_results(item, group, holdings, ledger)


def assignment_warnings(
    item: Item, group: Group, intent: Intent, license_type: LicenseType, ledger: Ledger
) -> list[PlanWarning]:
    found = list(lint_assignment(item, group, intent, license_type))
    found.extend(user_licensing_warnings(group, license_type))
    if ledger.migrated:
        found.append(warning(WarningCode.USER_TO_DEVICE_MIGRATION, ledger.migrated))
    if ledger.exhausted:
        found.append(warning(WarningCode.OVER_SUBSCRIBED))
    if item.is_book and ledger.licensed_users:
        found.append(warning(WarningCode.BOOKS_IRREVOCABLE, ledger.licensed_users))
    return found


def associate_ops(item: Item, ledger: Ledger, limits: BatchLimits) -> list:
    asset = (item.adam_id, item.pricing_param)
    return asset_batches(OpKind.ASSOCIATE, [asset], ledger.client_user_ids, ledger.serials,
                         limits)


def start(pool: Pool) -> Ledger:
    return Ledger(pool.available)
