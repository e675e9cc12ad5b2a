"""The mass-removal rule of a directory re-import (issue 9, item 1): pure, no store."""

from __future__ import annotations

import pytest

from vpp_tui.domain.directory import Removal, RemovalLimit, is_mass_removal, mass_removals


@pytest.mark.parametrize(("removed", "total", "refused"), [
    (0, 600, False),
    (60, 600, False),   # exactly 10 %: allowed
    (61, 600, True),    # more than 10 %
    (600, 600, True),
    (5, 5, False),      # never more than the floor of 5: a small store may lose a few
    (1, 3, False),      # 33 % of a three-user store is one person
    (6, 20, True),      # above both 10 % and the floor
    (6, 100, False),    # above the floor, not above 10 %
])
def test_mass_removal_rule_refuses_more_than_the_share_and_the_floor(
        removed: int, total: int, refused: bool) -> None:
    assert is_mass_removal(Removal("users", removed, total), RemovalLimit()) is refused


def test_mass_removal_rule_takes_the_limit_it_is_given() -> None:
    removal = Removal("users", 300, 600)
    assert is_mass_removal(removal, RemovalLimit(percent=40, floor=5))
    assert not is_mass_removal(removal, RemovalLimit(percent=50, floor=5))
    assert not is_mass_removal(Removal("users", 8, 10), RemovalLimit(percent=0, floor=10))
    assert is_mass_removal(Removal("users", 1, 10), RemovalLimit(percent=0, floor=0))


def test_mass_removal_rule_lists_only_the_parts_over_the_limit() -> None:
    found = mass_removals([Removal("users", 600, 600), Removal("devices", 0, 595),
                           Removal("group_members", 652, 652)], RemovalLimit())
    assert [r.what for r in found] == ["users", "group_members"]
    assert [r.percent for r in found] == [100, 100]


def test_removal_percent_is_never_shown_as_zero_when_something_goes() -> None:
    assert Removal("users", 1, 1000).percent == 1
    assert Removal("users", 0, 0).percent == 0
    assert Removal("users", 2, 3).percent == 67


def test_share_is_rounded_up_so_it_never_reads_as_the_limit_it_exceeds() -> None:
    from vpp_tui.domain.directory import USERS, Removal

    assert Removal(USERS, 61, 600).share == "10.2"
    assert Removal(USERS, 601, 6000).share == "10.1"
    assert Removal(USERS, 60, 600).share == "10"
    assert Removal(USERS, 0, 600).share == "0" and Removal(USERS, 1, 3).share == "33.4"
