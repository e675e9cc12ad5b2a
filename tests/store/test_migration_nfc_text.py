"""0012_nfc_text (breaker4): a store filled before filters compared text in NFC is
upgraded, never recreated: the values filters read are rewritten in NFC (Unicode UAX #15),
in batches, on SQLite and PostgreSQL alike; a value whose NFC form another row of a unique
column holds is left as it is (nothing lost)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, insert, select

from vpp_tui.store import tables as t
from vpp_tui.store.engine import alembic_config, head_from_files, open_store, stored_revision

NFD_ROWS = 2_500  # more than one batch of the revision (2,000 rows)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _store_at_0011_with_nfd_rows(url: str) -> None:
    open_store(url).close()
    cfg = alembic_config()
    store = open_store(url, migrate=False)
    now = datetime(2026, 11, 30, tzinfo=UTC)
    try:
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011_bulk_plans")
            conn.execute(insert(t.directory_users), [
                {"upn": _nfd("josé@contoso.edu"), "name": _nfd("José Nfd"),
                 "managed_apple_id": None, "personal_apple_id": False, "active": True,
                 "imported_at": now},
                # the same UPN twice, once in each form: the decomposed one stays as it is
                {"upn": _nfd("aná@contoso.edu"), "name": "dup", "managed_apple_id": None,
                 "personal_apple_id": False, "active": True, "imported_at": now},
                {"upn": "an\u00e1@contoso.edu", "name": "dup", "managed_apple_id": None,
                 "personal_apple_id": False, "active": True, "imported_at": now}])
            group = conn.execute(insert(t.directory_groups).values(
                name=_nfd("Équipe"), kind="user", imported_at=now)
                .returning(t.directory_groups.c.id)).scalar_one()
            conn.execute(insert(t.group_members), [
                {"group_id": group, "member": _nfd("josé@contoso.edu"), "position": 0}])
            conn.execute(insert(t.audit_entries), [
                {"at": now, "actor": _nfd("zoé"), "action": "license.assign",
                 "target": _nfd(f"Café {i}"), "result": "ok", "detail": _nfd("déjà vu")}
                for i in range(NFD_ROWS)])
        assert stored_revision(store.engine) == "0011_bulk_plans"
    finally:
        store.close()


def test_nfc_text_follows_bulk_plans() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_revision("0012_nfc_text").down_revision == "0011_bulk_plans"


def test_a_store_at_0011_has_its_decomposed_text_rewritten_in_nfc(store_url) -> None:
    _store_at_0011_with_nfd_rows(store_url)
    store = open_store(store_url)
    try:
        assert stored_revision(store.engine) == head_from_files()
        with store.engine.connect() as conn:
            users = dict(conn.execute(select(t.directory_users.c.upn,
                                             t.directory_users.c.name)).all())
            assert users == {_nfc("josé@contoso.edu"): _nfc("José Nfd"),
                             _nfd("aná@contoso.edu"): "dup", "an\u00e1@contoso.edu": "dup"}
            assert conn.execute(select(t.directory_groups.c.name)).scalar_one() == \
                _nfc("Équipe")
            assert conn.execute(select(t.group_members.c.member)).scalar_one() == \
                _nfc("josé@contoso.edu")
            entries = conn.execute(select(t.audit_entries.c.actor, t.audit_entries.c.target,
                                          t.audit_entries.c.detail)).all()
            assert len(entries) == NFD_ROWS
            assert all(e.actor == _nfc("zoé") and e.detail == _nfc("déjà vu")
                       and e.target.startswith(_nfc("Café ")) for e in entries)
            assert conn.execute(select(func.count()).select_from(t.audit_entries).where(
                t.audit_entries.c.target == _nfc("Café 2499"))).scalar_one() == 1
    finally:
        store.close()
