"""The ledger rule: what the local license rows of one Apple asset must say, given Apple.

Apple keys an assignment by (location, adamId, pricingParam, clientUserId or serialNumber)
and has no license ids (apple-api.md §2.5). Apple users belong to the location, not to a
token (§2.9–2.10): every token of a location sees the same users and assignments. So the
console's rows for one (location, adamId, pricingParam), whichever token's asset they hang
off, are matched against Apple by those same keys, never by how the admin names a member.

`reconcile_ledger` is the one rule; sync (full and delta), apply, revoke and import call
it with what they learned from Apple:
- a row whose Apple key (any of a user's clientUserIds, or the serial) Apple holds is
  licensed, whatever it said before: a waitlisted or failed member Apple holds is licensed
  and leaves the waitlist (nobody is both licensed and waitlisted);
- a licensed (or pending) row Apple is known not to hold is reclaimed. Only a full read of
  Apple's assignments, or an answer about that very target, knows an absence: a delta read
  cannot show removals (apple-api.md §3.2), so it never reclaims;
- a waitlisted row Apple does not hold stays waitlisted, a failed one stays failed;
- an assignment Apple holds that no row explains is an orphan: recorded as licensed,
  found at Apple, with no assignment of the console behind it.

Invariant (design.md "The ledger"): after `apply_ledger(rows, reconcile_ledger(rows,
picture))` with Apple's full picture, the Apple keys of the licensed rows (with the
orphans) are exactly Apple's assignments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from vpp_tui.domain.licensing.model import MemberKind


class RowStatus(StrEnum):
    """The statuses a license row takes (the store's `licenses.status`)."""

    LICENSED = "licensed"
    PENDING = "pending"
    FAILED = "failed"
    WAITLISTED = "waitlisted"
    RECLAIMED = "reclaimed"


HELD_STATUSES = frozenset({RowStatus.LICENSED, RowStatus.PENDING})


class Verdict(StrEnum):
    """What the ledger says of a row, or of an Apple assignment no row explains."""

    LICENSED = "licensed"
    RECLAIMED = "reclaimed"
    WAITLISTED = "waitlisted"
    FAILED = "failed"
    ORPHANED = "orphaned"
    UNKNOWN = "unknown"  # Apple said nothing about it: the row keeps its status


@dataclass(frozen=True, slots=True)
class Holder:
    """One Apple assignment target of an asset: a clientUserId or a serial number."""

    kind: MemberKind
    target: str


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """A local license row, reduced to what Apple can confirm.

    `targets`: the Apple keys of its member: every clientUserId of the user at this
    location (a user with a personal and a Managed Apple ID has two), or the serial.
    `status`: a `RowStatus` value.
    """

    row_id: int
    kind: MemberKind
    targets: frozenset[str]
    status: str

    @property
    def holders(self) -> frozenset[Holder]:
        return frozenset(Holder(self.kind, t) for t in self.targets)


@dataclass(frozen=True, slots=True)
class ApplePicture:
    """What Apple said about one asset of a location.

    `held`: the assignments Apple holds. `known`: the targets whose absence is known
    too; None means `held` is Apple's whole picture (a full read). A delta read passes
    `known=held`: it tells what is held, never what is gone.
    """

    held: frozenset[Holder]
    known: frozenset[Holder] | None = None

    @classmethod
    def full(cls, held: Iterable[Holder]) -> ApplePicture:
        return cls(frozenset(held))

    @classmethod
    def delta(cls, held: Iterable[Holder]) -> ApplePicture:
        found = frozenset(held)
        return cls(found, found)

    def absent(self, holder: Holder) -> bool:
        """True when Apple is known not to hold `holder`."""
        return holder not in self.held and (self.known is None or holder in self.known)


@dataclass(frozen=True, slots=True)
class LedgerChange:
    row_id: int
    status: RowStatus
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class LedgerResult:
    """Per row its verdict; `changes`: the rows whose status must change;
    `orphans`: Apple's assignments no row explains, in a stable order."""

    verdicts: dict[int, Verdict]
    changes: tuple[LedgerChange, ...]
    orphans: tuple[Holder, ...]

    def rows_with(self, verdict: Verdict) -> list[int]:
        return [row_id for row_id, v in self.verdicts.items() if v is verdict]


def _verdict(row: LedgerRow, picture: ApplePicture) -> Verdict:
    holders = row.holders
    if holders & picture.held:
        return Verdict.LICENSED
    gone = bool(holders) and all(picture.absent(h) for h in holders)
    if not holders and picture.known is None:
        gone = True  # nothing Apple could hold: a full read cannot confirm it
    if row.status in HELD_STATUSES:
        return Verdict.RECLAIMED if gone else Verdict.UNKNOWN
    if row.status == RowStatus.WAITLISTED:
        return Verdict.WAITLISTED
    if row.status == RowStatus.FAILED:
        return Verdict.FAILED
    return Verdict.RECLAIMED if row.status == RowStatus.RECLAIMED else Verdict.UNKNOWN


_STATUS_OF = {Verdict.LICENSED: RowStatus.LICENSED, Verdict.RECLAIMED: RowStatus.RECLAIMED}


def reconcile_ledger(rows: Sequence[LedgerRow], picture: ApplePicture) -> LedgerResult:
    """The ledger rule (module docstring) for the rows of one (location, adamId,
    pricingParam), however many tokens' assets they hang off."""
    verdicts: dict[int, Verdict] = {}
    changes: list[LedgerChange] = []
    explained: set[Holder] = set()
    for row in rows:
        verdict = _verdict(row, picture)
        verdicts[row.row_id] = verdict
        explained |= row.holders
        status = _STATUS_OF.get(verdict)
        if status is not None and status != row.status:
            changes.append(LedgerChange(row.row_id, status, verdict))
    orphans = sorted(picture.held - explained, key=lambda h: (h.kind, h.target))
    return LedgerResult(verdicts, tuple(changes), tuple(orphans))


def apply_ledger(rows: Sequence[LedgerRow], result: LedgerResult,
                 next_id: int | None = None) -> list[LedgerRow]:
    """The rows as they are once `result` is written: changed statuses, and one licensed
    row per orphan (ids from `next_id`, default after the largest id)."""
    by_id = {c.row_id: c.status for c in result.changes}
    out = [replace(r, status=str(by_id.get(r.row_id, r.status))) for r in rows]
    start = next_id if next_id is not None else max((r.row_id for r in rows), default=0) + 1
    out += [LedgerRow(start + i, h.kind, frozenset({h.target}), RowStatus.LICENSED.value)
            for i, h in enumerate(result.orphans)]
    return out


def licensed_holders(rows: Iterable[LedgerRow], held: frozenset[Holder]) -> frozenset[Holder]:
    """The Apple assignments the licensed rows stand for (a user row stands for those of
    its clientUserIds Apple holds)."""
    found: set[Holder] = set()
    for row in rows:
        if row.status in HELD_STATUSES:
            found |= row.holders & held if len(row.targets) > 1 else row.holders
    return frozenset(found)


def pool_balanced(total: int, used: int, available: int, *, unlimited: bool = False) -> bool:
    """used + available = total (design.md "The ledger"); unlimited pools always balance."""
    return unlimited or (used >= 0 and available >= 0 and used + available == total)


__all__ = [
    "HELD_STATUSES", "ApplePicture", "Holder", "LedgerChange", "LedgerResult", "LedgerRow",
    "RowStatus", "Verdict", "apply_ledger", "licensed_holders", "pool_balanced",
    "reconcile_ledger",
]
