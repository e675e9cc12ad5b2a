"""The one way a filter box reaches SQL: literal, case-insensitive "contains".

What an admin types in a filter is text, never a pattern: `%` and `_` match only
themselves, on SQLite and PostgreSQL alike. Every query that filters by typed text uses
`contains_text` (or `like_pattern` for a hand-built LIKE); nothing else builds a LIKE.

Case: both sides are lower-cased by the same rule on both databases (Python's
`str.lower`, PostgreSQL's `lower()`), for every Unicode letter ("ÉLOÏSE" finds "Éloïse").
SQLite's own LIKE and lower() fold ASCII only, so on SQLite a pattern holding a non-ASCII
character compares `FOLD_FUNCTION(column)`, a Python function `register_fold` adds to
each connection; an ASCII-only pattern keeps the plain column (no call per row, issue 13).
PostgreSQL's lower() follows the database's LC_CTYPE, which folds ASCII only under "C"
(a common `initdb` default): `postgres_fold_collation` then names ICU's root collation
for such patterns.

Unicode form: text an admin can filter on is stored in NFC (`domain.text.nfc`: directory
files, Apple's names through `store.limits.clip`, audit entries; revision 0012_nfc_text
rewrote older rows) and the typed text is normalised to NFC too, so "Zoé" typed finds
"Zoe\u0301" imported from a macOS export. Source: Unicode UAX #15.

Length: a filter longer than FILTER_LIMIT characters is refused (`FilterTooLong`, one
`error:` line, exit 2) before any query: SQLite refuses a LIKE pattern over 50,000 bytes
("LIKE or GLOB pattern too complex", SQLITE_MAX_LIKE_PATTERN_LENGTH), and no value a filter
reads is that long. The console's filter boxes take at most FILTER_LIMIT characters.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from vpp_tui.domain.text import nfc
from vpp_tui.i18n import _
from vpp_tui.store.limits import ValueRefused

#: the SQLite function (`register_fold`) that lower-cases a column as Python does
FOLD_FUNCTION = "vpp_lower"

#: PostgreSQL's ICU root collation: lower() under it folds every Unicode letter
ICU_COLLATION = "und-x-icu"

#: the LIKE escape character: not a backslash, which PostgreSQL and SQLite quote differently
ESCAPE = "/"

#: the longest filter text, in characters: the longest bounded text column a filter reads
#: (`audit_entries.target`, VARCHAR(500)); SQLite's LIKE stops at 50,000 bytes
FILTER_LIMIT = 500


class FilterTooLong(ValueRefused):
    """A typed filter longer than FILTER_LIMIT characters: nothing was read. Exit 2 in
    the CLI (a `ValueRefused`); `length` is the filter's length in characters."""

    def __init__(self, length: int) -> None:
        ValueError.__init__(self)
        self.table, self.field, self.length = "", "", length
        self.message = _("the filter is {n} characters long; at most {limit} are read: "
                         "type a shorter part of the name or text").format(
                             n=length, limit=FILTER_LIMIT)
        self.args = (self.message,)


def check_filter(text: str | None) -> None:
    """Raise FilterTooLong when `text`, stripped and in NFC (as it is compared), is longer
    than FILTER_LIMIT characters (None and blank text pass: no filter). A decomposed paste
    (macOS writes "é" as two code points) counts as what it compares as."""
    if text is not None and len(text) > FILTER_LIMIT:
        length = len(nfc(text.strip()))
        if length > FILTER_LIMIT:
            raise FilterTooLong(length)


def like_pattern(text: str) -> str:
    """`text` lower-cased, with the LIKE wildcards (`%`, `_`) and `ESCAPE` itself escaped,
    wrapped in `%…%`: a LIKE pattern (used with `escape=ESCAPE`) matching any value that
    contains `text` literally. `text` is compared in NFC (UAX #15) like the stored values.
    Example: "a%z" -> "%a/%z%"."""
    escaped = (nfc(text).lower().replace(ESCAPE, ESCAPE * 2)
               .replace("%", ESCAPE + "%").replace("_", ESCAPE + "_"))
    return f"%{escaped}%"


