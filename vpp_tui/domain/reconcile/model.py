"""The facts a reconciliation is taken from, and the discrepancies it finds.

Plain frozen dataclasses; `services.reconcile` builds them from the store (Apple's
assignments as of the last sync, the console's assignments, the directory) and shows the
answer. Source: issue 12 "Reconciliation"; design.md "Beyond the sources".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vpp_tui.domain.discrepancy import RECLAIMABLE as RECLAIMABLE  # re-exported
from vpp_tui.domain.discrepancy import Discrepancy
from vpp_tui.domain.licensing.model import Group, Intent, Item, LicenseType, MemberKind
from vpp_tui.domain.licensing.removal import hold_reason
from vpp_tui.domain.licensing.results import Reason


class Why(StrEnum):
    """Why a row is in its class (stable codes, printed in `reason`)."""

    NOT_IN_DIRECTORY = "not_in_directory"
    NOT_MANAGED = "not_managed"
    INACTIVE = "inactive_in_directory"
    APPLE_USER_RETIRED = "apple_user_retired"
    OTHER_MDM = "created_by_another_mdm"
    ALSO_HELD = "also_held"
    FAILED = "failed"
    WAITLISTED = "waitlisted"
    NEVER_SENT = "never_sent"
    LEFT_ASSIGNED_GROUPS = "left_assigned_groups"
    NOT_ASSIGNED = "not_assigned"
    ASSIGNMENT_REMOVED = "assignment_removed"


@dataclass(frozen=True, slots=True)
class ItemKey:
    """One item at one Apple location: Apple keys assignments by location, adamId and
    pricingParam (apple-api.md §2.5)."""

    location: str
    adam_id: str
    pricing_param: str


@dataclass(frozen=True, slots=True)
class HeldRow:
    """A license the store says Apple holds (as of the last sync or the last change).

    `member`: the person (UPN, or the e-mail Apple was given) or the serial; `target`:
    the Apple key (clientUserId or serial); `apple_user_status`: Apple's status of the
    clientUserId (Registered, Associated, Retired; None for devices or when unknown);
    `created_here`: this installation registered the clientUserId or licensed the row;
    `via_assignment`: an assignment of the console gave it (it still exists).
    """

    license_id: int
    asset_id: int
    token: str
    key: ItemKey
    kind: MemberKind
    member: str
    target: str
    item: Item
    apple_user_status: str | None = None
    created_here: bool = True
    via_assignment: bool = False
    from_console: bool = False


@dataclass(frozen=True, slots=True)
class NotHeld:
    """A license row of a member who does not hold the item (failed, waitlisted)."""

    license_id: int
    key: ItemKey
    kind: MemberKind
    member: str
    status: str


@dataclass(frozen=True, slots=True)
class Intention:
    """One assignment of the console: `item` (at `key`, under `token`'s asset
    `asset_id`) given to `group` (its current members)."""

    asset_id: int
    token: str
    key: ItemKey
    item: Item
    group: Group
    intent: Intent
    license_type: LicenseType


@dataclass(frozen=True, slots=True)
class Directory:
    """The directory: users (casefolded UPN -> active) and devices (serial -> managed)."""

    users: dict[str, bool]
    devices: dict[str, bool]


@dataclass(frozen=True, slots=True)
class Finding:
    """One row of one class. `license_id` is None for a member never sent to Apple;
    `also` names the other holding of a duplicate (pricingParam and token)."""

    discrepancy: Discrepancy
    why: Why
    asset_id: int
    token: str
    key: ItemKey
    item: Item
    kind: MemberKind
    member: str
    target: str | None
    license_id: int | None
    also: str | None = None
    # The group whose assignment still wants this member licensed: reclaiming the row
    # leaves the person (or serial) without the item until that assignment is applied
    # again (reclaiming only revokes; a license is given by an assignment's review).
    still_intended_by: str | None = None

    @property
    def kept_reason(self) -> Reason | None:
        """Why this held license cannot be reclaimed (a book, an app Apple marks not
        revocable: design.md "Apps and books"), or None. None for `intended_not_held`."""
        if self.license_id is None or self.discrepancy not in RECLAIMABLE:
            return None
        return hold_reason(self.item)
