"""The usage history's keeping rule (`domain.usage`): 30 days whole, then a day's last
sample per item, nothing past 400 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vpp_tui.domain import usage

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _at(days: float, hour: int = 0) -> datetime:
    return (NOW - timedelta(days=days)).replace(hour=hour)


def test_usage_samples_of_the_last_30_days_are_all_kept() -> None:
    samples = [(i, "a", NOW - timedelta(hours=12 * i)) for i in range(1, 60)]
    assert usage.samples_to_prune(samples, NOW) == []


def test_older_usage_samples_keep_the_last_one_per_item_per_day() -> None:
    samples = [(1, "a", _at(40, 1)), (2, "a", _at(40, 13)), (3, "b", _at(40, 2)),
               (4, "a", _at(41, 23)), (5, "a", _at(40, 13))]
    # a's day 40: 1 and 2 and 5 (2 and 5 at the same time: the higher id stays); b keeps 3.
    assert usage.samples_to_prune(samples, NOW) == [1, 2]


def test_usage_samples_older_than_400_days_are_dropped() -> None:
    samples = [(1, "a", NOW - timedelta(days=401)), (2, "a", NOW - timedelta(days=399))]
    assert usage.samples_to_prune(samples, NOW) == [1]
    assert usage.drop_before(NOW) == NOW - timedelta(days=400)
