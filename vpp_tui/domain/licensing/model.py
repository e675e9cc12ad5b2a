"""The facts a license decision is taken from: items, users, devices, groups, pools, limits.

Plain frozen dataclasses; the services build them from the store and the directory.
Enum values are the strings the CLI prints and the directory file uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from vpp_tui.domain.frozen import quick_init


class ProductType(StrEnum):
    APP = "app"
    BOOK = "book"


class Platform(StrEnum):
    # Spelled as Apple and the directory file spell them (cli.md), not lowercased.
    IOS = "iOS"
    IPADOS = "iPadOS"
    MACOS = "macOS"


class Ownership(StrEnum):
    CORPORATE = "corporate"
    PERSONAL = "personal"


class Enrollment(StrEnum):
    DEVICE = "device"
    USER = "user"
    AUTOMATED = "automated"


class MemberKind(StrEnum):
    USER = "user"
    DEVICE = "device"


# A group's kind and a member's kind take the same two values.
GroupKind = MemberKind


class Intent(StrEnum):
    REQUIRED = "required"
    AVAILABLE = "available"
    UNINSTALL = "uninstall"


class LicenseType(StrEnum):
    USER = "user"
    DEVICE = "device"


MOBILE = frozenset({Platform.IOS, Platform.IPADOS})

# Apple lists iPad apps under "iOS": an iOS app runs on iPadOS devices too.
_APPLE_PLATFORMS = {
    "ios": (Platform.IOS, Platform.IPADOS), "ipados": (Platform.IPADOS,),
    "macos": (Platform.MACOS,), "osx": (Platform.MACOS,),
}


def platforms_from_apple(names: str) -> frozenset[Platform]:
    """The device platforms an item runs on, from Apple's space-separated platform names."""
    return frozenset(p for name in names.split()
                     for p in _APPLE_PLATFORMS.get(name.casefold(), ()))

# Apple: one user license covers up to five devices signed in with one Apple ID.
DEVICES_PER_USER_LICENSE = 5


@dataclass(frozen=True, slots=True)
class Item:
    adam_id: str
    product_type: ProductType = ProductType.APP
    pricing_param: str = "STDQ"
    # Empty means "not known": no platform check is made.
    platforms: frozenset[Platform] = frozenset()
    device_assignable: bool = True
    revocable: bool = True
    name: str = ""

    @property
    def is_book(self) -> bool:
        return self.product_type is ProductType.BOOK

    @property
    def label(self) -> str:
        return self.name or self.adam_id


@quick_init  # built by the 100k in a bulk plan (issue 13)
@dataclass(frozen=True, slots=True)
class Device:
    serial: str
    platform: Platform = Platform.IOS
    ownership: Ownership = Ownership.CORPORATE
    supervised: bool = False
    enrollment: Enrollment = Enrollment.DEVICE
    kiosk: bool = False
    app_store_blocked: bool = False
    managed: bool = True
    primary_user: str | None = None
    enrolled_at: datetime | None = None

    @property
    def user_enrolled(self) -> bool:
        return self.enrollment is Enrollment.USER


class AppleAccount(StrEnum):
    """Which Apple Account an Apple user (clientUserId) of a person stands for."""

    MANAGED = "managed"
    PERSONAL = "personal"


def apple_accounts(managed_apple_id: str | None, personal_apple_id: bool
                   ) -> tuple[AppleAccount, ...]:
    """The Apple users the MDM registers for one person, in registration order.

    Apple binds one clientUserId to at most one Apple Account (apple-api.md §2.9: one
    live Registered or Associated record per clientUserId; §2.10: a user created with
    `managedAppleId` is associated at once). A person who uses a personal Apple ID and a
    Managed Apple ID therefore needs two Apple users, and uses two licenses (design.md
    licensing table: "a user with a personal and a Managed Apple ID uses 2").
    """
    if managed_apple_id and personal_apple_id:
        return (AppleAccount.MANAGED, AppleAccount.PERSONAL)
    if managed_apple_id:
        return (AppleAccount.MANAGED,)
    return (AppleAccount.PERSONAL,)


@quick_init  # built by the 100k in a bulk plan (issue 13)
@dataclass(frozen=True, slots=True)
class User:
    upn: str
    managed_apple_id: str | None = None
    personal_apple_id: bool = False
    active: bool = True
    devices: tuple[Device, ...] = ()
    # The Apple clientUserIds the MDM created for this user; the upn stands in when empty.
    client_user_ids: tuple[str, ...] = ()

    @property
    def apple_accounts(self) -> tuple[AppleAccount, ...]:
        return apple_accounts(self.managed_apple_id, self.personal_apple_id)

    @property
    def license_cost(self) -> int:
        # One license per Apple user the MDM registers for this person (`apple_accounts`).
        return len(self.apple_accounts)

    @property
    def apple_targets(self) -> tuple[str, ...]:
        return self.client_user_ids or (self.upn,)


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    kind: GroupKind
    users: tuple[User, ...] = ()
    # Members of a device group; in a user group, each user's devices are on the user.
    devices: tuple[Device, ...] = ()

    @property
    def size(self) -> int:
        return len(self.users) if self.kind is GroupKind.USER else len(self.devices)


@dataclass(frozen=True, slots=True)
class Pool:
    """License counts Apple reports for one item under one token."""

    total: int
    used: int = 0

    @property
    def available(self) -> int:
        return max(self.total - self.used, 0)


@dataclass(frozen=True, slots=True)
class Holdings:
    """Who already holds a license for the item: upns (user licenses) and serials."""

    users: frozenset[str] = frozenset()
    devices: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        return len(self.users) + len(self.devices)


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """Apple's per-request limits (service config); defaults are Apple's documented values."""

    max_assets: int = 25
    max_client_user_ids: int = 1000
    max_serial_numbers: int = 1000
    max_revoke_client_user_ids: int = 100
    max_revoke_serial_numbers: int = 100


@dataclass(frozen=True, slots=True)
class Settings:
    # 2020 behaviour: removing an assignment reclaims. False is the later (2025) behaviour.
    reclaim_on_removal: bool = True
