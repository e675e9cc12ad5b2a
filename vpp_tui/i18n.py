"""The one translation function for every user-facing string.

Catalogs are standard gettext (`vpp_tui/locale/<lang>/LC_MESSAGES/vpp_tui.mo`),
extracted and compiled with Babel (see README). English is the source language,
so a missing catalog simply falls back to the text as written.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "vpp_tui"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: gettext.NullTranslations = gettext.translation(
    DOMAIN, localedir=LOCALE_DIR, fallback=True
)


def set_language(languages: list[str] | None) -> None:
    """Switch catalogs (e.g. ["fr"]); None follows LANGUAGE/LC_ALL/LANG."""
    global _translation
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=languages, fallback=True
    )


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
