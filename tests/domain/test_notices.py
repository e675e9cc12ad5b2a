"""The notice rules of `domain.notices`: the Jamf expiry cadence (issue 12) walked day by
day with an injected clock, and the header's low-license words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vpp_tui.apple.clock import FakeClock
from vpp_tui.domain import notices as rules

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _days_with_a_notice(expires_at: datetime, first_day: int, days: int) -> list[int]:
    """Walk `days` days with a FakeClock; the days-left of each day a notice was due."""
    clock = FakeClock(START)
    seen = []
    for _day in range(days):
        notice = rules.expiry_notice("North", expires_at, clock.now(), first_day)
        if notice is not None and notice.due_today:
            seen.append(notice.days_left)
        clock.sleep(86400)
    return seen


def test_expiry_notices_come_30_days_ahead_then_weekly_then_daily_in_the_last_week() -> None:
    expires = START + timedelta(days=40)
    assert _days_with_a_notice(expires, 30, 44) == [30, 23, 16, 9, 7, 6, 5, 4, 3, 2, 1,
                                                    0, -1, -2, -3]


def test_expiry_notices_start_on_the_expiring_soon_window_setting() -> None:
    expires = START + timedelta(days=20)
    assert _days_with_a_notice(expires, 14, 20) == [14, 7, 6, 5, 4, 3, 2, 1]
    assert rules.notice_days(14) == [14, 7, 6, 5, 4, 3, 2, 1]


def test_a_window_of_a_week_or_less_notices_daily() -> None:
    assert [d for d in range(10, 0, -1) if rules.expiry_notice_due(d, 5)] == [5, 4, 3, 2, 1]


def test_no_expiry_notice_before_the_window() -> None:
    assert rules.expiry_notice("North", START + timedelta(days=31), START, 30) is None


def test_the_next_expiry_notice_is_counted_in_days() -> None:
    notice = rules.expiry_notice("North", START + timedelta(days=20), START, 30)
    assert notice is not None
    assert (notice.days_left, notice.due_today, notice.next_in) == (20, False, 4)  # on 16
    assert rules.next_notice_in(8, 30) == 1  # the daily week starts at 7


def test_expiry_notice_text_counts_days_both_ways() -> None:
    def text(days: float) -> str:
        notice = rules.expiry_notice("North", START + timedelta(days=days), START, 30)
        assert notice is not None
        return notice.text()

    assert text(1) == "token North expires in 1 day"
    assert text(10) == "token North expires in 10 days"
    assert text(0) == "token North has expired"
    assert text(-3) == "token North expired 3 days ago"


def test_most_urgent_notices_come_first() -> None:
    a = rules.ExpiryNotice("a", 10, False, 1)
    b = rules.ExpiryNotice("b", -2, True, 0)
    assert rules.most_urgent([a, b]) == [b, a]


def test_low_license_summary_counts_apps_and_books_with_plurals() -> None:
    assert rules.low_license_summary(3, 0) == ["3 apps nearly out of licenses"]
    assert rules.low_license_summary(1, 1) == ["1 app and 1 book nearly out of licenses"]
    assert rules.low_license_summary(0, 2) == ["2 books nearly out of licenses"]
    assert rules.low_license_summary(0, 0) == []
    assert rules.low_license_short(6, 1) == ["6 apps, 1 book low"]


def test_short_expiry_notice_names_the_token_and_days() -> None:
    assert rules.ExpiryNotice("South", 10, False, 1).short_text() == "South in 10 d"
    assert rules.ExpiryNotice("Annex", -3, True, 0).short_text() == "Annex expired"
