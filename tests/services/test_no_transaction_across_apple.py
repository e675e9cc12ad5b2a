"""No database transaction is open while Apple works (issue 9, item 4).

The fault: assign held SQLite's write lock (and a PostgreSQL transaction) while it waited
for Apple's event; a real event takes 30 s or more, so every other writer failed with
"database is locked". Here a probe runs before every request the services send to Apple
(users/create, associate, disassociate, revoke, and each poll of an event's status while
it is awaited): on SQLite it writes from a second connection with no busy timeout
(BEGIN IMMEDIATE + an audit row, rolled back), which fails while any writer holds the
lock; on PostgreSQL it asks `pg_stat_activity` whether a connection of the store sits
"idle in transaction".
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool
from sqlmodel import select

from tests.services.licensing_helpers import NORTH, licenses_of, north
from vpp_tui.services import licensing, revocation
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store import models as m
from vpp_tui.store.engine import Store

_IDLE_IN_TRANSACTION = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")


class TransactionProbe(httpx.BaseTransport):
    """Passes requests on to Apple; before each, checks no transaction of the store is open.

    `seen`: the paths probed; `held`: "path: why" for each request sent while one was open.
    """

    def __init__(self, inner: httpx.BaseTransport, store: Store) -> None:
        self.inner, self.store = inner, store
        self.seen: list[str] = []
        self.held: list[str] = []
        self._pg = (create_engine(store.engine.url, poolclass=NullPool)
                    if store.dialect == "postgresql" else None)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.check(request.url.path)
        return self.inner.handle_request(request)

    def check(self, what: str) -> None:
        self.seen.append(what)
        why = self._sqlite_write() if self._pg is None else self._pg_idle_in_transaction()
        if why:
            self.held.append(f"{what}: {why}")

    def _sqlite_write(self) -> str | None:
        path = self.store.sqlite_path
        assert path is not None
        con = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO audit_entries (at, actor, action, target, result) "
                        "VALUES (?, 'probe', 'probe', 'probe', 'ok')",
                        (datetime.now(UTC).isoformat(),))
            con.execute("ROLLBACK")
            return None
        except sqlite3.OperationalError as exc:
            return str(exc)
        finally:
            con.close()

    def _pg_idle_in_transaction(self) -> str | None:
        assert self._pg is not None
        with self._pg.connect() as con:
            idle = con.execute(_IDLE_IN_TRANSACTION).scalar_one()
        return f"{idle} connection(s) idle in transaction" if idle else None

    def close(self) -> None:
        if self._pg is not None:
            self._pg.dispose()


@pytest.fixture
def probe(world):
    found = TransactionProbe(world.transport.inner, world.ctx.store)
    yield found
    found.close()


def _watch(world, probe: TransactionProbe) -> None:
    """From now on every request to Apple is probed first."""
    world.transport.inner = probe


def _doc() -> dict:
    doc = demo_directory()
    upns = [u["upn"] for u in doc["users"]]
    doc["groups"] += [{"name": "Early", "kind": "user", "members": upns[-10:]},
                      {"name": "Late", "kind": "user", "members": upns[-22:-10]}]
    return doc


def _probed(probe: TransactionProbe, *paths: str) -> None:
    for path in paths:
        assert any(s.endswith(path) for s in probe.seen), f"Apple was never asked {path}"


def test_the_probe_sees_a_transaction_left_open(world, probe):
    """The probe is real: a writer left open across a request is caught on both stores."""
    north(world)
    with world.ctx.store.session() as session:
        session.add(m.AuditEntry(actor="test", action="test"))
        session.flush()
        probe.check("/while-open")
    probe.check("/after-commit")
    assert [h.split(":")[0] for h in probe.held] == ["/while-open"]


def test_assign_holds_no_transaction_while_it_waits_for_apples_event(world, probe):
    """Assign (users/create, associate), then unassign (disassociate) serving the waitlist
    (users/create, associate): every Apple call and event wait runs with no transaction."""
    north(world, _doc())
    _watch(world, probe)
    item = "Sketch Studio"  # 25 licenses, 10 used: 15 free
    early = licensing.apply_assign(world.ctx, item, "Early", "available", "user")
    late = licensing.apply_assign(world.ctx, item, "Late", "available", "user")
    assert early.error is None and late.error is None
    assert late.licensed and any(o.waitlist_position for o in late.members)
    removed = licensing.apply_unassign(world.ctx, item, "Early")
    assert removed.reclaimed == early.licensed and removed.admitted  # the waitlist served
    _probed(probe, "/users/create", "/assets/associate", "/assets/disassociate", "/status")
    assert probe.held == []


def test_revoke_and_departures_hold_no_transaction_while_they_wait_for_apple(world, probe):
    """Revoke by device, user and item, a departure's reclaim and "revoke all": every
    Apple call and event wait runs with no transaction open."""
    doc = north(world)
    licensing.apply_assign(world.ctx, "Atlas of the World", "Teachers", "available", "user")
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    _watch(world, probe)
    serial = next(r.member for r in licenses_of(world, "Star Chart")
                  if r.status == "licensed")
    assert licensing.apply_revoke(world.ctx, device=serial).reclaimed >= 1
    holders = [r.member for r in licenses_of(world, "Atlas of the World")
               if r.status == "licensed" and r.source == "console"]
    assert licensing.apply_revoke(world.ctx, user=holders[0]).reclaimed >= 1
    assert licensing.apply_revoke(world.ctx, item="Star Chart", token=NORTH).error is None
    teachers = next(g["members"] for g in doc["groups"] if g["name"] == "Teachers")
    teachers.remove(holders[1])
    update = licensing.import_and_reclaim(world.ctx, json.dumps(doc))
    assert update.error is None and update.reclaimed == 1
    assert revocation.revoke_all_of_token(world.ctx, NORTH) > 0
    _probed(probe, "/assets/revoke", "/assets/disassociate", "/status")
    assert probe.held == []


class _UsersCreated(httpx.BaseTransport):
    """Passes requests on; remembers the clientUserIds sent to users/create."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.client_user_ids = inner, []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/create"):
            self.client_user_ids += [u["clientUserId"]
                                     for u in json.loads(request.content)["users"]]
        return self.inner.handle_request(request)


