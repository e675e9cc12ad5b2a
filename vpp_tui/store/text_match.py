"""The one way a filter box reaches SQL: literal, case-insensitive "contains".

What an admin types in a filter is text, never a pattern: `%` and `_` match only
themselves, on SQLite and PostgreSQL alike. Every query that filters by typed text uses
`contains_text` (or `like_pattern` for a hand-built LIKE); nothing else builds a LIKE.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_

#: the LIKE escape character: not a backslash, which PostgreSQL and SQLite quote differently
ESCAPE = "/"


def like_pattern(text: str) -> str:
    """`text` lower-cased, with the LIKE wildcards (`%`, `_`) and `ESCAPE` itself escaped,
    wrapped in `%…%`: a LIKE pattern (used with `escape=ESCAPE`) matching any value that
    contains `text` literally. Example: "a%z" -> "%a/%z%"."""
    escaped = (text.lower().replace(ESCAPE, ESCAPE * 2)
               .replace("%", ESCAPE + "%").replace("_", ESCAPE + "_"))
    return f"%{escaped}%"


def contains_text(text: str | None, *columns: ColumnElement) -> ColumnElement[bool] | None:
    """A WHERE clause: some of `columns` (text columns; NULLs never match) contains `text`
    literally, ignoring case (ASCII case on SQLite, whose lower() folds only ASCII).
    None when `text` is empty or blank: no filter. `text` is stripped first."""
    if text is None or not text.strip():
        return None
    pattern = like_pattern(text.strip())
    return or_(*(func.lower(column).like(pattern, escape=ESCAPE) for column in columns))


def starts_with(prefix: str, column: ColumnElement) -> ColumnElement[bool]:
    """A WHERE clause: `column` begins with `prefix` literally (case as given: a key, not
    typed text), its `%` and `_` matching only themselves."""
    escaped = (prefix.replace(ESCAPE, ESCAPE * 2)
               .replace("%", ESCAPE + "%").replace("_", ESCAPE + "_"))
    return column.like(f"{escaped}%", escape=ESCAPE)
