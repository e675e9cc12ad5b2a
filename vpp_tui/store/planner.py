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
