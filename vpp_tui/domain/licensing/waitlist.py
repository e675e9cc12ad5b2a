"""Serving the waitlist when licenses are freed or bought.

Rule (design.md "Waitlist", "The ledger": free licenses go to the waitlist in order, first
come, first served): one queue per item, across every assignment of that item. A member's
turn is the time the member started waiting, then the stored position (the plan's order
within one assignment), then the member's name, so the answer never depends on which
assignment a member waits through or on the order rows come back from the store.
Free licenses go to that queue before any new assignment hands one out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from vpp_tui.domain.licensing.model import Pool
from vpp_tui.domain.licensing.results import WaitlistEntry

_NEVER = datetime.max.replace(tzinfo=UTC)


def _aware(when: datetime | None) -> datetime:
    if when is None:
        return _NEVER
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def waitlist_order(entries: Iterable[WaitlistEntry]) -> tuple[WaitlistEntry, ...]:
    """The item's queue, first served first: by waiting since, then position, then member.

    `entries` may come from several assignments of the same item, in any order; an entry
    with no `since` or no `position` goes after those that have one.
    """
    return tuple(sorted(entries, key=lambda e: (
        _aware(e.since), e.position is None, e.position or 0, e.member.casefold(),
        str(e.kind))))


def admit_waitlist(
    waitlist: Sequence[WaitlistEntry], available: int
) -> tuple[tuple[WaitlistEntry, ...], tuple[WaitlistEntry, ...]]:
    """(admitted, still waiting): strictly in order, as the plan handed licenses out.

    `waitlist` must already be in queue order (`waitlist_order`). The first entry the
    licenses cannot cover stops the admission, so nobody overtakes a member that has
    waited longer.
    """
    left = available
    for index, entry in enumerate(waitlist):
        if entry.licenses > left:
            return tuple(waitlist[:index]), tuple(waitlist[index:])
        left -= entry.licenses
    return tuple(waitlist), ()


def pool_after_waitlist(pool: Pool, waiting: Iterable[WaitlistEntry]) -> Pool:
    """The pool a new assignment may draw from: free licenses go to the waitlist first.

    Returns `pool` with the licenses the members already waiting would take counted as
    used (never more than are free), so a new assignment cannot overtake them.
    """
    wanted = sum(e.licenses for e in waiting)
    return Pool(total=pool.total, used=pool.used + min(wanted, pool.available))
