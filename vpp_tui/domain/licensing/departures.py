"""Which held licenses are waiting to be reclaimed because their holder left.

Rule (design.md "Licensing": licenses are reclaimed when a user leaves the company or the
assigned groups): the answer is derived from the store each time, never remembered, so a
reclaim Apple failed, or one never attempted, is still pending at the next look. A
license stays pending until Apple confirms the reclaim and the store no longer shows it
held. The plan (`plan_reconcile`) then decides what is really reclaimed: books and
non-revocable apps are kept, devices removed from management keep theirs (flagged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from vpp_tui.domain.frozen import quick_init
from vpp_tui.domain.licensing.model import Holdings, MemberKind


@quick_init  # built by the 100k in a bulk plan (issue 13)
@dataclass(frozen=True, slots=True)
class HeldLicense:
    """A license of one item the store says a member holds.

    `via_assignment`: the console gave it through one of the item's assignments (so the
    holder must stay reached by one of them); `known`: the member is a person the console
    knows from the directory (registered or licensed by the console), so being absent
    from the directory means having left, not being someone else's user.
    """

    member: str
    kind: MemberKind
    via_assignment: bool = False
    known: bool = False


class FoldedDirectory(dict[str, bool]):
    """UPN casefolded -> active: `directory_users` folded once for many items."""


def folded_directory(directory_users: Mapping[str, bool]) -> FoldedDirectory:
    """The directory as `pending_reclaims` reads it, for a caller asking about many items
    (folding it for every item made a reclaim over N items and U users cost N × U)."""
    return FoldedDirectory((upn.casefold(), state) for upn, state in directory_users.items())


def pending_reclaims(held: Iterable[HeldLicense], *, directory_users: Mapping[str, bool],
                     reached: Holdings) -> Holdings:
    """The holders of one item whose license is pending reclaim.

    `directory_users`: UPN (any case) -> active, for every user in the directory;
    `reached`: every user and device a (not Uninstall) assignment of the item reaches.
    Pending: a user marked inactive (left the company); a known user absent from the
    directory (left the company); a license given through an assignment whose holder no
    assignment of the item reaches any more (left the assigned groups).
    """
    active = (directory_users if isinstance(directory_users, FoldedDirectory)
              else folded_directory(directory_users))
    reached_users = {u.casefold() for u in reached.users}
    users: set[str] = set()
    devices: set[str] = set()
    for lic in held:
        if _pending(lic, active, reached_users, reached.devices):
            (users if lic.kind is MemberKind.USER else devices).add(lic.member)
    return Holdings(users=frozenset(users), devices=frozenset(devices))


def _pending(lic: HeldLicense, active: Mapping[str, bool], reached_users: AbstractSet[str],
             reached_devices: AbstractSet[str]) -> bool:
    """One license of `pending_reclaims` (`active` folded, `reached_users` casefolded)."""
    if lic.kind is MemberKind.USER:
        key = lic.member.casefold()
        state = active.get(key)
        left_company = state is False or (state is None and (lic.known or lic.via_assignment))
        return left_company or (lic.via_assignment and key not in reached_users)
    return lic.via_assignment and lic.member not in reached_devices


def pending_whatever_reach(lic: HeldLicense, directory_users: FoldedDirectory) -> bool:
    """Whether a license NOT given through an assignment is pending reclaim: the same
    answer as `pending_reclaims` gives it for any reach, as only a license an assignment
    gave is judged against the item's reach. So a device license not given through an
    assignment is never pending, and a user's is pending when the person left the
    company. For a caller judging each holder once, not once per item (issue 13).
    Raises ValueError for a license given through an assignment."""
    if lic.via_assignment:
        raise ValueError("a license given through an assignment depends on its reach")
    return _pending(lic, directory_users, frozenset(), frozenset())
