"""Who comes first when there are fewer licenses than members.

The order (shown to the admin, and the waitlist order):
- devices: earliest enrolment date first (devices with no known date after all dated
  ones), then serial number;
- users: UPN compared case-insensitively, then as written;
- a user's own devices (device licensing for a user group): the user's turn in the user
  order, then that user's devices by the device rule.
It depends only on member attributes, never on the order the directory returned them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from vpp_tui.domain.licensing.model import Device, GroupKind, LicenseType, User
from vpp_tui.i18n import _

# Stands in for "no enrolment date" so undated devices sort after every dated one.
_NEVER = datetime.max


def device_key(device: Device) -> tuple[int, datetime, str]:
    enrolled = device.enrolled_at
    if enrolled is None:
        return (1, _NEVER, device.serial)
    if enrolled.tzinfo is not None:
        # Aware and naive datetimes cannot be compared; the wall-clock value is what we show.
        enrolled = enrolled.replace(tzinfo=None)
    return (0, enrolled, device.serial)


def user_key(user: User) -> tuple[str, str]:
    return (user.upn.casefold(), user.upn)


def order_devices(devices: Iterable[Device]) -> list[Device]:
    return sorted(_unique(devices, "serial"), key=device_key)


def order_users(users: Iterable[User]) -> list[User]:
    return sorted(_unique(users, "upn"), key=user_key)


def _unique(members: Iterable, attr: str) -> list:
    # A member listed twice is one member; keep the first record seen for it.
    first: dict[str, object] = {}
    for m in members:
        first.setdefault(getattr(m, attr), m)
    return list(first.values())


def describe_order(group_kind: GroupKind, license_type: LicenseType | None = None) -> str:
    """The order in words, for the review screen and `--dry-run`."""
    if group_kind is GroupKind.DEVICE:
        return _(
            "devices by enrolment date (earliest first, unknown dates last), then serial "
            "number")
    if license_type is LicenseType.DEVICE:
        return _(
            "users by UPN (A to Z, ignoring case); each user's devices by enrolment date, "
            "then serial number")
    return _("users by UPN (A to Z, ignoring case)")
