"""The notification rules (apple-api.md §2.3, §8): URL, bearer, envelope, event status,
counts."""

from __future__ import annotations

import json

import pytest

from vpp_tui.domain import notifications as rules


@pytest.mark.parametrize("url", ["https://mdm.example.com/vpp/notify",
                                 "  https://mdm.example.com/n  ", "http://127.0.0.1:8788/n",
                                 "http://localhost/n"])
def test_notification_url_must_be_https_or_loopback_http(url: str) -> None:
    assert rules.check_notification_url(url) == url.strip()


@pytest.mark.parametrize(("url", "words"), [
    ("", "empty"), ("http://mdm.example.com/n", "https://"), ("ftp://x/n", "https://"),
    ("https://mdm.example.com/n?a=1", "query"), ("https://mdm.example.com/n#f", "query"),
    ("https://" + "m" * 510, "longer than 512"), ("https:///path", "no host"),
])
def test_notification_url_refusal_says_what_to_fix(url: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        rules.check_notification_url(url)


def test_bearer_is_matched_in_constant_time_against_every_token() -> None:
    digests = {1: rules.bearer_digest("one"), 2: rules.bearer_digest("two"), 3: None}
    assert rules.match_bearer("two", digests) == 2
    assert rules.match_bearer("three", digests) is None
    assert rules.match_bearer(None, digests) is None and rules.match_bearer("", digests) is None


@pytest.mark.parametrize(("header", "bearer"), [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None),
    (None, None), ("", None)])
def test_bearer_from_the_authorization_header(header, bearer) -> None:
    assert rules.bearer_from_header(header) == bearer


def test_envelope_of_apples_example_keeps_the_opaque_notification_id() -> None:
    body = {"notification": {"eventId": "e", "result": "FAILURE"},
            "notificationId": "eba66-1bc1-4285-aa0a-7256293c5ca7",
            "notificationType": "ASSET_MANAGEMENT", "uId": 2049025000431439}
    env = rules.parse_envelope(json.dumps(body).encode())
    assert (env.notification_id, env.location_id, env.event_id, env.result) == (
        "eba66-1bc1-4285-aa0a-7256293c5ca7", "2049025000431439", "e", "FAILURE")


@pytest.mark.parametrize("body", [b"{", b"[]", b'{"notificationId": "x"}',
                                  b'{"notificationId": "x", "notificationType": "NOPE", '
                                  b'"notification": {}}',
                                  b'{"notificationId": "x", "notificationType": '
                                  b'"ASSET_COUNT", "notification": []}'])
def test_a_body_that_is_no_notification_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        rules.parse_envelope(body)


def test_one_failure_part_makes_the_event_failed_and_a_success_part_does_not_undo_it() -> None:
    assert rules.event_status_after("PENDING", "SUCCESS") == "COMPLETE"
    assert rules.event_status_after("COMPLETE", "FAILURE") == "FAILED"
    assert rules.event_status_after("FAILED", "SUCCESS") == "FAILED"
    assert rules.event_status_after("UNKNOWN", None) == "UNKNOWN"


def test_asset_count_delta_moves_the_total_never_below_what_is_assigned() -> None:
    assert rules.counts_after(40, 40, 5) == (45, 5)
    assert rules.counts_after(40, 30, -12) == (30, 0)
    assert rules.counts_after(10, 0, -20) == (0, 0)


@pytest.mark.parametrize("url", ["https://user:pass@example.com/x", "https://exa mple.com/",
                                 "https://example.com:99999/x", "https://example.com:0x/x"])
def test_fault_notification_url_with_credentials_space_or_bad_port_is_refused(url: str) -> None:
    # Breaker, issue 14: these reached Apple, and the password was written to the audit.
    with pytest.raises(ValueError):
        rules.check_notification_url(url)


def test_notification_url_with_a_real_port_is_accepted() -> None:
    assert rules.check_notification_url("https://mdm.example.com:8443/vpp") == (
        "https://mdm.example.com:8443/vpp")


def test_clears_notification_url_only_for_an_empty_value() -> None:
    assert rules.clears_notification_url("") and rules.clears_notification_url("  ")
    assert not rules.clears_notification_url(None)
    assert not rules.clears_notification_url("https://mdm.example.com/n")
