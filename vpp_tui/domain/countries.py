"""Which country/region store codes a token may name (`token add/set --country`)."""

from __future__ import annotations

from functools import cache

# Two-letter codes in CLDR's territory list that are not ISO 3166-1 alpha-2 countries:
# Unknown Region, the EU and eurozone, the UN, Outlying Oceania, pseudo-locales, Kosovo
# (user-assigned) and the exceptionally reserved codes (Ascension, Clipperton, Sark,
# Diego Garcia, Ceuta & Melilla, Canary Islands, Tristan da Cunha): no App Store country.
_NOT_STORES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK",
                         "AC", "CP", "CQ", "DG", "EA", "IC", "TA"})


@cache
def store_countries() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes (upper case) a country/region store may have: CLDR's
    territories (Babel, imported here only: the CLI's start-up never loads it) that are two
    letters, less `_NOT_STORES`. Apple's stores are named by these codes (apple-api.md §9.1,
    metadata per country store `cc`)."""
    from babel import Locale

    return frozenset(code for code in Locale("en").territories
                     if len(code) == 2 and code.isalpha() and code not in _NOT_STORES)


def is_store_country(code: str) -> bool:
    """True when `code` (any case) is an ISO 3166-1 alpha-2 country code (`store_countries`)."""
    return len(code) == 2 and code.upper() in store_countries()
