"""The terminal-safe text rule (domain/text.py): ECMA-48 controls and UAX #9 bidi controls."""

from __future__ import annotations

import pytest

from vpp_tui.domain.text import terminal_safe


@pytest.mark.parametrize(("raw", "shown"), [
    ("Contoso\x1b[31m RED\x1b[0m", "Contoso RED"),  # SGR colour: the whole CSI goes
    ("bell\x07", "bell"),
    ("x\x9b2Jy", "xy"),  # 8-bit CSI with its parameters and final byte
    ("a\x1b]0;new title\x07b", "ab"),  # OSC (window title) up to BEL
    ("a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"),  # OSC 52 clipboard write up to ST
    ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
    ("a\x1b(Bb", "ab"),  # charset designation
    ("Good\rEvil", "Good Evil"),  # a carriage return would overwrite the line
    ("one\ntwo\tthree", "one two three"),
    ("\u202eexe.txt\u202c", "exe.txt"),  # right-to-left override
    ("\u2066iso\u2069\u200e\u061c", "iso"),
    ("nul\x00del\x7f", "nuldel"),
    ("École 東京 Ünïcode", "École 東京 Ünïcode"),  # printable text is never touched
    ("", ""),
])
def test_terminal_safe_strips_every_control_sequence(raw: str, shown: str) -> None:
    assert terminal_safe(raw) == shown


def test_terminal_safe_returns_printable_text_unchanged() -> None:
    text = "North Campus (Contoso)"
    assert terminal_safe(text) is text


def test_quote_clips_a_long_value_to_80_characters_and_counts_it() -> None:
    from vpp_tui.domain.text import quote

    assert quote("North") == "'North'"
    assert quote("a" * 10000) == "'" + "a" * 80 + "…' (10000 characters)"
    assert quote("it's" * 40).endswith('…" (160 characters)')


def test_quote_shows_blanks_and_controls_escaped() -> None:
    from vpp_tui.domain.text import quote

    assert quote(" ") == "' '" and quote("a\x1b[0mb") == "'a\\x1b[0mb'"
