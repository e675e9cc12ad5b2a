"""Reconciliation: Apple's assignments vs the console's intent vs the directory (issue 12).

`reconcile` classifies (`classify`); the facts and classes are in `model`.
"""

from vpp_tui.domain.reconcile.classify import (
    Reconciliation,
    holdings_by_item,
    intended_members,
    judged_rows,
    reconcile,
)
from vpp_tui.domain.reconcile.model import (
    RECLAIMABLE,
    Directory,
    Discrepancy,
    Finding,
    HeldRow,
    Intention,
    ItemKey,
    NotHeld,
    Why,
)

__all__ = ["RECLAIMABLE", "Directory", "Discrepancy", "Finding", "HeldRow", "Intention",
           "ItemKey", "NotHeld", "Reconciliation", "Why", "holdings_by_item",
           "intended_members", "judged_rows", "reconcile"]
