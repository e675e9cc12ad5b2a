"""Whether an assignment may be made at all, and what an admin should be warned about."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vpp_tui.domain.licensing.model import (
    Device,
    Group,
    GroupKind,
    Intent,
    Item,
    LicenseType,
    Platform,
)
from vpp_tui.domain.licensing.results import PlanWarning, Reason, WarningCode
from vpp_tui.domain.licensing.text import describe_warning


def default_license_type(item: Item) -> LicenseType:
    """Device licensing when the app allows it (no Apple ID needed), else user licensing."""
    if item.device_assignable and not item.is_book:
        return LicenseType.DEVICE
    return LicenseType.USER


def refusals(
    item: Item, group_kind: GroupKind, intent: Intent, license_type: LicenseType
) -> tuple[Reason, ...]:
    """Every reason the assignment cannot be made; empty when it can."""
    found: list[Reason] = []
    if intent is Intent.AVAILABLE and group_kind is GroupKind.DEVICE:
        found.append(Reason.AVAILABLE_FOR_DEVICE_GROUP)
    if item.is_book:
        if group_kind is not GroupKind.USER:
            found.append(Reason.BOOK_NEEDS_USER_GROUP)
        if license_type is not LicenseType.USER:
            found.append(Reason.BOOK_NEEDS_USER_LICENSE)
        if intent is Intent.UNINSTALL:
            found.append(Reason.BOOK_INTENT)
    elif license_type is LicenseType.DEVICE and not item.device_assignable:
        found.append(Reason.NOT_DEVICE_ASSIGNABLE)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class AssignOptions:
    """The choices an assign form offers: only those no refusal rejects."""

    group_kinds: tuple[GroupKind, ...]
    intents: tuple[Intent, ...]
    license_types: tuple[LicenseType, ...]


def assignment_options(item: Item, group_kind: GroupKind | None = None) -> AssignOptions:
    """Which group kinds, intents and license types may be chosen for `item` (and, when
    given, a group of `group_kind`): every value some combination lets through
    `refusals` (design.md "Apps and books", "Assignments"; books: user groups, Available
    or Required, user licensing). Enum order; never empty for an item `refusals` allows
    at all."""
    def ok(kind: GroupKind, intent: Intent, lt: LicenseType) -> bool:
        return not refusals(item, kind, intent, lt)

    kinds = tuple(k for k in GroupKind
                  if any(ok(k, i, lt) for i in Intent for lt in LicenseType))
    checked = (group_kind,) if group_kind is not None else kinds
    return AssignOptions(
        group_kinds=kinds,
        intents=tuple(i for i in Intent
                      if any(ok(k, i, lt) for k in checked for lt in LicenseType)),
        license_types=tuple(lt for lt in LicenseType
                            if any(ok(k, i, lt) for k in checked for i in Intent)))


def group_devices(group: Group) -> Iterator[Device]:
    """The devices an assignment to the group reaches: members, or the members' devices."""
    if group.kind is GroupKind.DEVICE:
        yield from group.devices
        return
    for user in group.users:
        yield from user.devices


def lint_assignment(
    item: Item, group: Group, intent: Intent, license_type: LicenseType | None = None
) -> tuple[PlanWarning, ...]:
    """design.md "Lint": user licensing on kiosks or where the App Store is blocked,
    device licensing for an app that is not device-assignable, Uninstall on macOS."""
    license_type = license_type or default_license_type(item)
    kiosks: list[str] = []
    blocked: list[str] = []
    macs: list[str] = []
    user_licensing = license_type is LicenseType.USER
    for device in group_devices(group):
        if user_licensing and device.kiosk:
            kiosks.append(device.serial)
        if user_licensing and device.app_store_blocked:
            blocked.append(device.serial)
        if device.platform is Platform.MACOS:
            macs.append(device.serial)
    found: list[PlanWarning] = []
    _add(found, WarningCode.USER_LICENSE_ON_KIOSK, kiosks)
    _add(found, WarningCode.USER_LICENSE_APP_STORE_BLOCKED, blocked)
    if license_type is LicenseType.DEVICE and not item.device_assignable:
        found.append(warning(WarningCode.DEVICE_LICENSE_NOT_ASSIGNABLE))
    if intent is Intent.UNINSTALL:
        _add(found, WarningCode.UNINSTALL_ON_MACOS, macs)
    return tuple(found)


def warning(code: WarningCode, members: list[str] | tuple[str, ...] = ()) -> PlanWarning:
    return PlanWarning(code, describe_warning(code, len(members)), tuple(members))


def _add(found: list[PlanWarning], code: WarningCode, members: list[str]) -> None:
    if members:
        found.append(warning(code, members))
