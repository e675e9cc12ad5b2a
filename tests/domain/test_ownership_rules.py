"""Ownership rules (design.md "The ledger"; apple-api.md §7.1, §7.3)."""

from __future__ import annotations

from vpp_tui.domain.ownership import location_owner, write_refusal


def test_a_location_is_held_when_any_of_its_tokens_is_marked() -> None:
    assert location_owner([None, "Jamf Pro", "Kandji"]) == "Jamf Pro"
    assert location_owner([None, ""]) is None
    assert location_owner([]) is None


def test_a_refused_write_names_the_owner_and_how_to_take_control() -> None:
    text = write_refusal("North", "Jamf Pro")
    assert "Jamf Pro" in text and "nothing was sent" in text
    assert "vpp-tui token take-control North" in text and "\n" not in text
    stopped = write_refusal("North", "Jamf Pro", stopped=True)
    assert "the rest was not sent" in stopped and "take-control North" in stopped
