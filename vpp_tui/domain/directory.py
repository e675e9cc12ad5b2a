"""When a directory re-import removes too much to be trusted (issue 9, item 1). Pure.

A re-import is a sync: whoever is missing from the file has left, and their licenses are
reclaimed at Apple. A truncated export, a file of the wrong kind or a broken quote then
looks like most of the company leaving. The import is refused when it would remove more
than a share of the users, managed devices or group memberships the store holds (default
10 %, the store setting `directory_max_removal_percent`), and more than a few of them
(default 5, `directory_removal_floor`): removing one of three users is 33 % of a very small
directory, not a sign of a broken file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

USERS = "users"  # removed from the store, or an active user made inactive: both leave
DEVICES = "devices"  # a managed device no longer managed (its licenses are kept)
GROUP_MEMBERS = "group_members"  # a (group, member) membership that ends


@dataclass(frozen=True)
class Removal:
    """What one import would take away from one part of the directory.

    `what` is USERS, DEVICES or GROUP_MEMBERS; `removed` how many would go and `total` how
    many the store holds now (users; managed devices; memberships), both counts >= 0.
    """

    what: str
    removed: int
    total: int

    @property
    def percent(self) -> int:
        """`removed` as a whole percentage of `total`; at least 1 when anything goes."""
        if self.total <= 0 or self.removed <= 0:
            return 0
        return max(1, round(100 * self.removed / self.total))

    @property
    def share(self) -> str:
        """`removed` as a percentage of `total` for a person, rounded UP to one decimal so
        that a share over a limit never reads as the limit ("61 of 600" is "10.2", not
        "10"); whole numbers without the decimal ("50")."""
        if self.total <= 0 or self.removed <= 0:
            return "0"
        tenths = -(-1000 * self.removed // self.total)  # ceiling, in integers: exact
        return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


@dataclass(frozen=True)
class RemovalLimit:
    """`percent`: the share (0–100) of a part an import may remove; `floor`: a count it may
    always remove, however small the directory."""

    percent: float = 10.0
    floor: int = 5


def is_mass_removal(removal: Removal, limit: RemovalLimit) -> bool:
    """The mass-removal rule (issue 9, item 1): refused when more than `limit.floor` AND
    more than `limit.percent` % of `removal.total` would go. Exactly the limit is allowed."""
    return (removal.removed > limit.floor
            and removal.removed * 100 > limit.percent * removal.total)


def removal_allowance(total: int, limit: RemovalLimit) -> int:
    """The most of `total` (users, managed devices or memberships, >= 0) one import may
    remove under `limit` without being a mass removal (`is_mass_removal`): the settings
    preview of `directory_max_removal_percent` and `directory_removal_floor`."""
    allowed = min(total, max(limit.floor, int(limit.percent * total // 100)))
    while allowed < total and not is_mass_removal(Removal("", allowed + 1, total), limit):
        allowed += 1
    while allowed > 0 and is_mass_removal(Removal("", allowed, total), limit):
        allowed -= 1
    return allowed


def mass_removals(removals: Iterable[Removal], limit: RemovalLimit) -> tuple[Removal, ...]:
    """The removals over `limit` (`is_mass_removal`), in the order given."""
    return tuple(r for r in removals if is_mass_removal(r, limit))
