"""The audit filter rule (issue 12): `key:value` words and free text, dates in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vpp_tui.domain.audit_filter import (
    AuditFilter,
    AuditFilterError,
    audit_filter,
    parse_audit_filter,
)


def test_filter_syntax_reads_keys_and_free_text() -> None:
    found = parse_audit_filter('admin:nina action:assign target:"North Campus" '
                               "result:failed since:2026-11-01 until:2026-11-30 Maps")
    assert found == AuditFilter(text="Maps", admin="nina", action="assign",
                                target="North Campus", result="failed",
                                since=datetime(2026, 11, 1, tzinfo=UTC),
                                until=datetime(2026, 12, 1, tzinfo=UTC))


def test_filter_syntax_knows_who_and_actor_as_admin_and_ignores_case_of_keys() -> None:
    assert parse_audit_filter("WHO:ana").admin == "ana"
    assert parse_audit_filter("actor:ana").admin == "ana"


def test_filter_syntax_keeps_unknown_keys_as_free_text() -> None:
    assert parse_audit_filter("1484000110:STDQ").text == "1484000110:STDQ"


def test_filter_syntax_empty_is_no_filter() -> None:
    assert parse_audit_filter("   ").empty


def test_until_a_day_includes_the_whole_day_and_a_time_is_utc() -> None:
    assert audit_filter(until="2026-11-30").until == datetime(2026, 12, 1, tzinfo=UTC)
    assert audit_filter(since="2026-11-30T08:15").since == datetime(2026, 11, 30, 8, 15,
                                                                     tzinfo=UTC)


@pytest.mark.parametrize("typed", ["since:2026-13-01", "since:yesterday", 'target:"open',
                                   "admin:", "admin:a admin:b",
                                   "since:2026-11-02 until:2026-11-01"])
def test_filter_that_cannot_be_read_is_one_line_saying_what_to_type(typed: str) -> None:
    with pytest.raises(AuditFilterError) as caught:
        parse_audit_filter(typed)
    assert caught.value.message and "\n" not in caught.value.message


@pytest.mark.parametrize("key,value", [("until", "0001-01-01T00:00+14:00"),
                                       ("since", "9999-12-31T23:59-12:00")])
def test_fault_dates_at_the_ends_of_the_calendar_are_one_message_not_a_crash(
        key: str, value: str) -> None:
    # Breaker, issue 12: OverflowError with a traceback instead of exit 2.
    with pytest.raises(AuditFilterError):
        audit_filter(**{key: value})


def test_until_the_last_day_there_is_means_no_upper_bound() -> None:
    assert audit_filter(until="9999-12-31").until == datetime.max.replace(tzinfo=UTC)
