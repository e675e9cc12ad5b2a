"""The one translation function for every user-facing string, and the language choice.

Catalogs are standard gettext (`vpp_tui/locale/<lang>/LC_MESSAGES/vpp_tui.mo`, committed
and kept in step with the `.po` by `scripts/i18n_check`). English is the source language,
so a missing catalog or entry falls back to the text as written.

Which language: `--lang` / `VPP_LANG` first, else gettext's standard order — the first
non-empty of `LANGUAGE` (a colon-separated list), `LC_ALL`, `LC_MESSAGES`, `LANG`; `C` and
`POSIX` mean English (GNU gettext manual, "The LANGUAGE variable").

Strings translated at import time would never switch language: a module-level constant is
marked with `N_()` (extracted, returned as written) and translated with `_()` where it is
shown. `from vpp_tui.i18n import _, ngettext` is the whole interface for code that shows text.

Text written into the shared store (reasons, audit details, job results, sync errors) is
rendered in English whatever the admin's language (`for_store`, `stored`); where it is
read back, `shown()` translates it when it is a msgid of the catalog.
"""

from __future__ import annotations

import gettext
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DOMAIN = "vpp_tui"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
SOURCE_LANGUAGE = "en"
# The variables gettext reads, in its order; --lang/VPP_LANG come before them.
ENV_ORDER = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# Names people write for a language we ship under another name.
ALIASES = {"zh": "zh_CN", "zh_Hans": "zh_CN", "zh_SG": "zh_CN", "zh_Hans_CN": "zh_CN"}

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language: str = SOURCE_LANGUAGE
_ENGLISH = gettext.NullTranslations()
_stored = threading.local()  # .depth > 0: this thread renders text for the shared store


