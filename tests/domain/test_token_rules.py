"""design.md "Location tokens": one test per rule, named after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vpp_tui.domain.tokens import (
    MAX_TOKENS,
    TokenFacts,
    TokenState,
    auto_update_mark,
    check_token_limit,
    days_left,
    renewal_allowed,
    sync_due,
    token_health,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def health(days: float = 300, **facts):  # noqa: ANN003, ANN201
    return token_health(TokenFacts(expires_at=NOW + timedelta(days=days), **facts), NOW)


def test_token_valid_for_more_than_thirty_days_is_valid() -> None:
    h = health(300)
    assert h.state is TokenState.VALID and not h.needs_attention and h.can_sync


def test_token_expiring_within_thirty_days_is_expiring_soon() -> None:
    h = health(10)
    assert h.state is TokenState.EXPIRING_SOON
    assert h.reason == "expires in 10 days" and h.needs_attention


def test_expiring_soon_threshold_is_a_setting() -> None:
    facts = TokenFacts(expires_at=NOW + timedelta(days=40))
    assert token_health(facts, NOW, expiring_soon_days=45).state is TokenState.EXPIRING_SOON
    assert token_health(facts, NOW).state is TokenState.VALID


def test_token_past_its_expiry_date_is_expired() -> None:
    h = health(-3)
    assert h.state is TokenState.EXPIRED and h.reason == "expired 3 days ago"
    assert not h.can_sync and "renew" in h.advice


def test_apple_error_9621_means_expired_even_before_the_file_date() -> None:
    assert health(100, apple_error=9621).state is TokenState.EXPIRED


def test_apple_error_9625_means_invalid_revoked() -> None:
    h = health(200, apple_error=9625)
    assert (h.state, h.reason) == (TokenState.INVALID, "revoked")


@pytest.mark.parametrize("code", [9601, 9622, 9722])
def test_apple_credential_errors_mean_invalid_credentials(code: int) -> None:
    h = health(200, apple_error=code)
    assert (h.state, h.reason) == (TokenState.INVALID, "credentials invalid")
    assert str(code) in h.advice


def test_token_held_by_another_mdm_is_assigned_to_external_mdm_with_its_name() -> None:
    h = health(200, external_mdm_name="Jamf Pro")
    assert h.state is TokenState.EXTERNAL_MDM and "Jamf Pro" in h.reason
    assert not h.can_assign


def test_duplicate_tokens_pause_sync_but_still_assign_and_revoke() -> None:
    h = health(200, is_duplicate=True, duplicate_of=("Music B",))
    assert h.state is TokenState.DUPLICATE and "Music B" in h.reason
    assert not h.can_sync and h.can_assign


def test_urgency_puts_expired_first_and_valid_last() -> None:
    order = [health(-1), health(1, apple_error=9625), health(1, external_mdm_name="X"),
             health(200, is_duplicate=True), health(5), health(300)]
    assert [h.urgency for h in order] == sorted(h.urgency for h in order)


def test_days_left_counts_partial_days_while_valid_and_whole_days_once_expired() -> None:
    assert days_left(NOW + timedelta(hours=1), NOW) == 1
    assert days_left(NOW - timedelta(hours=1), NOW) == 0
    assert days_left(NOW - timedelta(days=3, hours=5), NOW) == -3
    assert days_left(NOW + timedelta(days=10), NOW) == 10


def test_renewal_must_be_for_the_same_location() -> None:
    ok, reason = renewal_allowed("loc-1", "loc-2", current_is_legacy=False)
    assert not ok and "loc-2" in reason and "loc-1" in reason
    assert renewal_allowed("loc-1", "loc-1", current_is_legacy=False) == (True, "")


def test_legacy_token_may_move_to_a_location_token_on_renewal() -> None:
    assert renewal_allowed("legacy-1", "loc-9", current_is_legacy=True)[0]


def test_tenant_holds_at_most_3000_tokens() -> None:
    check_token_limit(MAX_TOKENS - 1)
    with pytest.raises(ValueError, match="3000"):
        check_token_limit(MAX_TOKENS)


def test_every_token_syncs_twice_a_day_by_default() -> None:
    assert sync_due(None, None, NOW, 12) == (True, True)
    assert sync_due(NOW - timedelta(hours=11), NOW - timedelta(hours=11), NOW, 12)[0] is False
    assert sync_due(NOW - timedelta(hours=12), NOW - timedelta(hours=12), NOW, 12)[0] is True


def test_sync_reads_everything_at_least_once_a_day() -> None:
    assert sync_due(NOW, NOW - timedelta(hours=23), NOW, 12)[1] is False
    assert sync_due(NOW, NOW - timedelta(hours=25), NOW, 12)[1] is True


def test_auto_update_marks_required_and_available_assignments_and_says_so_for_available() -> None:
    assert "update pending" in (auto_update_mark("required", "2.0") or "")
    assert "new version (2.0) is available" in (auto_update_mark("available", "2.0") or "")
    assert auto_update_mark("uninstall", "2.0") is None


# Admission and expiry (issue 8) ---------------------------------------------------------

def test_effective_expiry_is_the_later_of_the_file_and_apples_date() -> None:
    from vpp_tui.domain.tokens import effective_expiry

    file_date, apple_date = NOW + timedelta(days=365), NOW - timedelta(days=1)
    assert effective_expiry(file_date, apple_date) == file_date  # Apple lags a renewal
    assert effective_expiry(NOW, NOW + timedelta(days=2)) == NOW + timedelta(days=2)
    assert effective_expiry(file_date, None) == file_date


def test_apple_9621_before_the_file_date_lets_a_sync_ask_again() -> None:
    h = health(100, apple_error=9621)
    assert h.state is TokenState.EXPIRED and "9621" in h.reason
    assert h.can_sync and not h.can_assign


def test_an_expired_file_is_refused_before_apple_is_asked() -> None:
    from vpp_tui.domain.tokens import expired_file_refusal

    assert expired_file_refusal(NOW + timedelta(seconds=1), NOW, renewing=False) is None
    text = expired_file_refusal(NOW - timedelta(days=3, hours=2), NOW, renewing=False)
    assert text and "expired on 2026-11-20 (3 days ago)" in text and "nothing was stored" in text
    renewing = expired_file_refusal(NOW, NOW, renewing=True)
    assert renewing and "stored token is unchanged" in renewing


@pytest.mark.parametrize(("code", "words"), [
    (9625, "revoked"), (9621, "expired"), (9601, "does not know"), (9622, "does not know"),
    (9722, "bearer"),
])
def test_apple_refusal_gives_apples_reason_and_what_to_do(code: int, words: str) -> None:
    from vpp_tui.domain.tokens import apple_refusal

    text = apple_refusal(code, "Apple's own words.", renewing=False)
    assert str(code) in text and words in text and "Apple's own words." in text
    assert "download a new token" in text and "\n" not in text


def test_renewal_with_unknown_location_must_not_take_another_tokens_location() -> None:
    ok, reason = renewal_allowed(None, "loc-2", False, held_by="North")
    assert not ok and "'North'" in reason and "loc-2" in reason
    assert renewal_allowed(None, "loc-2", False)[0]
    # A known location that matches is fine even if a duplicate already shares it.
    assert renewal_allowed("loc-2", "loc-2", False, held_by="North") == (True, "")


def test_renewal_with_unknown_location_must_be_for_the_same_organisation() -> None:
    ok, reason = renewal_allowed(None, "loc-2", False, current_org="Contoso",
                                 new_org="Fabrikam")
    assert not ok and "Fabrikam" in reason and "Contoso" in reason
    assert renewal_allowed(None, "loc-2", False, current_org="Contoso", new_org="Contoso")[0]


def test_renewal_into_a_location_another_mdm_holds_needs_take_control() -> None:
    from vpp_tui.domain.tokens import owner_refusal

    text = owner_refusal("jamf-1", "Jamf Pro", "contoso.jamfcloud.com", "mine", False)
    assert text and "Jamf Pro" in text and "--take-control" in text
    assert owner_refusal("jamf-1", "Jamf Pro", None, "mine", True) is None
    assert owner_refusal("mine", "vpp-tui", None, "mine", False) is None
    assert owner_refusal(None, None, None, None, False) is None
    assert owner_refusal("jamf-1", "Jamf Pro", None, None, False)  # never claimed anything


def test_apple_error_9647_means_invalid_legacy_token_renewed_like_9625() -> None:
    h = health(200, apple_error=9647)
    assert h.state == TokenState.INVALID and h.reason == "legacy token"
    assert "9647" in h.advice and "renew" in h.advice
