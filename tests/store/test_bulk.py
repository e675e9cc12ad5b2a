"""`store.bulk.insert_rows`: many rows, shared values bound once, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from vpp_tui.store import models as m
from vpp_tui.store.bulk import COPY_MIN_ROWS, insert_rows

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
COLUMNS = ("asset_id", "kind", "member", "client_user_id", "serial")


def _asset(store) -> int:
    with store.session() as s:
        token = m.Token(name="North", apple_id="vpp@appleid.contoso.com", secret=b"c",
                        secret_sha256="ab" * 32, org_name="Contoso",
                        expires_at=NOW + timedelta(days=300), location_id="100")
        s.add(token)
        s.flush()
        asset = m.Asset(token_id=token.id, adam_id="1", pricing_param="STDQ",
                        product_type="app", name="App", created_at=NOW)
        s.add(asset)
        s.flush()
        return asset.id


@pytest.mark.parametrize("users", [3, COPY_MIN_ROWS])  # PostgreSQL: INSERT, then COPY
def test_insert_rows_stores_what_an_orm_insert_would(store, users) -> None:
    """Varying columns per row, shared ones (a date in another zone, a NULL) once: read
    back as the ORM reads any row (aware UTC dates)."""
    asset = _asset(store)
    paris = NOW.astimezone(timezone(timedelta(hours=1)))
    rows = [(asset, "user", f"u{i:03}@x.edu", f"cid{i}", None) for i in range(users)]
    rows.append((asset, "device", "SERIAL1", None, "SERIAL1"))
    with store.session() as s:
        assert insert_rows(s, m.License.__table__, COLUMNS, rows, {
            "status": "licensed", "source": "apple", "since": paris, "updated_at": paris,
            "reason": None}) == users + 1
    with store.session() as s:
        got = s.exec(select(m.License).order_by(m.License.member)).all()
    assert [(r.asset_id, r.kind, r.member, r.client_user_id, r.serial) for r in got] == sorted(
        rows, key=lambda r: r[2])
    assert {(r.status, r.source, r.since, r.updated_at, r.reason) for r in got} == {
        ("licensed", "apple", NOW, NOW, None)}
    assert all(r.since.tzinfo is not None for r in got)


def test_insert_rows_writes_nothing_for_no_rows(store) -> None:
    with store.session() as s:
        assert insert_rows(s, m.License.__table__, COLUMNS, [], {"status": "x"}) == 0


def test_insert_rows_refuses_to_skip_a_python_side_default(store) -> None:
    """`since` has a Python-side default the driver would not apply: it must be given."""
    asset = _asset(store)
    with store.session() as s, pytest.raises(ValueError, match="since"):
        insert_rows(s, m.License.__table__, COLUMNS, [(asset, "user", "u", "c", None)],
                    {"status": "licensed", "source": "apple", "updated_at": NOW})


@pytest.mark.parametrize("size", [2, COPY_MIN_ROWS])
def test_insert_rows_is_part_of_the_callers_transaction(store, size) -> None:
    """A duplicate key fails the statement (IntegrityError, as SQLAlchemy says it) and the
    caller's transaction rolls back: no row of the batch stays."""
    asset = _asset(store)
    shared = {"status": "licensed", "source": "apple", "since": NOW, "updated_at": NOW}
    rows = [(asset, "user", f"u{i}", "c", None) for i in range(size - 1)]
    with pytest.raises(IntegrityError), store.session() as s:
        insert_rows(s, m.License.__table__, COLUMNS, [*rows, rows[0]], shared)
    with store.session() as s:
        assert s.exec(select(m.License)).all() == []
