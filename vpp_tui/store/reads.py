"""Core reads through "a session or a connection" (issue 13), SQLModel and the ORM unloaded.

A bulk reader takes either an ORM `Session` (flushed first, as an ORM read would be) or a
`Store.reading()` Connection and runs Core statements of `store.tables` (or of a model's
`__table__`) on it: `prepared` readies it, `plain_rows` returns the driver's own tuples.
"""

from __future__ import annotations

from typing import Any


def prepared(db: Any) -> Any:
    """Ready `db` (a Session or a Connection) for a Core read and return its dialect: a
    Session is flushed first (its pending rows are then seen, as by an ORM read)."""
    flush = getattr(db, "flush", None)
    if flush is not None:
        flush()
        return db.get_bind().dialect
    return db.dialect


def plain_rows(db: Any, statement: Any) -> list[tuple]:
    """The rows of a Core `statement` as the database driver returns them (plain tuples,
    no SQLAlchemy row per row: a bulk reader of 100k license rows spent a third of its
    time there, and the rows it keeps are then no work for the garbage collector; issue
    13). `db`: a Session (flushed) or a Connection. Only for columns the dialect returns
    as they are (integers, strings: no result processor); raises TypeError for any other
    (a boolean on SQLite, a datetime), whose value would come back unconverted."""
    dialect = prepared(db)
    for column in statement.selected_columns:
        if column.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
            raise TypeError(f"plain_rows cannot read {column}: its values are converted")
    result = db.execute(statement)
    try:
        return result.cursor.fetchall()  # type: ignore[attr-defined]
    finally:
        result.close()
