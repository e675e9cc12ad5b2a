"""What end users are asked: by scenario, and for one device from its directory record."""

from __future__ import annotations

import pytest

from tests.services.licensing_helpers import group_members, north
from vpp_tui.services import licensing, prompts
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.simulator.worlds import demo_directory


def test_scenario_row_3_corporate_supervised_user_license(world):
    result = prompts.prompts_for(world.ctx, ownership="corporate", supervised=True,
                                 license="user")
    assert (result.invite_to_vpp, result.app_install_prompt, result.apple_id_prompt) == (
        True, False, True)


def test_kiosk_with_user_licensing_warns(world):
    result = prompts.prompts_for(world.ctx, ownership="corporate", kiosk=True, license="user")
    assert result.warning and result.invite_to_vpp is None


def test_personal_supervised_is_bad_input(world):
    with pytest.raises(InvalidInput):
        prompts.prompts_for(world.ctx, ownership="personal", supervised=True, license="user")


def test_device_prompts_follow_the_assignment_license_type(world):
    doc = north(world)
    loaner = group_members(doc, "Loaner iPads")[0]
    before = prompts.prompts_for_device(world.ctx, loaner, "Star Chart")
    assert before.assignment is None and before.license_type == "device"
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    after = prompts.prompts_for_device(world.ctx, loaner, "Star Chart")
    assert after.assignment == "Loaner iPads"
    # Unsupervised corporate iPad, device licensed: row 5.
    assert after.result.scenario == 5 and after.result.app_install_prompt is True
    assert after.result.invite_to_vpp is False


def test_device_prompts_for_a_user_enrollment_device_warn_about_device_licensing(world):
    north(world)
    byod = next(d["serial"] for d in demo_directory()["devices"]
                if d["enrollment"] == "user")
    found = prompts.prompts_for_device(world.ctx, byod, "Star Chart")
    assert found.result.warning and not found.result.shown_in_company_portal


def test_unknown_device_is_not_found(world):
    north(world)
    with pytest.raises(NotFound):
        prompts.prompts_for_device(world.ctx, "NOPE", "Star Chart")
