"""How times, dates and counts read on screen (local time; relative where it helps)."""

from __future__ import annotations

from datetime import datetime

from vpp_tui.i18n import _, ngettext


def when(at: datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def day(at: datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d")


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
