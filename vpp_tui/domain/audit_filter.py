"""What an admin asks of the audit log: who, what action, on what, with what result, when.

One rule reads both ways of asking (issue 12): the console's filter box
(`admin:nina action:assign result:failed since:2026-11-01 North Campus`) and the CLI's
options (`vpp-tui audit --admin nina --since 2026-11-01`). Pure: no I/O, no SQL; the
services turn an `AuditFilter` into a WHERE clause (literal, any-case "contains" for
text, `store.text_match`).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from vpp_tui.domain.text import quote
from vpp_tui.i18n import _

#: the keys of the filter syntax, with the names an admin may also type for them
FIELD_KEYS = {"admin": "admin", "who": "admin", "actor": "admin", "action": "action",
              "target": "target", "result": "result", "since": "since", "until": "until"}


class AuditFilterError(ValueError):
    """The filter cannot be read; `message` is one line saying what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries to show. Text fields match literally, any case, anywhere in
    the field ("contains"); `text` in actor, action, target, detail or Apple eventId.
    `since` is inclusive and `until` exclusive, both aware UTC datetimes; None: no bound."""

    text: str | None = None
    admin: str | None = None
    action: str | None = None
    target: str | None = None
    result: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @property
    def empty(self) -> bool:
        return self == AuditFilter()


def _moment(value: str, key: str, *, end: bool) -> datetime:
    """`value` as an aware UTC datetime: a day (YYYY-MM-DD) is its start for `since` and
    the next day's start for `until` (so `until:2026-11-30` includes the 30th); a time
    without a zone is UTC, as the log shows it."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if end and day == date.max:
                return datetime.max.replace(tzinfo=UTC)  # the last day there is: no bound
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # 9999-12-31 + 1 day, or a zone past year 1
        raise AuditFilterError(_("{key}: {value} is not a date; use YYYY-MM-DD or "
                                 "YYYY-MM-DDTHH:MM (UTC)").format(key=key, value=quote(value))) from exc


def audit_filter(text: str | None = None, *, admin: str | None = None,
                 action: str | None = None, target: str | None = None,
                 result: str | None = None, since: str | None = None,
                 until: str | None = None) -> AuditFilter:
    """An AuditFilter from the fields as typed (CLI options or the filter box); blank
    fields mean "any". Raises AuditFilterError for a date that is not one, or a `since`
    after the `until`."""
    def clean(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    start = _moment(since.strip(), "since", end=False) if clean(since) else None
    end = _moment(until.strip(), "until", end=True) if clean(until) else None
    if start is not None and end is not None and start >= end:
        raise AuditFilterError(_("since {since} is after until {until}; swap them").format(
            since=since, until=until))
    return AuditFilter(clean(text), clean(admin), clean(action), clean(target),
                       clean(result), start, end)


def parse_audit_filter(typed: str) -> AuditFilter:
    """The console's filter box: `key:value` words for admin (also who, actor), action,
    target, result, since and until; every other word is free text. A value with spaces
    is quoted (`target:"North Campus"`). A word whose key is not one of those (an item
    reference `123:STDQ`) stays free text. Raises AuditFilterError for an unclosed quote,
    a key given twice, an empty value or a date that is not one.
    Example: "admin:nina result:failed Maps" -> admin "nina", result "failed", text "Maps"."""
    try:
        words = shlex.split(typed, posix=True)
    except ValueError as exc:
        raise AuditFilterError(_("a quote is not closed; close it or remove it")) from exc
    fields: dict[str, str] = {}
    free: list[str] = []
    for word in words:
        key, colon, value = word.partition(":")
        field = FIELD_KEYS.get(key.casefold()) if colon else None
        if field is None:
            free.append(word)
            continue
        if not value.strip():
            raise AuditFilterError(_("{key}: needs a value, e.g. {key}:{example}").format(
                key=key, example="2026-11-01" if field in ("since", "until") else "nina"))
        if field in fields:
            raise AuditFilterError(_("{key}: is given twice; give it once").format(key=key))
        fields[field] = value
    return audit_filter(" ".join(free) or None, **fields)
