"""The console languages an admin may choose (issue 15), and how each is named.

The choice is per admin (`store.models.AdminPreference`), unlike the store's settings.
English is the source language; French and Chinese follow the localised Intune articles
(seeds 003 and 004).
"""

from __future__ import annotations

from vpp_tui.domain.text import quote
from vpp_tui.i18n import N_, _

# (code, name as its speakers write it): a name is shown in its own language.
CONSOLE_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"), ("fr", "Français"), ("zh_CN", "简体中文"),
)
CODES = tuple(code for code, _name in CONSOLE_LANGUAGES)
FOLLOW_SYSTEM = N_("as the system (LANGUAGE, LC_ALL, LANG)")


class LanguageError(ValueError):
    """A language code the console does not offer; the message says which ones it does."""


def check_language(code: str) -> str:
    """`code` if the console offers it ("en", "fr", "zh_CN"); raises LanguageError."""
    if code not in CODES:
        raise LanguageError(_("there is no console language {code}; use one of {codes}")
                            .format(code=quote(code), codes=", ".join(CODES)))
    return code


def next_language(current: str | None) -> str:
    """The language after `current` in CONSOLE_LANGUAGES order, wrapping round
    (None or an unknown code -> the first): what `l` in Settings switches to."""
    if current not in CODES:
        return CODES[0]
    return CODES[(CODES.index(current) + 1) % len(CODES)]


def language_name(code: str | None) -> str:
    """"Français" for "fr"; the follow-the-system phrase for None."""
    names = dict(CONSOLE_LANGUAGES)
    return names.get(code or "", _(FOLLOW_SYSTEM))
