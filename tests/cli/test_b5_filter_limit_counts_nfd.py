"""Fixed (breaker5): the 500-character filter limit counts the text BEFORE NFC normalisation, so
a filter typed or pasted in NFD (macOS: "é" = "e" + U+0301) is refused at half the limit,
though filters compare in NFC and stored values are NFC (0012_nfc_text, docs/cli.md:
"filters compare in NFC, at most 500 characters").

Repro:
    vpp-tui directory users --filter "$(python3 -c "import unicodedata;
        print(unicodedata.normalize('NFD','é'*300))")"
    -> error: the filter is 600 characters long; at most 500 are read …  exit 2
The same 300 "é" in NFC are accepted (exit 0); a 300-character NFC audit target
(VARCHAR(500)) cannot be found by pasting it from a macOS export.
Guess: store/text_match.py:check_filter measures len(text) instead of len(nfc(text)).
"""

from __future__ import annotations

import unicodedata

from tests.fuzz.harness import Cli


def test_an_nfd_filter_of_300_characters_is_read(store_url, tmp_path) -> None:
    cli = Cli(store_url, tmp_path)
    typed = unicodedata.normalize("NFD", "é" * 300)
    assert len(unicodedata.normalize("NFC", typed)) == 300
    assert cli.run("directory", "users", "--filter", "é" * 300).code == 0
    outcome = cli.run("directory", "users", "--filter", typed)
    assert outcome.code == 0, outcome.stderr
