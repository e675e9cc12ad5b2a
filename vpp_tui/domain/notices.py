"""Notices an admin should not miss: a token's expiry (when to remind) and the header's
summary of items nearly out of licenses.

The expiry cadence, as Jamf Pro reminds of an expiring Volume Purchasing service token
(issue 12: "as Jamf does: 30 days ahead, then weekly, then daily"). With `first_day` the
store setting `expiring_soon_days` (30 by default), a notice is due on the days when the
token has, in whole days left (`domain.tokens.days_left`):

- `first_day` days left, then every 7 days after it while more than 7 days are left
  (30, 23, 16 and 9 with the default);
- every day of the last week: 7, 6, 5, 4, 3, 2 and 1 days left;
- every day once it has expired (0 or fewer days left): it no longer works.

A window of 7 days or fewer is daily throughout. Pure: the time is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vpp_tui.domain.tokens import days_left
from vpp_tui.i18n import _, ngettext

WEEK = 7  # days between the weekly notices, and the last week's daily ones


def expiry_notice_due(left: int, first_day: int) -> bool:
    """The expiry cadence (module doc; issue 12, Jamf Pro): is a notice due on a day with
    `left` whole days before the token expires (0 or less: expired), the notices starting
    `first_day` days ahead (>= 1)? Raises nothing."""
    if left <= 0:
        return True
    if left > first_day:
        return False
    return left <= WEEK or (first_day - left) % WEEK == 0


def next_notice_in(left: int, first_day: int) -> int:
    """How many days from a day with `left` days left until the next notice is due (0: one
    is due today). Every day is a notice day once inside the last week, so this is at most
    `left - first_day` before the window and at most 6 inside it. Raises nothing."""
    step = 0
    while not expiry_notice_due(left - step, first_day):
        step += 1
    return step


def notice_days(first_day: int) -> list[int]:
    """The days-left values on which a notice is due for a token, from `first_day` down to
    1 (the expiry day itself and every day after are notices too); for a timeline."""
    return [d for d in range(max(first_day, 1), 0, -1) if expiry_notice_due(d, first_day)]


@dataclass(frozen=True)
class ExpiryNotice:
    """A token inside its notice window. `days_left`: whole days to expiry (<= 0 expired);
    `due_today`: today is a notice day of the cadence; `next_in`: days to the next notice
    day (0 when due today)."""

    token: str
    days_left: int
    due_today: bool
    next_in: int

    @property
    def expired(self) -> bool:
        return self.days_left <= 0

    def text(self) -> str:
        """One line for the header, the Tokens panel and `status`."""
        if self.days_left < 0:
            return ngettext("token {name} expired {n} day ago",
                            "token {name} expired {n} days ago", -self.days_left).format(
                name=self.token, n=-self.days_left)
        if self.days_left == 0:
            return _("token {name} has expired").format(name=self.token)
        return ngettext("token {name} expires in {n} day",
                        "token {name} expires in {n} days", self.days_left).format(
            name=self.token, n=self.days_left)

    def short_text(self) -> str:
        """The narrow header's words: "Old Annex expired", "South Campus in 10 d"."""
        if self.days_left <= 0:
            return _("{name} expired").format(name=self.token)
        return _("{name} in {n} d").format(name=self.token, n=self.days_left)


def expiry_notice(token: str, expires_at: datetime, now: datetime,
                  first_day: int) -> ExpiryNotice | None:
    """The notice for a token expiring at `expires_at` (aware) seen at `now`, or None while
    more than `first_day` days are left. Raises nothing."""
    left = days_left(expires_at, now)
    if left > first_day:
        return None
    return ExpiryNotice(token, left, expiry_notice_due(left, first_day),
                        next_notice_in(left, first_day))


def most_urgent(notices: list[ExpiryNotice]) -> list[ExpiryNotice]:
    """Notices soonest first (expired ones first), then by token name."""
    return sorted(notices, key=lambda n: (n.days_left, n.token.lower()))


def _counted(apps: int, books: int) -> list[str]:
    counted = []
    if apps:
        counted.append(ngettext("{n} app", "{n} apps", apps).format(n=apps))
    if books:
        counted.append(ngettext("{n} book", "{n} books", books).format(n=books))
    return counted


def low_license_summary(apps: int, books: int) -> list[str]:
    """The words for items over the low-license threshold
    (`domain.settings.is_low_on_licenses`): ["3 apps nearly out of licenses"],
    ["3 apps and 1 book nearly out of licenses"], [] when both counts are 0. Source:
    issue 12 ("3 apps nearly out of licenses")."""
    if not apps and not books:
        return []
    counted = _counted(apps, books)
    items = (_("{apps} and {books}").format(apps=counted[0], books=counted[1])
             if len(counted) == 2 else counted[0])
    return [_("{items} nearly out of licenses").format(items=items)]


def low_license_short(apps: int, books: int) -> list[str]:
    """The narrow header's words for the same counts: ["3 apps, 1 book low"]."""
    if not apps and not books:
        return []
    return [_("{items} low").format(items=", ".join(_counted(apps, books)))]