def available_languages() -> list[str]:
    """The languages with a compiled catalog, plus English, e.g. ["en", "fr", "zh_CN"]."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return [SOURCE_LANGUAGE, *found]


def normalise(name: str) -> str | None:
    """One locale name as a catalog name: "fr_FR.UTF-8" -> "fr_FR", "zh-cn" -> "zh_CN",
    "zh" -> "zh_CN"; "C", "POSIX" and "" -> None (English, the source language)."""
    name = name.strip().split(".")[0].split("@")[0].replace("-", "_")
    if name in ("", "C", "POSIX"):
        return None
    lang, _sep, region = name.partition("_")
    name = f"{lang.lower()}_{region.upper() if len(region) == 2 else region}" if region \
        else lang.lower()
    return ALIASES.get(name, name)


def requested_languages(cli_lang: str | None = None,
                        environ: Mapping[str, str] | None = None) -> list[str]:
    """The languages asked for, best first, as catalog names; [] means English.

    `cli_lang` (the `--lang` option) wins, then `VPP_LANG`, then gettext's order
    (`LANGUAGE` split on ":", `LC_ALL`, `LC_MESSAGES`, `LANG`: the first one set decides).
    A `C` or `POSIX` entry ends the list (English from there on)."""
    env = os.environ if environ is None else environ
    explicit = cli_lang or env.get("VPP_LANG")
    if explicit:
        raw = explicit.split(":")
    else:
        raw = []
        for var in ENV_ORDER:
            value = env.get(var, "")
            if value:
                raw = value.split(":") if var == "LANGUAGE" else [value]
                break
    result: list[str] = []
    for item in raw:
        name = normalise(item)
        if name is None:
            break
        result.append(name)
    return result


def _catalog_for(name: str) -> str | None:
    """The shipped catalog serving `name` ("fr_FR" -> "fr"), or None."""
    shipped = available_languages()
    for candidate in (name, name.split("_")[0]):
        if candidate in shipped:
            return candidate
    return None


def is_known_language(value: str) -> bool:
    """Whether an explicit choice (`--lang`, `VPP_LANG`: "fr", "zh-CN", "en_GB.UTF-8",
    "fr:en") names only languages vpp-tui can show: English, C/POSIX, or a shipped
    catalog. "" and "xx" are not: an explicit choice nobody can honour is refused rather
    than silently shown in English (the environment's LANGUAGE/LC_*/LANG fall back)."""
    items = [item for item in value.split(":")]
    if not value.strip() or any(not item.strip() for item in items):
        return False
    for item in items:
        name = normalise(item)
        if name is None or name == SOURCE_LANGUAGE or name.startswith(SOURCE_LANGUAGE + "_"):
            continue
        if _catalog_for(name) is None:
            return False
    return True


def set_language(languages: list[str] | str | None) -> str:
    """Switch catalogs: ["fr"], "zh_CN", or None to follow the environment (see
    `requested_languages`). Returns the language now in use ("en" when no shipped catalog
    matches). Text translated from now on is in that language."""
    global _translation, _language
    if languages is None:
        wanted = requested_languages()
    elif isinstance(languages, str):
        wanted = requested_languages(languages)
    else:
        wanted = [n for n in (normalise(x) for x in languages) if n]
    _language = SOURCE_LANGUAGE
    _translation = gettext.NullTranslations()
    for name in wanted:
        if name == SOURCE_LANGUAGE or name.startswith(SOURCE_LANGUAGE + "_"):
            break
        catalog = _catalog_for(name)
        if catalog and catalog != SOURCE_LANGUAGE:
            _translation = gettext.translation(DOMAIN, localedir=LOCALE_DIR,
                                               languages=[catalog])
            _language = catalog
            break
    return _language


def current_language() -> str:
    """The language text is translated into now: "en", "fr" or "zh_CN"."""
    return _language


def _active() -> gettext.NullTranslations:
    return _ENGLISH if getattr(_stored, "depth", 0) else _translation


@contextmanager
def for_store() -> Iterator[None]:
    """Within the block, this thread's `_()` and `ngettext()` give the English source text
    (the msgid): for text written into the shared store (job results and errors, audit
    details), which every admin reads in their own language or as stored. Other threads
    keep translating. Nests."""
    _stored.depth = getattr(_stored, "depth", 0) + 1
    try:
        yield
    finally:
        _stored.depth -= 1


def stored(render: Callable[..., str], *args: Any) -> str:
    """`render(*args)` rendered in English for the store (see `for_store`), e.g.
    `stored(lambda: _("job {id} cancelled").format(id=7))` -> "job 7 cancelled" under
    any language."""
    with for_store():
        return render(*args)


def shown(text: str | None) -> str | None:
    """A text read from the store (English, see `for_store`) in the current language when
    it is a msgid of the catalog, e.g. a stored reason "no longer assigned at Apple (found
    by sync)" -> its French under `--lang fr`; any other text (Apple's words, a formatted
    sentence, a name) comes back as stored. None and "" stay as they are (gettext("")
    would be the catalog's header)."""
    if not text:
        return text
    return _active().gettext(text)


class Translated(str):
    """A translated message that remembers its English source (`english`): `format` keeps
    both, so an error worded in the admin's language can still be stored in English
    (`english`) when it is audited far from where it was worded (a refusal's detail)."""

    english: str

    def format(self, *args: Any, **kwargs: Any) -> Translated:  # noqa: D102
        out = Translated(str.format(self, *args, **kwargs))
        out.english = self.english.format(*(english(a) for a in args),
                                          **{k: english(v) for k, v in kwargs.items()})
        return out


def english(text: Any) -> Any:
    """The English of a text `_()` gave (and `.format` filled in): what `stored` would have
    rendered; any other value as it is. Example: under `--lang fr`,
    english(_("no token named {name}").format(name="'X'")) -> "no token named 'X'"."""
    return getattr(text, "english", text)


def _(message: str) -> str:
    """`message` in the current language (as written when there is no translation, or
    inside `for_store`); a translation remembers its English (`english`)."""
    translated = _active().gettext(message)
    if translated == message:
        return translated
    out = Translated(translated)
    out.english = message
    return out


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` under the catalog's Plural-Forms (French: 0 and 1 singular;
    Chinese: one form); English inside `for_store`."""
    return _active().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for extraction without translating it: for module-level constants
    that are translated with `_()` where they are shown."""
    return message


set_language(None)
