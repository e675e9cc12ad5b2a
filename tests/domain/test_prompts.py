"""The end-user prompt matrix (design.md "End-user prompts", seed 001)."""

from __future__ import annotations

import re

import pytest

from vpp_tui.domain.prompts import (
    PromptResult,
    company_portal_shows,
    end_user_prompts,
    explain_device_prompts,
    prompts_for_devices,
)

Y, N = True, False

# (row, ownership, supervised, kiosk, user_enrollment, license, invite, install, apple_id)
END_USER_PROMPT_TABLE = [
    (1, "personal", False, False, False, "user", Y, Y, Y),
    (2, "corporate", False, False, False, "user", Y, Y, Y),
    (3, "corporate", True, False, False, "user", Y, N, Y),
    (4, "personal", False, False, False, "device", N, Y, N),
    (5, "corporate", False, False, False, "device", N, Y, N),
    (6, "corporate", True, False, False, "device", N, N, N),
    (7, "corporate", True, True, False, "device", N, N, N),
    # Not recommended: warned, and no answers (null in --json).
    (8, "corporate", True, True, False, "user", None, None, None),
]


@pytest.mark.parametrize(
    "row,ownership,supervised,kiosk,user_enrollment,license_type,invite,install,apple_id",
    END_USER_PROMPT_TABLE, ids=[f"scenario_{r[0]}" for r in END_USER_PROMPT_TABLE])
def test_end_user_prompts_follow_the_2020_table(
    row, ownership, supervised, kiosk, user_enrollment, license_type, invite, install,
    apple_id,
) -> None:
    result = end_user_prompts(ownership, supervised, kiosk, user_enrollment, license_type)
    assert (result.invite_to_vpp, result.app_install_prompt, result.apple_id_prompt) == (
        invite, install, apple_id)
    assert result.scenario == row
    assert (result.warning is not None) == (row == 8)
    if row != 8:
        # One sentence per answer, each saying why.
        assert len(re.split(r"(?<=\.) ", result.explanation)) == 3


def test_end_user_prompts_scenario_8_kiosk_with_user_licensing_is_warned_not_answered(
) -> None:
    result = end_user_prompts("corporate", True, True, False, "user")
    assert result.scenario == 8
    assert (result.invite_to_vpp, result.app_install_prompt, result.apple_id_prompt) == (
        None, None, None)
    assert result.warning and "not recommended" in result.warning


def test_company_portal_does_not_show_device_licensed_apps_on_user_enrollment_devices(
) -> None:
    assert company_portal_shows("device", user_enrollment=True) is False
    assert company_portal_shows("user", user_enrollment=True) is True
    assert company_portal_shows("device", user_enrollment=False) is True
    result = end_user_prompts("personal", False, False, True, "device")
    assert result.shown_in_company_portal is False
    assert result.invite_to_vpp is None and result.warning


def test_user_enrollment_with_user_licensing_uses_the_managed_apple_id() -> None:
    result = end_user_prompts("personal", False, False, True, "user")
    assert (result.invite_to_vpp, result.app_install_prompt, result.apple_id_prompt) == (
        N, Y, N)
    assert result.scenario is None and "Managed Apple ID" in result.explanation


def test_prompt_result_has_the_cli_json_fields() -> None:
    data = end_user_prompts("corporate", True, False, False, "device").as_dict()
    assert {"invite_to_vpp", "app_install_prompt", "apple_id_prompt", "warning",
            "explanation"} <= data.keys()


def test_unknown_ownership_or_license_is_rejected() -> None:
    with pytest.raises(ValueError):
        end_user_prompts("borrowed", False, False, False, "user")
    with pytest.raises(ValueError):
        end_user_prompts("corporate", False, False, False, "family")


def _device(**overrides) -> PromptResult:
    attrs = dict(ownership="corporate", supervised=True, kiosk=False, enrollment="automated",
                 license_type="device", device_assignable=True, product_type="app",
                 app_store_blocked=False)
    attrs.update(overrides)
    return explain_device_prompts(**attrs)


def test_explain_device_prompts_matches_the_table_for_a_supervised_ipad() -> None:
    assert _device().scenario == 6


def test_explain_device_prompts_defaults_to_device_licensing_when_assignable() -> None:
    assert _device(license_type=None).scenario == 6
    assert _device(license_type=None, device_assignable=False).scenario == 3


def test_explain_device_prompts_books_are_user_licensed() -> None:
    result = _device(product_type="book", license_type="device")
    assert result.invite_to_vpp is True and result.scenario == 3


def test_explain_device_prompts_warns_about_a_blocked_app_store_with_user_licensing() -> None:
    result = _device(license_type="user", app_store_blocked=True)
    assert result.warning and "App Store is blocked" in result.warning


def test_explain_device_prompts_warns_when_the_app_is_not_device_assignable() -> None:
    assert "not device-assignable" in (_device(device_assignable=False).warning or "")


def test_explain_device_prompts_a_personal_device_is_never_treated_as_supervised() -> None:
    assert _device(ownership="personal", supervised=True).scenario == 4


def test_explain_device_prompts_kiosk_with_user_license_keeps_both_warnings() -> None:
    result = _device(kiosk=True, license_type="user", app_store_blocked=True)
    assert "not recommended" in result.warning and "App Store is blocked" in result.warning


def test_prompts_for_devices_groups_a_fleet_by_what_its_users_will_be_asked() -> None:
    from vpp_tui.domain.licensing.model import Device, Enrollment, Ownership

    fleet = ([Device(f"S{i}", supervised=True) for i in range(3)]
             + [Device("BYOD", ownership=Ownership.PERSONAL, enrollment=Enrollment.USER)])
    summary = prompts_for_devices(fleet, "device")
    assert [(r.scenario, r.shown_in_company_portal, n) for r, n in summary] == [
        (6, True, 3), (None, False, 1)]
