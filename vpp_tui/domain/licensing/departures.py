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
from dataclasses import dataclass

from vpp_tui.domain.licensing.model import Holdings, MemberKind


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
        if lic.kind is MemberKind.USER:
            key = lic.member.casefold()
            state = active.get(key)
            left_company = state is False or (state is None
                                              and (lic.known or lic.via_assignment))
            left_groups = lic.via_assignment and key not in reached_users
            if left_company or left_groups:
                users.add(lic.member)
        elif lic.via_assignment and lic.member not in reached.devices:
            devices.add(lic.member)
    return Holdings(users=frozenset(users), devices=frozenset(devices))