def _store_same_apple_user(store: Store, token_id: int, cid: str) -> str:
    """Another writer stores the Apple user `cid` now, with no busy timeout."""
    row = {"t": token_id, "c": cid, "at": datetime.now(UTC).isoformat()}
    sql = ("INSERT INTO apple_users (token_id, client_user_id, status, updated_at) "
           "VALUES ({t}, {c}, 'Registered', {at})")
    if store.dialect == "sqlite":
        assert store.sqlite_path is not None
        con = sqlite3.connect(store.sqlite_path, timeout=0, isolation_level=None)
        try:
            con.execute(sql.format(t=":t", c=":c", at=":at"), row)
            return "stored"
        except sqlite3.OperationalError:
            return "locked"
        finally:
            con.close()
    other = create_engine(store.engine.url, poolclass=NullPool)
    try:
        with other.begin() as con:
            con.execute(text(sql.format(t=":t", c=":c", at=":at")), row)
        return "stored"
    finally:
        other.dispose()


def test_an_apple_user_stored_meanwhile_by_another_writer_is_updated_not_a_traceback(world):
    """A unique-key race in the result transaction (two writers store one Apple user):
    PostgreSQL meets the IntegrityError and writes again, updating the row the other
    stored; SQLite's result transaction is the only writer, so the other one waits."""
    north(world, _doc())
    created = _UsersCreated(world.transport.inner)
    world.transport.inner = created
    with world.ctx.store.session() as session:
        token_id = session.exec(select(m.Token.id).where(m.Token.name == NORTH)).one()
    raced: list[str] = []

    def race(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if not raced and statement.lstrip().upper().startswith("INSERT INTO APPLE_USERS"):
            raced.append(_store_same_apple_user(world.ctx.store, token_id,
                                                created.client_user_ids[0]))

    event.listen(world.ctx.store.engine, "before_cursor_execute", race)
    try:
        result = licensing.apply_assign(world.ctx, "Sketch Studio", "Early", "available",
                                        "user")
    finally:
        event.remove(world.ctx.store.engine, "before_cursor_execute", race)
    assert raced == ["locked" if world.ctx.store.dialect == "sqlite" else "stored"]
    assert result.error is None and result.licensed
    with world.ctx.store.session() as session:
        rows = session.exec(select(m.AppleUser).where(
            m.AppleUser.client_user_id == created.client_user_ids[0])).all()
    assert len(rows) == 1 and rows[0].upn  # one row, completed by the result transaction
