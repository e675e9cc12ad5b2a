"""Breaker: `token set NAME --notification-url URL` (and the settings form, which applies
the same rule) accepts a URL holding DEL, a C1 control (U+009B, the 8-bit CSI) or an
invisible / bidi character (U+200B, U+202E). It is sent to Apple with a fresh secret and
stored, while every screen shows it with those characters removed (terminal_safe), so the
admin reads an address that is not the one Apple posts to. README "Input limits": a value
with a control or invisible character is bad input (exit 2, nothing sent).

Reproduce (served simulator on 18787, `vpp-tui listen --port 18788`):
  vpp-tui token set NC --notification-url $'http://127.0.0.1:18788/\\u202eevil'  -> exit 0
  vpp-tui token set NC --notification-url $'http://127.0.0.1:18788/y\\u009b31m'  -> exit 0
  vpp-tui token show NC --json   -> "notification_url" shown without the characters
"""

from __future__ import annotations

import pytest

from vpp_tui.domain.notifications import check_notification_url


@pytest.mark.xfail(strict=True, reason="breaker3: notification URL with DEL / C1 / "
                   "invisible characters is accepted and sent to Apple")
@pytest.mark.parametrize("char", ["\x7f", "\x9b", "\u200b", "\u202e", "\u2066"])
def test_notification_url_with_invisible_character_is_refused(char: str) -> None:
    with pytest.raises(ValueError):
        check_notification_url(f"https://mdm.example.com/vpp{char}/notify")


@pytest.mark.xfail(strict=True, reason="breaker3: a malformed IPv6 host gives Python's "
                   "raw 'Invalid IPv6 URL' (no advice, untranslated)")
def test_notification_url_bad_ipv6_says_what_to_do() -> None:
    with pytest.raises(ValueError) as info:
        check_notification_url("https://[::1/notify")
    assert "notification URL" in str(info.value)
