"""What a license plan says: per-member outcomes, Apple operations, warnings and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from vpp_tui.domain.frozen import quick_init
from vpp_tui.domain.licensing.model import Intent, Item, LicenseType, MemberKind


class Outcome(StrEnum):
    LICENSED = "licensed"
    ALREADY_LICENSED = "already_licensed"
    RECLAIMED = "reclaimed"
    FAILED = "failed"
    SKIPPED = "skipped"


class Reason(StrEnum):
    # Refusals: the whole assignment is rejected and nothing is sent to Apple.
    AVAILABLE_FOR_DEVICE_GROUP = "available_for_device_group"
    BOOK_NEEDS_USER_GROUP = "book_needs_user_group"
    BOOK_NEEDS_USER_LICENSE = "book_needs_user_license"
    BOOK_INTENT = "book_required_or_available_only"
    NOT_DEVICE_ASSIGNABLE = "not_device_assignable"
    # Per member.
    NO_LICENSES_LEFT = "no_licenses_left"
    USER_ENROLLMENT_DEVICE = "user_enrollment_device"
    PLATFORM_NOT_SUPPORTED = "platform_not_supported"
    DEVICE_NOT_MANAGED = "device_not_managed"
    USER_INACTIVE = "user_inactive"
    NO_DEVICES = "no_devices"
    NO_PRIMARY_USER = "no_primary_user"
    DEVICE_LIMIT_REACHED = "device_limit_reached"
    COVERED_BY_USER_LICENSE = "covered_by_user_license"
    MIGRATED_FROM_USER_LICENSE = "migrated_from_user_license"
    DEVICE_LICENSE_KEPT = "device_license_kept"
    NOT_LICENSED = "not_licensed"
    BOOK_IRREVOCABLE = "book_irrevocable"
    NOT_REVOCABLE = "not_revocable"
    KEPT_UNTIL_UNINSTALL = "kept_until_uninstall"
    STILL_ASSIGNED = "still_assigned"
    LEFT_COMPANY = "left_company"
    LEFT_ASSIGNED_GROUPS = "left_assigned_groups"
    REMOVED_FROM_MANAGEMENT = "removed_from_management"
    MACOS_APP_STAYS = "macos_app_stays"
    APP_STAYS_UNTIL_UNINSTALL = "app_stays_until_uninstall"


REFUSALS = frozenset({
    Reason.AVAILABLE_FOR_DEVICE_GROUP,
    Reason.BOOK_NEEDS_USER_GROUP,
    Reason.BOOK_NEEDS_USER_LICENSE,
    Reason.BOOK_INTENT,
    Reason.NOT_DEVICE_ASSIGNABLE,
})


class WarningCode(StrEnum):
    USER_LICENSE_ON_KIOSK = "user_license_on_kiosk"
    USER_LICENSE_APP_STORE_BLOCKED = "user_license_app_store_blocked"
    DEVICE_LICENSE_NOT_ASSIGNABLE = "device_license_not_assignable"
    UNINSTALL_ON_MACOS = "uninstall_on_macos"
    MACOS_RECLAIM_ONLY = "macos_reclaim_only"
    REVOKE_KEEPS_APP = "revoke_keeps_app"
    OVER_SUBSCRIBED = "over_subscribed"
    BOOKS_IRREVOCABLE = "books_irrevocable"
    BOOKS_SKIPPED = "books_skipped"
    MORE_THAN_FIVE_DEVICES = "more_than_five_devices"
    USER_ENROLLMENT_NEEDS_MANAGED_APPLE_ID = "user_enrollment_needs_managed_apple_id"
    USER_TO_DEVICE_MIGRATION = "user_to_device_migration"
    REMOVED_FROM_MANAGEMENT = "removed_from_management"
    KEPT_UNTIL_UNINSTALL = "kept_until_uninstall"
    # A reclaim (reconcile) takes a license an assignment still wants the member to hold
    # (a retired Apple user's): the member is unlicensed until the assignment is applied.
    STILL_INTENDED = "still_intended"


class PlanAction(StrEnum):
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    REVOKE = "revoke"
    RECONCILE = "reconcile"


class OpKind(StrEnum):
    ASSOCIATE = "associate"
    DISASSOCIATE = "disassociate"
    REVOKE = "revoke"


class RemovalRule(StrEnum):
    RECLAIM = "reclaim_on_removal"
    KEEP_UNTIL_UNINSTALL = "keep_until_uninstall"


@quick_init  # built by the 100k in a bulk plan (issue 13)
@dataclass(frozen=True, slots=True)
class MemberResult:
    member: str
    kind: MemberKind
    outcome: Outcome
    reason: Reason | None = None
    # Licenses used (licensed), freed (reclaimed) or still needed (failed for lack of them).
    licenses: int = 0
    # The MDM also removes the app (iOS/iPadOS only; Apple gives macOS no uninstall).
    uninstall: bool = False
    # The adamId, when one plan spans several items (revoke by user or by device).
    item: str | None = None

    @property
    def reason_text(self) -> str | None:
        from vpp_tui.domain.licensing.text import describe_reason

        return describe_reason(self.reason) if self.reason else None


@dataclass(frozen=True, slots=True)
class AppleOp:
    """One Apple request: associate/disassociate (assets x targets) or revoke (targets)."""

    kind: OpKind
    assets: tuple[tuple[str, str], ...] = ()
    client_user_ids: tuple[str, ...] = ()
    serial_numbers: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.client_user_ids) + len(self.serial_numbers)


@dataclass(frozen=True, slots=True)
class PlanWarning:
    code: WarningCode
    message: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WaitlistEntry:
    """One member waiting for a license of an item.

    `since`: when the member started waiting (UTC; None when unknown, served last among
    equals); `position`: the member's stored turn for the item (1 = first); `group`: the
    assigned group the member waits through (shown only).
    """

    member: str
    kind: MemberKind
    licenses: int = 1
    since: datetime | None = None
    position: int | None = None
    group: str | None = None


@dataclass(frozen=True)
class Plan:
    action: PlanAction
    members: tuple[MemberResult, ...]
    operations: tuple[AppleOp, ...] = ()
    warnings: tuple[PlanWarning, ...] = ()
    refusals: tuple[Reason, ...] = ()
    item: Item | None = None
    intent: Intent | None = None
    license_type: LicenseType | None = None
    licenses_before: int = 0
    licenses_total: int | None = None
    consumed: int = 0
    freed: int = 0
    order: str = ""
    removal_rule: RemovalRule = RemovalRule.RECLAIM
    # Members given a book license: it can never be reclaimed.
    irreversible: tuple[str, ...] = field(default=())

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def licenses_after(self) -> int:
        return self.licenses_before + self.consumed - self.freed

    @cached_property
    def counts(self) -> Counter[Outcome]:
        return Counter(m.outcome for m in self.members)

    @property
    def licensed(self) -> int:
        return self.counts[Outcome.LICENSED]

    @property
    def already_licensed(self) -> int:
        return self.counts[Outcome.ALREADY_LICENSED]

    @property
    def failed(self) -> int:
        return self.counts[Outcome.FAILED]

    @property
    def reclaimed(self) -> int:
        return self.counts[Outcome.RECLAIMED]

    @property
    def skipped(self) -> int:
        return self.counts[Outcome.SKIPPED]

    def failures_by_reason(self) -> dict[Reason, tuple[str, ...]]:
        grouped: dict[Reason, list[str]] = {}
        for m in self.members:
            if m.outcome is Outcome.FAILED and m.reason is not None:
                grouped.setdefault(m.reason, []).append(m.member)
        return {reason: tuple(names) for reason, names in grouped.items()}

    def waitlist(self) -> tuple[WaitlistEntry, ...]:
        """Members that failed for lack of licenses, in the order they will be served."""
        return tuple(
            WaitlistEntry(m.member, m.kind, m.licenses)
            for m in self.members
            if m.reason is Reason.NO_LICENSES_LEFT
        )

    def by_outcome(self, outcome: Outcome) -> tuple[MemberResult, ...]:
        return tuple(m for m in self.members if m.outcome is outcome)
