"""The settings specs (domain.settings): parsing, range checks, broken stored values, the
low-license rule and the removal allowance."""

from __future__ import annotations

import pytest

from vpp_tui.domain.directory import Removal, RemovalLimit, is_mass_removal, removal_allowance
from vpp_tui.domain.settings import (
    BY_KEY,
    DEFAULTS,
    SettingValueError,
    check_value,
    is_low_on_licenses,
    item_key,
    parse_text,
    stored_value,
)


def test_defaults_are_the_2020_rules():
    assert DEFAULTS["sync_interval_hours"] == 12 and BY_KEY["sync_interval_hours"].later == 24
    assert DEFAULTS["reclaim_on_removal"] is True
    assert DEFAULTS["expiring_soon_days"] == 30
    assert DEFAULTS["low_license_percent"] == 90


@pytest.mark.parametrize(("key", "text", "value"), [
    ("sync_interval_hours", " 24 ", 24), ("reclaim_on_removal", "off", False),
    ("reclaim_on_removal", "Yes", True), ("low_license_percent", "80%", 80),
    ("low_license_percent", "72.5", 72.5), ("directory_removal_floor", "0", 0),
    ("theme", "nord", "nord"),
])
def test_parse_text_reads_what_an_admin_types(key, text, value):
    assert parse_text(BY_KEY[key], text) == value


@pytest.mark.parametrize("value", ["abc", None, -1, 0, 169, "1e400", float("inf"),
                                   float("nan"), True, 12.5, [12], {"h": 12}, 10**30])
def test_sync_interval_refuses_a_bad_value_with_the_allowed_range(value):
    with pytest.raises(SettingValueError, match="whole number from 1 to 168"):
        check_value(BY_KEY["sync_interval_hours"], value)


def test_broken_stored_value_gives_the_default_and_says_so():
    value, problem = stored_value(BY_KEY["directory_removal_floor"], -4)
    assert value == 5 and "using the default 5" in problem
    assert stored_value(BY_KEY["directory_removal_floor"], 3) == (3, None)


def test_item_key_only_for_per_item_settings_and_adam_ids():
    assert item_key("low_license_percent", "1234") == "low_license_percent:1234"
    with pytest.raises(SettingValueError):
        item_key("theme", "1234")
    with pytest.raises(SettingValueError):
        item_key("low_license_percent", "12:34")


@pytest.mark.parametrize(("used", "total", "unlimited", "percent", "low"), [
    (9, 10, False, 90, True), (8, 10, False, 90, False), (0, 0, False, 1, False),
    (5, 5, True, 1, False), (1, 2, False, 50, True),
])
def test_low_on_licenses_rule(used, total, unlimited, percent, low):
    assert is_low_on_licenses(used, total, unlimited, percent) is low


@pytest.mark.parametrize("total", [0, 3, 40, 99, 600])
@pytest.mark.parametrize(("percent", "floor"), [(10, 5), (20, 5), (0, 0), (100, 0), (7.5, 2)])
def test_removal_allowance_is_the_most_the_mass_removal_rule_allows(total, percent, floor):
    limit = RemovalLimit(percent=percent, floor=floor)
    n = removal_allowance(total, limit)
    assert not is_mass_removal(Removal("users", n, total), limit)
    assert n == total or is_mass_removal(Removal("users", n + 1, total), limit)
