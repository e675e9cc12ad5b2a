"""Text that is safe to show on a terminal: the one rule for text from files and from Apple.

Token files (`orgName`), Apple's answers (location names, error messages, asset names) and
directory files are written by others. Shown raw, an ESC sequence recolours or clears the
admin's terminal, retitles the window (OSC) or writes to the clipboard (OSC 52); a carriage
return overwrites what was printed before it; bidi overrides make a name read differently
from what it is. Source: ECMA-48 (C0, C1, CSI and string controls) and Unicode UAX #9
(explicit directional formatting characters).
"""

from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len, set_cell_size

from vpp_tui.i18n import _

# Whole escape sequences go, not just their ESC: "\x1b[31m" must not leave "[31m" behind.
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (7- and 8-bit), with parameters and final byte
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?",  # any other escape (nF, Fp, Fe, Fs) or a lone ESC
    re.DOTALL,
)
# Line breaks and tabs become a space: a one-line field stays one line.
_SPACING = re.compile("[\t\n\v\f\r\x85\u2028\u2029]")
# Everything else that is not text: C0, DEL, C1, bidi embeddings, overrides, isolates, marks.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` without anything a terminal would act on, as one line.

    Escape sequences (CSI, OSC, DCS…, 7- or 8-bit) are removed whole; tabs, carriage
    returns and line or paragraph separators become one space each; every other C0 or C1
    control, DEL and the Unicode bidi controls (U+061C, U+200E/F, U+202A–E, U+2066–9) are
    removed. Printable text, including accents and non-Latin scripts, is kept as is.
    Example: "Contoso\\x1b[31m RED\\x07" -> "Contoso RED".
    """
    if text.isprintable():
        return text
    text = _SEQUENCES.sub("", text)
    text = _SPACING.sub(" ", text)
    return _CONTROLS.sub("", text)


def nfc(text: str) -> str:
    """`text` in Unicode Normalization Form C (composed: "e" + U+0301 -> "é"). The one
    rule for text an admin can filter on: it is stored in NFC (directory files, Apple's
    names, audit entries) and the typed filter is compared in NFC, so a name a macOS
    export wrote decomposed is found by what the keyboard sends. Source: Unicode UAX #15
    (Unicode Normalization Forms). Already-NFC text (all ASCII text) is returned as is."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# How much of a value the admin typed or a file held an error message quotes.
QUOTE_LIMIT = 80


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` as an error message quotes it: `repr`-quoted (so blanks and escapes show),
    terminal-safe, and at most `limit` characters of the value, cut with "…" and the full
    length ("'aaaa…' (10000 characters)"). The one way messages quote user input, so an
    `error:` line stays one short line whatever was given (a 10,000-character `--as`, a
    400 KB CSV header). Example: quote("a" * 100, 5) -> "'aaaaa…' (100 characters)"."""
    text = str(value)
    if len(text) <= limit:
        return terminal_safe(repr(text))
    shown = terminal_safe(repr(text[:limit]))
    return _("{shown} ({n} characters)").format(shown=f"{shown[:-1]}…{shown[-1]}", n=len(text))


def cells(text: str) -> int:
    """How many terminal cells `text` takes: a CJK character (East Asian Wide/Fullwidth)
    takes two, a combining mark none (Rich's `cell_len`, Unicode UAX #11). Use it, never
    `len()`, to measure anything laid out in columns."""
    return cell_len(text)


def truncate_cells(text: str, width: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `width` cells, ending in `ellipsis` when cut; never splits a
    double-width character (a cut through one leaves a space to keep the width exact:
    "令牌令牌", 4 -> "令…" plus one space is 4 cells). Example: ("abcdef", 4) -> "abc…"."""
    if cell_len(text) <= width:
        return text
    room = max(0, width - cell_len(ellipsis))
    cut = set_cell_size(text, room)
    return cut + ellipsis if cut else ellipsis[:width]


def pad_cells(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` cells (`str.ljust` counts characters, so it
    would misalign CJK text); `right` pads on the left. Longer text is left whole."""
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap
