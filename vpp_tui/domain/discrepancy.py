"""The reconciliation classes and which of them can be reclaimed (issue 12).

Kept apart from `domain.reconcile` (which re-exports them) so the argument parser can name
the classes in `reconcile --help` without loading the reconciliation and licensing rules:
every command builds the parser (issue 13, CLI start-up).
"""

from __future__ import annotations

from enum import StrEnum


class Discrepancy(StrEnum):
    """The reconciliation classes. The values are a JSON contract (docs/cli.md
    "reconcile"): scripts key on them, so they are never renamed."""

    # A serial that is not in the directory, or is there but no longer managed.
    UNMANAGED_DEVICE = "unmanaged_device"
    # A user inactive in the directory, gone from it, or whose Apple user is retired.
    DEPARTED_USER = "departed_user"
    # A clientUserId this installation did not create and no directory user stands for
    # (another MDM, or a previous installation): apple-api.md §2.9, §7.1.
    FOREIGN_CLIENT_USER = "foreign_client_user"
    # One serial or person holding the same app twice at one location: under two
    # pricingParams, or through two tokens of the location.
    DUPLICATE_LICENSE = "duplicate_license"
    # An assignment wants the member licensed, and Apple does not hold it: failed,
    # waitlisted, or never sent.
    INTENDED_NOT_HELD = "intended_not_held"
    # Held at Apple, but no assignment of the console wants it: the member left the
    # group, or the assignment was removed while licenses are kept.
    HELD_NOT_INTENDED = "held_not_intended"


# The classes whose rows are licenses Apple holds, and so can be reclaimed.
RECLAIMABLE = (Discrepancy.UNMANAGED_DEVICE, Discrepancy.DEPARTED_USER,
               Discrepancy.FOREIGN_CLIENT_USER, Discrepancy.DUPLICATE_LICENSE,
               Discrepancy.HELD_NOT_INTENDED)
