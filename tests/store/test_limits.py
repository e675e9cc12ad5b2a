"""Input limits in one place (`store/limits.py`): read from the models, enforced before
either database sees a value (the `before_flush` backstop), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from vpp_tui.store import limits
from vpp_tui.store import models as m
from vpp_tui.store.engine import Store


def test_limits_are_read_from_the_model_columns() -> None:
    assert limits.max_length(m.Token, "name") == 200
    assert limits.max_length(m.Token, "org_name") == 300
    assert limits.max_length(m.AuditEntry, "detail") is None  # Text
    assert limits.limit(m.Asset, "total").kind == "int"
    assert limits.limit(m.Asset, "total").bits == 32
    assert limits.limit(m.Token, "expires_at").kind == "datetime"
    assert limits.limit(m.Setting, "value").kind == "json"
    assert limits.problem(m.DirectoryUser, "upn", "u" * 321) == (
        "is 321 characters long; at most 320 fit")


def test_clip_makes_text_from_apple_fit_its_column() -> None:
    assert limits.clip(m.Asset, "name", "A" * 400) == "A" * 300
    assert limits.clip(m.Asset, "name", "Notes\x00\ud800!") == "Notes!"
    assert limits.clip(m.Asset, "name", None) is None


def test_admin_name_leaves_room_for_the_lease_suffix() -> None:
    assert limits.actor_problem("ana") is None
    longest = (limits.max_length(m.Lease, "owner") or 0) - limits.LEASE_SUFFIX
    assert limits.actor_problem("a" * longest) is None
    assert limits.actor_problem("a" * (longest + 1))
    assert limits.actor_problem("  ") == "is empty or only blanks"


@pytest.mark.parametrize(("row", "field"), [
    (m.DirectoryUser(upn="ana@contoso.com", name="N" * 301), "name"),
    (m.DirectoryUser(upn="ana@contoso.com", name="Ana\x00"), "name"),
    (m.DirectoryGroup(name="Sales\udfff", kind="user"), "name"),
    (m.Setting(key="k", value=float("inf")), "value"),
    (m.SyncRun(token_id=1, actor="ana", requests=2**31), "requests"),
    (m.AuditEntry(actor="ana", action="x",
                  at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))), "at"),
], ids=["too-long", "nul", "surrogate", "json-infinity", "int32-overflow", "date-overflow"])
def test_backstop_refuses_a_bad_value_before_either_database(store: Store, row,
                                                             field: str) -> None:
    with pytest.raises(limits.ValueRefused) as refused, store.session() as session:
        session.add(m.DirectoryUser(upn="bob@contoso.com"))  # a good row goes back too
        session.add(row)
    assert refused.value.field == field and refused.value.table == row.__tablename__
    assert "nothing was saved" in refused.value.message
    with store.session() as session:
        assert session.exec(select(m.DirectoryUser)).all() == []


def test_backstop_checks_a_changed_row_too(store: Store) -> None:
    with store.session() as session:
        session.add(m.DirectoryUser(upn="ana@contoso.com", name="Ana"))
    with pytest.raises(limits.ValueRefused), store.session() as session:
        user = session.exec(select(m.DirectoryUser)).one()
        user.name = "Ana" * 200
    with store.session() as session:
        assert session.exec(select(m.DirectoryUser.name)).one() == "Ana"


def test_good_values_pass_the_backstop(store: Store) -> None:
    with store.session() as session:
        session.add(m.DirectoryUser(upn="u" * 320, name="Zoë 東京 🎉" * 10))
        session.add(m.AuditEntry(actor="ana", action="x", at=datetime(9998, 1, 1, tzinfo=UTC)))
    with store.session() as session:
        assert len(session.exec(select(m.DirectoryUser)).all()) == 1


def test_every_identifier_column_exists_and_is_text() -> None:
    tables = {model.__tablename__: model for model in m.ALL_TABLES}
    for table, field in limits.IDENTIFIERS:
        column = limits.limit(tables[table], field)
        assert column.kind == "text" and column.identifier, (table, field)


def test_backstop_refuses_an_identifier_with_a_control_character(store: Store) -> None:
    with pytest.raises(limits.ValueRefused) as refused, store.session() as session:
        session.add(m.DirectoryGroup(name="Sales\x1b[2J", kind="user"))
    assert (refused.value.table, refused.value.field) == ("directory_groups", "name")
    assert "U+001B" in refused.value.message


def test_a_row_stored_before_the_identifier_rule_can_still_change_its_other_values(
        store: Store) -> None:
    from sqlalchemy import insert

    with store.session() as session:  # a Core insert: as an older version stored it
        session.execute(insert(m.ScopeTag).values(name="ea\u200bst", description=""))
    with store.session() as session:
        tag = session.exec(select(m.ScopeTag).where(m.ScopeTag.name == "ea\u200bst")).one()
        tag.description = "the east campus"
    with pytest.raises(limits.ValueRefused), store.session() as session:
        session.exec(select(m.ScopeTag).where(m.ScopeTag.name == "ea\u200bst")).one().name \
            = "we\x07st"
    with store.session() as session:
        assert session.exec(select(m.ScopeTag.description).where(
            m.ScopeTag.name == "ea\u200bst")).one() == "the east campus"
