"""How times, dates and counts read on screen (local time; relative where it helps)."""

from __future__ import annotations

from datetime import datetime

from vpp_tui.i18n import _, ngettext
from vpp_tui.i18n.format import date_text, datetime_text


def yes_no(value: bool | None) -> str:
    """"yes", "no", or "—" for no answer (None), in the current language."""
    return "—" if value is None else (_("yes") if value else _("no"))


def when(at: datetime) -> str:
    """Local date and time, as the current language writes them (i18n.format)."""
    return datetime_text(at.astimezone())


def day(at: datetime) -> str:
    """Local calendar date, as the current language writes it (i18n.format)."""
    return date_text(at.astimezone())


def ago(at: datetime | None, now: datetime) -> str:
    """'2 h ago' style: short enough for a table column."""
    if at is None:
        return _("never")
    seconds = int((now - at).total_seconds())
    if seconds < 0:
        return _("just now")
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        return _("{n} min ago").format(n=seconds // 60)
    if seconds < 86400:
        return _("{n} h ago").format(n=seconds // 3600)
    days = seconds // 86400
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


def days_left(days: int) -> str:
    """'(300d)' left, '(-4d)' once expired: the sketch's compact form."""
    return _("({n}d)").format(n=days)


def rows_range(offset: int, shown: int, total: int) -> str:
    if total == 0:
        return _("no rows")
    return _("rows {first}–{last} of {total}").format(
        first=offset + 1, last=offset + shown, total=total)
