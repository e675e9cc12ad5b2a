"""Hints to the query planner, written once for both databases.

SQLite plans without statistics (the store never runs ANALYZE), so it takes any index an
equality can use: `assets.product_type = 'app'` picks the index on a column of two values
and then sorts all 21k apps for every page of 200 (issue 13), where the index on the
name would give the rows already in order. `unindexed` keeps such a term from choosing an
index, SQLite's documented way (a unary `+`, "The SQLite Query Optimizer Overview" §
"Disqualifying WHERE clause terms using unary-+"); PostgreSQL plans with statistics and
gets the column as it is.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class unindexed(FunctionElement):  # noqa: N801 (an SQL expression, named as one)
    """`unindexed(column)`: the text column as a WHERE term that no index answers on
    SQLite (`+column`); the column itself on other databases. Same rows either way."""

    type = String()
    inherit_cache = True
    name = "unindexed"


@compiles(unindexed)
def _as_is(element: unindexed, compiler, **kw) -> str:  # noqa: ANN001
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _plus(element: unindexed, compiler, **kw) -> str:  # noqa: ANN001
    return f"+{compiler.process(element.clauses, **kw)}"


def analyze(connection, tables: tuple[str, ...]) -> bool:  # noqa: ANN001
    """Refresh PostgreSQL's statistics of `tables` (names of store tables) after a bulk
    write; returns True when it ran, False on SQLite (which plans without statistics).

    Without them a plan read right after a 100k-row `directory import` joins the members
    row by row and sorts on disk (EXPLAIN ANALYZE, issue 13: 169 + 2 × 123 ms for a device
    group) until autovacuum gets to the tables, about a minute later; with them, hash joins
    (75 ms and 2 ms). PostgreSQL documentation, "ANALYZE": run it after large changes."""
    if connection.dialect.name != "postgresql":
        return False
    from sqlalchemy import text

    for table in tables:
        connection.execute(text(f'ANALYZE "{table}"'))  # store table names, never input
    return True
