"""Many rows inserted at once with the values every row shares bound once (issue 13).

`session.execute(table.insert(), rows)` runs each value of each row through its column
type (a `UTCDateTime` is checked, converted to UTC and, on SQLite, formatted as text) and
builds a parameter set per row: at 100k license rows, most of a full sync's final write.
`insert_rows` converts the shared values (`constants`: a date, a status) once and the
varying columns only when their type needs it (text and integers pass as they are), then
hands the rows to the driver: the `executemany` of the INSERT compiled once, or on
PostgreSQL from `COPY_MIN_ROWS` rows on, `COPY ... FROM STDIN` (psycopg). Same values in the database: only the Python
work per row goes. Like every Core statement it bypasses the ORM's `before_flush` limit check
(`store.limits`): the caller passes identifiers that fit their columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

# PostgreSQL: from this many rows on, COPY (its setup costs a round trip or two); fewer go
# as one `executemany` of the INSERT, as on SQLite.
COPY_MIN_ROWS = 200


def insert_rows(session: Session, table: Table, columns: Sequence[str],
                rows: Sequence[Sequence[Any]], constants: Mapping[str, Any]) -> int:
    """Insert `rows` (tuples in `columns` order) into `table`, each with `constants`
    (column -> value, the same for every row), in `session`'s transaction. Returns the
    rows inserted. Every column with a Python-side default (`Column(default=...)`) must be
    among `columns` or `constants` (ValueError otherwise: the driver does not apply them).
    Raises what the driver raises (IntegrityError on a duplicate key)."""
    if not rows:
        return 0
    names = [*columns, *constants]
    missing = sorted(c.name for c in table.columns
                     if c.default is not None and c.name not in names)
    if missing:
        raise ValueError(f"insert_rows into {table.name}: give {', '.join(missing)}")
    connection = session.connection()
    dialect = connection.dialect
    if (dialect.name == "postgresql" and dialect.driver == "psycopg"
            and len(rows) >= COPY_MIN_ROWS):
        return _copy_rows(connection, table, columns, rows, constants)
    compiled = table.insert().values({n: bindparam(n) for n in names}).compile(
        dialect=dialect, for_executemany=True)
    convert = [_processor(table, n, dialect) for n in columns]
    if any(convert):
        rows = [tuple(v if p is None else p(v) for p, v in zip(convert, r, strict=True))
                for r in rows]
    shared = {}
    for name, value in constants.items():
        processor = _processor(table, name, dialect)
        shared[name] = value if processor is None else processor(value)
    order = compiled.positiontup
    params: list[Any]
    if order is None:  # named parameters (psycopg)
        params = [{**dict(zip(columns, r, strict=True)), **shared} for r in rows]
    else:  # positional (sqlite), in the statement's column order
        tail = tuple(shared.values())
        pick = itemgetter(*(names.index(n) for n in order))
        params = [pick((*r, *tail)) for r in rows]
    connection.exec_driver_sql(compiled.string, params)
    return len(rows)


def _processor(table: Table, name: str, dialect: Any) -> Any:
    """The column type's conversion for this database (a TypeDecorator's own step, then
    the dialect's: SQLite's DATETIME text), or None."""
    return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)


def _copy_rows(connection: Any, table: Table, columns: Sequence[str],
               rows: Sequence[Sequence[Any]], constants: Mapping[str, Any]) -> int:
    """PostgreSQL: the rows through `COPY ... FROM STDIN` on the session's own connection
    (its transaction), the fastest way in; psycopg converts each value by its type. A
    driver error is raised as SQLAlchemy raises it (IntegrityError for a duplicate)."""
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    convert = [_type_step(table, n, dialect) for n in columns]
    steps = {n: _type_step(table, n, dialect) for n in constants}
    tail = tuple(v if steps[n] is None else steps[n](v) for n, v in constants.items())
    names = ", ".join(quote(n) for n in [*columns, *constants])
    statement = f"COPY {quote(table.name)} ({names}) FROM STDIN"
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            if any(convert):
                for r in rows:
                    copy.write_row((*(v if p is None else p(v)
                                      for p, v in zip(convert, r, strict=True)), *tail))
            else:
                for r in rows:
                    copy.write_row((*r, *tail))
    except dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy reports it: IntegrityError…
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from exc
    finally:
        cursor.close()
    return len(rows)


def _type_step(table: Table, name: str, dialect: Any) -> Any:
    """The column type's own Python step (a TypeDecorator's `process_bind_param`: an aware
    date made UTC), without the driver-level conversion COPY does itself; or None."""
    column_type = table.c[name].type
    if not isinstance(column_type, TypeDecorator) or (
            type(column_type).process_bind_param is TypeDecorator.process_bind_param):
        return None
    return lambda value: column_type.process_bind_param(value, dialect)
