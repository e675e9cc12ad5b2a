"""What a value must be for both stores to keep it: the pure rules behind `store/limits.py`.

SQLite keeps almost anything, PostgreSQL refuses much of it (issue 9, item 7): a text
longer than its `VARCHAR(n)`, a NUL character (PostgreSQL text cannot hold U+0000), a
lone surrogate (U+D800–U+DFFF: not encodable as UTF-8, so neither driver can send it), a
date the UTC conversion pushes outside Python's years 1–9999, an integer wider than the
column. Each function returns one phrase saying what is wrong ("is 400 characters long;
at most 300 fit"), or None when the value fits; the caller names the value and says what
to do. Sources: PostgreSQL manual §8.3 (character types), §8.14 (JSON: U+0000 and
unpaired surrogates), §9.9 (date/time range); RFC 3629 §3 (surrogates are not UTF-8).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from vpp_tui.i18n import _

# Dates the store accepts: a year of margin inside Python's 1–9999, so the date arithmetic
# of the rules (days left, reminders, the next sync) never overflows.
EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
# Nesting of a JSON value kept in a settings column (arrays/objects inside each other).
MAX_JSON_DEPTH = 32
# Integer widths: PostgreSQL INTEGER and BIGINT (SQLite's INTEGER holds 64 bits).
INT32 = 32
INT64 = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
# Unicode general categories no identifier may hold: controls (Cc: C0, DEL, C1, so ESC,
# BEL, tab, line feed), format characters (Cf: bidi overrides, zero-width spaces, the BOM,
# soft hyphen), lone surrogates (Cs), line and paragraph separators (Zl, Zp).
IDENTIFIER_REFUSED = ("Cc", "Cf", "Cs", "Zl", "Zp")

# Largest file a command reads (bytes): more is refused before it is read whole.
# A real token file is a few hundred bytes (Base64 of a small JSON object); anything far
# larger is not one. A directory file of 100,000 users with long names stays under 64 MiB.
MAX_TOKEN_FILE_BYTES = 64 * 1024
MAX_DIRECTORY_FILE_BYTES = 64 * 1024 * 1024


def text_problem(value: str, max_length: int | None = None) -> str | None:
    """What makes `value` unfit for a text column of `max_length` characters (None: no
    limit), or None. NUL and lone surrogates first, then the length (in characters, as
    PostgreSQL counts them). Example: text_problem("a\\x00", 10) -> "contains a NUL
    character (U+0000)"."""
    if not value.isascii():
        bad = _SURROGATE.search(value)
        if bad is not None:
            return _("contains a character that is not valid Unicode (U+{code:04X}, a lone "
                     "surrogate)").format(code=ord(bad.group()))
    if "\x00" in value:
        return _("contains a NUL character (U+0000)")
    if max_length is not None and len(value) > max_length:
        return _("is {n} characters long; at most {max} fit").format(n=len(value),
                                                                     max=max_length)
    return None


def identifier_problem(value: str) -> str | None:
    """What makes `value` unfit as an identifier an admin types and later types again or
    reads in a list (a token, scope-tag, role, group or admin name, a UPN, a serial, a
    group member), or None: a character of IDENTIFIER_REFUSED, which a terminal acts on or
    nobody sees. Example: identifier_problem("Nor\\x1b[0mth") -> "contains a control or
    invisible character (U+001B)". Source: Unicode Standard §4.5 (general categories);
    Unicode TR #36 §2 (invisible and bidi characters in identifiers)."""
    if value.isprintable():  # the common case: no C*, Z* other than the space
        return None
    for char in value:
        if unicodedata.category(char) in IDENTIFIER_REFUSED:
            return _("contains a control or invisible character (U+{code:04X})").format(
                code=ord(char))
    return None


def size_problem(size: int, limit: int) -> str | None:
    """What makes a file of `size` bytes too large to read when at most `limit` are
    accepted, or None. Example: size_problem(2**31, 2**20) -> "is larger than 1 MiB (the
    limit)"."""
    if size <= limit:
        return None
    return _("is larger than {limit} (the limit)").format(limit=byte_size(limit))


def byte_size(n: int) -> str:
    """`n` bytes for a person: "64 MiB", "1 KiB", "512 bytes"."""
    for unit, scale in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return _("{n} bytes").format(n=n)


def datetime_problem(value: datetime) -> str | None:
    """What makes `value` unfit for a UTC datetime column, or None: no time zone, or
    outside EARLIEST..LATEST once converted to UTC (an offset of ±14:00 on 0001-01-01 or
    9999-12-31 leaves Python's range altogether)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return _("is a naive date and time (no time zone)")
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        return _("is out of range (dates from {first} to {last} UTC are accepted)").format(
            first=EARLIEST.date().isoformat(), last=LATEST.date().isoformat())
    return None


def int_problem(value: int, bits: int = INT64) -> str | None:
    """What makes `value` unfit for a signed integer column of `bits` bits, or None."""
    if -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        return None
    return _("is a number too large to store (more than {bits} bits)").format(bits=bits)


def json_problem(value: Any, depth: int = 0) -> str | None:
    """What makes `value` unfit for a JSON column, or None: text with NUL or a lone
    surrogate, integers wider than 64 bits, NaN or infinity (not JSON), nesting deeper
    than MAX_JSON_DEPTH, or anything JSON does not have."""
    if depth > MAX_JSON_DEPTH:
        return _("is nested more than {n} levels deep").format(n=MAX_JSON_DEPTH)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, int):
        return int_problem(value)
    if isinstance(value, float):
        return None if math.isfinite(value) else _("is not a finite number")
    if isinstance(value, list | tuple):
        return next((p for p in (json_problem(v, depth + 1) for v in value) if p), None)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = (text_problem(key) if isinstance(key, str) else
                       _("has a key that is not text")) or json_problem(item, depth + 1)
            if problem:
                return problem
        return None
    return _("is not a JSON value ({type})").format(type=type(value).__name__)
