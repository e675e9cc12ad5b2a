"""Input limits in one place: every value checked against its column before a database.

The limits are read from the column definitions of `store/models/` (a `VARCHAR(300)`
holds 300 characters; an `INTEGER` 32 bits; a `UTCDateTime` an aware date inside
`domain.limits.EARLIEST..LATEST`), never repeated as numbers elsewhere. Two ways in:

- Readers of files and command options ask first, to give the admin a one-line error with
  the file, line and field: `problem(Model, "field", value)` returns a phrase or None;
  `max_length(Model, "field")` gives a text column's length.
- The backstop: a `before_flush` hook on every ORM session checks each new or changed row
  and raises `ValueRefused` (the CLI prints one `error:` line and exits 2) before SQLite or
  PostgreSQL sees the value, so both stores refuse the same things and neither half-writes.

Text from Apple (names, messages) is not the admin's to fix: `clip()` makes it fit.
Core statements (`session.execute(insert/update)`: Apple users in bulk, the sync lease)
carry no ORM rows, so the hook does not see them: their values are Apple's identifiers
or the admin's name, checked when the command starts (`actor_problem`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String, event, inspect
from sqlalchemy.types import TypeDecorator

from vpp_tui.domain import limits as rules
from vpp_tui.domain.text import nfc
from vpp_tui.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as OrmSession

# Columns holding an identifier the admin types (names, UPNs, serials, members): besides
# fitting, these refuse control and invisible characters (`domain.limits.identifier_problem`),
# so every service storing one refuses the same names, and the backstop catches the rest.
# Apple's identifiers (clientUserId, ids) and display names (a user's full name, asset
# names) are not listed: they are made safe where they are shown (`domain.text`).
IDENTIFIERS = frozenset({
    ("tokens", "name"), ("tokens", "apple_id"), ("scope_tags", "name"), ("roles", "name"),
    ("grants", "admin"), ("directory_users", "upn"), ("directory_users", "managed_apple_id"),
    ("directory_devices", "serial"), ("directory_devices", "primary_user"),
    ("directory_groups", "name"), ("group_members", "member"),
})

# Longest text `services.leases` adds after the actor in a lease's owner: "@" + host name (HOST_NAME_MAX,
# 64) + ":" + a process id (7 digits) + ":" + 8 hex digits.
LEASE_SUFFIX = 1 + 64 + 1 + 7 + 1 + 8


class ValueRefused(ValueError):
    """A value does not fit its column: nothing was written. Exit 2 in the CLI.

    `table` and `field` name the column; `message` is the one line for the admin."""

    def __init__(self, table: str, field: str, problem: str) -> None:
        self.table, self.field = table, field
        self.message = _("{table}.{field} {problem}; nothing was saved: shorten or correct "
                         "the value and try again").format(table=table, field=field,
                                                           problem=problem)
        super().__init__(self.message)


@dataclass(frozen=True)
class ColumnLimit:
    """What one column accepts. `kind`: text, int, datetime, json or other."""

    table: str
    field: str
    kind: str
    max_length: int | None = None
    bits: int = rules.INT64
    identifier: bool = False  # an admin-typed name: no control or invisible characters


def _limit_of(table: str, column: Any) -> ColumnLimit:
    kind = column.type
    if isinstance(kind, TypeDecorator):  # AutoString(300) is a VARCHAR(300), UTCDateTime…
        kind = kind.impl_instance
    if isinstance(kind, String):
        return ColumnLimit(table, column.key, "text", kind.length,
                           identifier=(table, column.key) in IDENTIFIERS)
    if isinstance(kind, BigInteger):
        return ColumnLimit(table, column.key, "int", bits=rules.INT64)
    if isinstance(kind, Integer):
        return ColumnLimit(table, column.key, "int", bits=rules.INT32)
    if isinstance(kind, JSON):
        return ColumnLimit(table, column.key, "json")
    if isinstance(kind, DateTime):
        return ColumnLimit(table, column.key, "datetime")
    return ColumnLimit(table, column.key, "other")


@cache
def limits_of(model: type) -> tuple[ColumnLimit, ...]:
    """Every column of a table model (`store.models`), with what it accepts."""
    table = model.__table__  # type: ignore[attr-defined]
    return tuple(_limit_of(table.name, column) for column in table.columns)


@cache
def _by_field(model: type) -> dict[str, ColumnLimit]:
    return {limit.field: limit for limit in limits_of(model)}


def limit(model: type, field: str) -> ColumnLimit:
    """The limit of `model.field`; KeyError for a field that is not a column."""
    return _by_field(model)[field]


def max_length(model: type, field: str) -> int | None:
    """How many characters the text column `model.field` holds (None: unlimited)."""
    return limit(model, field).max_length


def check_value(column: ColumnLimit, value: Any) -> str | None:
    """What makes `value` unfit for `column`, or None (None values are left to the
    column's own NOT NULL)."""
    if value is None:
        return None
    if column.kind == "text" and isinstance(value, str):
        return rules.text_problem(value, column.max_length) or (
            rules.identifier_problem(value) if column.identifier else None)
    if column.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return rules.int_problem(value, column.bits)
    if column.kind == "datetime" and isinstance(value, datetime):
        return rules.datetime_problem(value)
    if column.kind == "json":
        return rules.json_problem(value)
    return None


def problem(model: type, field: str, value: Any) -> str | None:
    """What makes `value` unfit for the column `model.field`, or None.
    Example: problem(Token, "name", "x" * 201) -> "is 201 characters long; at most 200 fit"."""
    return check_value(limit(model, field), value)


def check(model: type, field: str, value: Any) -> None:
    """Raise ValueRefused when `value` does not fit `model.field`."""
    found = problem(model, field, value)
    if found:
        raise ValueRefused(model.__tablename__, field, found)  # type: ignore[attr-defined]


def row_problem(row: Any, *, changed_only: bool = False) -> tuple[str, str, str] | None:
    """(table, field, problem) for the first value of an ORM row that does not fit;
    `changed_only`: only the values changed since the row was loaded (a row stored before
    a rule was added can still be updated in its other columns)."""
    model = type(row)
    if getattr(model, "__table__", None) is None:
        return None
    state = inspect(row) if changed_only else None
    for column in limits_of(model):
        if column.kind == "other":
            continue
        if state is not None and column.field in state.attrs and \
                not state.attrs[column.field].history.has_changes():
            continue
        found = check_value(column, getattr(row, column.field, None))
        if found:
            return column.table, column.field, found
    return None


def clip(model: type, field: str, value: str | None) -> str | None:
    """`value` made to fit the text column `model.field`: NUL and lone surrogates dropped,
    then put in NFC (`domain.text.nfc`: text a filter may read is stored composed, UAX
    #15), then cut to the column's length (for text from Apple, which the admin cannot
    fix)."""
    if value is None:
        return None
    if rules.text_problem(value) is not None:
        value = value.encode("utf-8", "ignore").decode("utf-8").replace("\x00", "")
    value = nfc(value)
    longest = max_length(model, field)
    return value if longest is None or len(value) <= longest else value[:longest]


def clip_fields(row: Any, fields: tuple[str, ...]) -> None:
    """`clip` the named text fields of an ORM row in place (text Apple wrote)."""
    for field in fields:
        value = getattr(row, field)
        if isinstance(value, str):
            clipped = clip(type(row), field, value)
            if clipped != value:
                setattr(row, field, clipped)


def actor_problem(actor: str) -> str | None:
    """What makes an admin's name (`--as`, VPP_ADMIN, the login) unfit, or None: it is
    kept in every actor column and, with LEASE_SUFFIX, in `leases.owner`."""
    from vpp_tui.store import tables  # Core: checking the name builds no SQLModel class

    longest = (tables.leases.c.owner.type.length or 0) - LEASE_SUFFIX
    if not actor.strip():
        return _("is empty or only blanks")
    return rules.text_problem(actor, longest) or rules.identifier_problem(actor)


def _backstop(session: OrmSession, _context: Any, _instances: Any) -> None:
    for row in (*session.new, *session.dirty):
        found = row_problem(row, changed_only=row not in session.new)
        if found:
            raise ValueRefused(*found)


def install() -> None:
    """Check every row an ORM session flushes (idempotent): `Store.session()` calls it
    before its first session, so a command that only reads with SQLAlchemy Core
    (`Store.reading()`) never imports the ORM."""
    from sqlalchemy.orm import Session as OrmSession

    if not event.contains(OrmSession, "before_flush", _backstop):
        event.listen(OrmSession, "before_flush", _backstop)
