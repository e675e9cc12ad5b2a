"""The value rules behind the store's limits (`domain/limits.py`), one test per rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from vpp_tui.domain import limits
from vpp_tui.domain.limits import (
    MAX_JSON_DEPTH,
    datetime_problem,
    int_problem,
    json_problem,
    text_problem,
)


def test_text_fits_up_to_its_length_in_characters() -> None:
    assert text_problem("é" * 300, 300) is None  # characters, not bytes
    assert text_problem("x" * 301, 300) == "is 301 characters long; at most 300 fit"
    assert text_problem("x" * 10_000) is None  # no limit given


def test_text_with_nul_or_a_lone_surrogate_never_fits() -> None:
    assert "NUL" in (text_problem("a\x00b") or "")
    assert "U+D800" in (text_problem("a\ud800") or "")
    assert "U+DCFF" in (text_problem("North\udcff", 300) or "")
    assert text_problem("Zoë 東京 🎉") is None  # a real pair (non-BMP) is fine


def test_datetime_must_have_a_zone_and_stay_inside_the_years_the_store_keeps() -> None:
    assert datetime_problem(datetime(2030, 1, 1, tzinfo=UTC)) is None
    assert "no time zone" in (datetime_problem(datetime(2030, 1, 1)) or "")
    plus14, minus14 = timezone(timedelta(hours=14)), timezone(timedelta(hours=-14))
    assert "out of range" in (datetime_problem(datetime(1, 1, 1, tzinfo=plus14)) or "")
    assert "out of range" in (datetime_problem(
        datetime(9999, 12, 31, 23, 59, tzinfo=minus14)) or "")


def test_integer_fits_its_column_width() -> None:
    assert int_problem(2**31 - 1, 32) is None and int_problem(2**31, 32)
    assert int_problem(-(2**63), 64) is None and int_problem(10**4000, 64)


def test_json_value_must_be_plain_finite_and_shallow() -> None:
    assert json_problem({"a": [1, 2.5, "x", None, True]}) is None
    assert json_problem(float("nan")) == "is not a finite number"
    assert "NUL" in (json_problem({"k": "a\x00"}) or "")
    deep: list = []
    for _ in range(MAX_JSON_DEPTH + 1):
        deep = [deep]
    assert "levels deep" in (json_problem(deep) or "")
    assert json_problem({1: "x"}) == "has a key that is not text"
    assert "not a JSON value" in (json_problem(object()) or "")


@pytest.mark.parametrize("name", ["Nor\x1b[0mth", "a\x07b", "a\tb", "a\nb", "No\u200brth",
                                  "North\u202e", "\ufeffNorth", "a\u2028b", "a\ud800"])
def test_identifier_with_a_control_format_or_separator_character_is_refused(
        name: str) -> None:
    assert "control or invisible character" in (limits.identifier_problem(name) or "")


@pytest.mark.parametrize("name", ["North Campus", "Zoë 東京", "ana@contoso.com", "a\u00a0b",
                                  "Sales 🎉"])
def test_identifier_of_printable_text_passes(name: str) -> None:
    assert limits.identifier_problem(name) is None


def test_file_size_is_refused_one_byte_over_its_limit_naming_the_limit() -> None:
    assert limits.size_problem(1024, 1024) is None
    assert limits.size_problem(1025, 1024) == "is larger than 1 KiB (the limit)"
    assert limits.byte_size(64 * 2 ** 20) == "64 MiB" and limits.byte_size(1000) == "1000 bytes"
