"""Fault (breaker3): a notification URL holding DEL, a C1 control or an invisible / bidi
character was accepted and sent to Apple while screens showed it without them; a
malformed IPv6 host gave urllib's raw "Invalid IPv6 URL". Both are refused with our own
one-line advice (the control/invisible rule is `limits.identifier_problem`'s)."""

from __future__ import annotations

import pytest

from vpp_tui.domain.notifications import check_notification_url


@pytest.mark.parametrize("char", ["\x7f", "\x9b", "\u200b", "\u202e", "\u2066"])
def test_notification_url_invisible_character_is_refused(char: str) -> None:
    with pytest.raises(ValueError) as info:
        check_notification_url(f"https://mdm.example.com/vpp{char}/notify")
    assert f"U+{ord(char):04X}" in str(info.value)


def test_notification_url_bad_ipv6_says_what_to_do() -> None:
    with pytest.raises(ValueError) as info:
        check_notification_url("https://[::1/notify")
    assert "notification URL" in str(info.value) and "[2001:db8::1]" in str(info.value)


def test_notification_url_with_ipv6_and_non_ascii_path_is_still_accepted() -> None:
    assert check_notification_url("https://[2001:db8::1]:8443/vpp/é") \
        == "https://[2001:db8::1]:8443/vpp/é"
