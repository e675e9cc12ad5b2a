"""Fault (breaker3): filters missed non-ASCII capitals on SQLite. `like_pattern` lower-cased
the typed text in Python while SQLite's LIKE folds ASCII only, so "Éloïse" typed as stored
found nothing there (PostgreSQL found it). Now both databases fold every Unicode letter
(`store.text_match`); an ASCII-only filter keeps the plain column on SQLite (issue 13)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import column, select, table
from sqlalchemy.dialects import sqlite

from vpp_tui.services import audit, directory
from vpp_tui.services.catalog.queries import list_users
from vpp_tui.store.text_match import FOLD_FUNCTION, contains_text

NAMES = ("Éloïse Dupré", "Жанна Иванова", "张伟 (中文)", "O'Brien \\ 50% a_b")


def _doc() -> str:
    return json.dumps({"users": [
        {"upn": f"u{i}@contoso.com", "name": name, "managed_apple_id": None,
         "personal_apple_id": False, "active": True} for i, name in enumerate(NAMES)],
        "devices": [], "groups": []})


@pytest.mark.parametrize(("typed", "expected"), [
    ("Éloïse", NAMES[0]), ("éloïse", NAMES[0]), ("ÉLOÏSE", NAMES[0]), ("DUPRÉ", NAMES[0]),
    ("Жанна", NAMES[1]), ("жанна", NAMES[1]), ("ИВАНОВА", NAMES[1]),
    ("中文", NAMES[2]), ("张伟", NAMES[2]),
    ("o'brien", NAMES[3]), ("\\ 50%", NAMES[3]), ("A_B", NAMES[3]), ("É 50%", None),
])
def test_filter_non_ascii_case_finds_the_name_as_typed(world, typed: str,
                                                       expected: str | None) -> None:
    ctx = world.ctx
    ctx.actor = "root"
    directory.import_directory(ctx, _doc())
    names = [u.name for u in list_users(ctx, text=typed).rows]
    assert names == ([expected] if expected else [])


def test_filter_non_ascii_case_in_the_audit_log(world) -> None:  # noqa: ANN001
    ctx = world.ctx
    with ctx.store.session() as session:
        audit.record(session, ctx, "test.filter", "Élise", detail="Straße ΣΟΦΊΑ")
    assert [e.target for e in audit.list_entries(ctx, text="élise")] == ["Élise"]
    assert [e.target for e in audit.list_entries(ctx, text="σοφία")] == ["Élise"]
    assert audit.count_entries(ctx, text="STRASSE") == 0  # lower(), not casefold()


def test_ascii_filter_keeps_the_plain_column_on_sqlite() -> None:
    """The SQLite name index and LIKE's own ASCII folding serve an ASCII filter: no
    function call per row; only a non-ASCII filter calls FOLD_FUNCTION."""
    names = table("users", column("name"))

    def sql(text: str) -> str:
        query = select(names.c.name).where(contains_text(text, names.c.name))
        return str(query.compile(dialect=sqlite.dialect()))

    assert FOLD_FUNCTION not in sql("Eloise") and "lower" not in sql("Eloise")
    assert f"{FOLD_FUNCTION}(users.name)" in sql("Éloïse")