class _folded(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """A text column as compared against a lower-cased LIKE pattern: `lower(column)`, but
    the column itself on SQLite, whose LIKE already ignores ASCII case and whose lower()
    folds ASCII only, so both match the same rows. Skipping the call there makes a filter
    over 50k directory users about 2.5x cheaper (issue 13)."""

    type = String()
    inherit_cache = True
    name = "lower"


@compiles(_folded)
def _lower(element: _folded, compiler, **kw) -> str:  # noqa: ANN001
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(_folded, "sqlite")
def _as_is(element: _folded, compiler, **kw) -> str:  # noqa: ANN001
    return compiler.process(element.clauses, **kw)


class _unicode_folded(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """A text column lower-cased for every Unicode letter: `lower(column)` on PostgreSQL,
    `FOLD_FUNCTION(column)` on SQLite (whose lower() folds ASCII only). Used when the
    pattern holds a non-ASCII character: a Python call per row on SQLite."""

    type = String()
    inherit_cache = True
    name = "lower"


@compiles(_unicode_folded)
def _unicode_lower(element: _unicode_folded, compiler, **kw) -> str:  # noqa: ANN001
    collation = getattr(compiler.dialect, "vpp_fold_collation", None)
    column = compiler.process(element.clauses, **kw)
    return f'lower({column} COLLATE "{collation}")' if collation else f"lower({column})"


@compiles(_unicode_folded, "sqlite")
def _python_lower(element: _unicode_folded, compiler, **kw) -> str:  # noqa: ANN001
    return f"{FOLD_FUNCTION}({compiler.process(element.clauses, **kw)})"


def _fold(value: object) -> object:
    """FOLD_FUNCTION's body: text lower-cased as `like_pattern` does; other values
    (NULL, numbers) as they are."""
    return value.lower() if isinstance(value, str) else value


def register_fold(dbapi_connection) -> None:  # noqa: ANN001
    """Add FOLD_FUNCTION (one argument, deterministic) to a sqlite3 connection; the store
    calls it on every new SQLite connection. Raises sqlite3.Error if SQLite refuses."""
    dbapi_connection.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)


def postgres_fold_collation(dbapi_connection) -> str | None:  # noqa: ANN001
    """The collation under which PostgreSQL's lower() folds every Unicode letter on this
    server: None when the database's own does ("É" -> "é"), else ICU_COLLATION when the
    server has ICU, else None (filters then fold ASCII only there). Runs two short
    queries on a DB-API connection and rolls them back. Source: PostgreSQL 15 docs §24.1
    (lower() follows LC_CTYPE) and §24.2.2.3.2 (ICU collations)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT lower('\u00c9') = '\u00e9'")
        if cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", (ICU_COLLATION,))
        return ICU_COLLATION if cursor.fetchone() else None
    finally:
        cursor.close()
        dbapi_connection.rollback()


def contains_text(text: str | None, *columns: ColumnElement) -> ColumnElement[bool] | None:
    """A WHERE clause: some of `columns` (text columns; NULLs never match) contains `text`
    literally, ignoring the case of any Unicode letter on both databases. None when `text`
    is empty or blank: no filter. `text` is stripped first. An ASCII-only `text` leaves the
    column as it is on SQLite (its LIKE folds ASCII; a non-ASCII letter of the column meets
    no letter of such a pattern, bar the rare ones lowering to ASCII such as the Kelvin
    sign); any other goes through `_unicode_folded`. Both sides are compared in NFC.
    Raises FilterTooLong (a `store.limits.ValueRefused`) for a `text` longer than
    FILTER_LIMIT characters."""
    if text is None or not text.strip():
        return None
    check_filter(text)
    pattern = like_pattern(text.strip())
    folded = _folded if pattern.isascii() else _unicode_folded
    return or_(*(folded(column).like(pattern, escape=ESCAPE) for column in columns))


def starts_with(prefix: str, column: ColumnElement) -> ColumnElement[bool]:
    """A WHERE clause: `column` begins with `prefix` literally (case as given: a key, not
    typed text), its `%` and `_` matching only themselves."""
    escaped = (prefix.replace(ESCAPE, ESCAPE * 2)
               .replace("%", ESCAPE + "%").replace("_", ESCAPE + "_"))
    return column.like(f"{escaped}%", escape=ESCAPE)
