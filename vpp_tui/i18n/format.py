"""Dates and numbers as the current language writes them (Babel, CLDR data).

English, the source language, keeps the console's ISO forms ("2026-11-30 14:05:09",
"1,234"), so its screens and tests read as before; French and Chinese use CLDR's
"short"/"medium" patterns ("30/11/2026 14:05:09", "1 234"; "2026/11/30 14:05:09").
Only human output uses these: `--json` keeps ISO 8601 and plain numbers.

Start-up (issue 13): Babel (and its CLDR data) is imported on the first text that needs
it; English dates and whole numbers are written without it (the same text), so a CLI
command in English never loads Babel.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from vpp_tui.i18n import SOURCE_LANGUAGE, current_language

if TYPE_CHECKING:
    from babel import Locale


def locale() -> Locale:
    """The Babel locale of the current language ("en" -> en_US, "fr", "zh_CN")."""
    from babel import Locale

    lang = current_language()
    return Locale.parse("en_US" if lang == SOURCE_LANGUAGE else lang)


def _english() -> bool:
    return current_language() == SOURCE_LANGUAGE


def date_text(value: date) -> str:
    """A calendar date: "2026-11-30" (en), "30/11/2026" (fr), "2026/11/30" (zh_CN)."""
    if isinstance(value, datetime):
        value = value.date()
    if _english():
        return value.isoformat()
    from babel.dates import format_date as _babel_date

    return _babel_date(value, _long_year_short(), locale=locale())


def _long_year_short() -> str:
    """CLDR's short date pattern with a four-digit year (fr "dd/MM/y", zh "y/M/d")."""
    pattern = locale().date_formats["short"].pattern
    return pattern.replace("yy", "y") if "yyyy" not in pattern else pattern


def day_month_text(value: date) -> str:
    """A day and month for a chart axis: "30 Nov" (en), "30 nov." (fr), "11/30" (zh_CN: digits,
    which a character-grid chart lays out one per cell)."""
    if _english():
        return value.strftime("%d %b")
    from babel.dates import format_date as _babel_date

    return _babel_date(value, "d MMM" if current_language() == "fr" else "M/d", locale=locale())


def datetime_text(value: datetime, seconds: bool = True) -> str:
    """A date and time in the value's own zone: "2026-11-30 14:05:09" (en),
    "30/11/2026 14:05:09" (fr), "2026/11/30 14:05:09" (zh_CN); `seconds=False` drops
    the seconds."""
    if _english():
        return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    from babel.dates import format_time as _babel_time

    clock = "HH:mm:ss" if seconds else "HH:mm"
    return f"{date_text(value)} {_babel_time(value, clock, locale=locale())}"


def number_text(value: int | float, decimals: int | None = None) -> str:
    """A count or amount with the language's grouping: 1,234 (en), 1 234 (fr, a narrow
    no-break space), 1,234 (zh_CN); `decimals` fixes the fraction digits."""
    if decimals is None and type(value) is int and _english():
        return f"{value:,}"  # what Babel writes for en_US ("#,##0.###"), without Babel
    from babel.numbers import format_decimal

    if decimals is not None:
        return format_decimal(value, format=f"#,##0.{'0' * decimals}" if decimals else "#,##0",
                              locale=locale())
    return format_decimal(value, locale=locale())


def percent_text(share: float, decimals: int = 0) -> str:
    """`share` (0.466 for 46.6 %) as a percentage: "47%" (en), "47 %" (fr), "47%" (zh_CN)."""
    from babel.numbers import format_percent

    digits = "." + "0" * decimals if decimals else ""
    if _english():
        return format_percent(share, format=f"#,##0{digits}%", locale=locale())
    pattern = locale().percent_formats[None].pattern.replace("#,##0", f"#,##0{digits}", 1)
    return format_percent(share, format=pattern, locale=locale())


__all__ = ["date_text", "datetime_text", "locale", "number_text", "percent_text"]
