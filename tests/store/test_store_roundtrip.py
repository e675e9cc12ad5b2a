from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from vpp_tui.store import models as m
from vpp_tui.store.engine import alembic_config, open_store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _token(name: str = "North", location: str = "100") -> m.Token:
    return m.Token(
        name=name, apple_id="vpp@appleid.contoso.com", secret=b"cipher", secret_sha256="ab" * 32,
        org_name="Contoso", expires_at=NOW + timedelta(days=300), location_id=location,
    )


def test_migrations_create_every_table_from_empty(store) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert {t.__tablename__ for t in m.ALL_TABLES} <= names
    assert "alembic_version" in names
    with store.engine.connect() as conn:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head


def test_a_store_at_0001_upgrades_to_the_lease_table(store_url) -> None:
    """An existing store (revision 0001, a token with the old lease columns) upgrades: the
    `leases` table appears, the token is kept, and the old columns are gone."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(store_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("insert into tokens (name, apple_id, secret, secret_sha256, org_name,"
                          " expires_at, legacy, country, account_type, auto_update, "
                          "take_control, consent, last_sync_status, lease_owner, created_at, "
                          "updated_at) values ('North', 'a@b.c', :s, 'ab', 'C', :t, false, 'US',"
                          " 'business', false, false, false, 'none', 'bob@gone', :t, :t)"),
                     {"s": b"x", "t": NOW})
    engine.dispose()
    opened = open_store(store_url)
    try:
        assert "leases" in inspect(opened.engine).get_table_names()
        columns = {c["name"] for c in inspect(opened.engine).get_columns("tokens")}
        assert "lease_owner" not in columns and "lease_expires_at" not in columns
        with opened.session() as s:
            assert [t.name for t in s.exec(select(m.Token)).all()] == ["North"]
    finally:
        opened.close()


def test_upgrade_on_open_is_idempotent(store_url) -> None:
    open_store(store_url).close()
    again = open_store(store_url)
    with again.engine.connect() as conn:
        assert conn.execute(text("select count(*) from alembic_version")).scalar() == 1
    again.close()


def test_every_table_round_trips(store) -> None:
    with store.session() as s:
        tag = m.ScopeTag(name="North")
        token = _token()
        s.add_all([tag, token])
        s.flush()
        s.add(m.TokenScopeTag(token_id=token.id, scope_tag_id=tag.id))
        s.add(m.SyncRun(token_id=token.id, actor="ana", requests=3, assets=2))
        asset = m.Asset(token_id=token.id, adam_id="408709785", product_type="app",
                        name="Field Notes", platforms="iOS iPadOS", total=100, available=100,
                        device_assignable=True)
        user = m.DirectoryUser(upn="ana@contoso.com", name="Ana Ruiz", personal_apple_id=True)
        device = m.DirectoryDevice(serial="F9FXK2ABCD12", platform="iPadOS", supervised=True,
                                   enrolled_at=NOW)
        group = m.DirectoryGroup(name="Exam iPads", kind="device")
        s.add_all([asset, user, device, group])
        s.flush()
        s.add(m.GroupMember(group_id=group.id, member=device.serial, position=0))
        s.add(m.AppleUser(token_id=token.id, client_user_id="c-1", upn=user.upn))
        assignment = m.Assignment(asset_id=asset.id, group_id=group.id, intent="required",
                                  license_type="device", settings={"uninstall_on_removal": True})
        s.add(assignment)
        s.flush()
        s.add(m.License(asset_id=asset.id, assignment_id=assignment.id, kind="device",
                        member=device.serial, serial=device.serial, status="licensed",
                        apple_event_id="e-1"))
        role = m.Role(name="Desk", description="custom")
        s.add(role)
        s.flush()
        s.add(m.RolePermission(role_id=role.id, permission="mobile_apps.read"))
        grant = m.AdminGrant(admin="ana", role_id=role.id)
        s.add(grant)
        s.flush()
        s.add(m.GrantScopeTag(grant_id=grant.id, scope_tag_id=tag.id))
        s.add(m.StoreOwner(admin="ana"))
        s.add(m.AuditEntry(actor="ana", action="token.add", target="North"))
        s.add(m.Setting(key="theme", value={"name": "nord"}))
        s.add(m.AdminPreference(admin="ana", language="zh_CN"))
        s.add(m.Lease(key="location:100", owner="ana@host:1:ab", fence=1, token_name="North",
                      acquired_at=NOW, expires_at=NOW + timedelta(seconds=60)))
        s.add(m.Job(kind="sync", token_name="North", payload={"full": True}, actor="ana",
                    state="running", claimed_by="ana@host:1:ab", dedupe_key="sync:North",
                    lease_expires_at=NOW + timedelta(seconds=60), queued_at=NOW))
        s.add(m.Notification(token_id=token.id, notification_id="n-1",
                             notification_type="ASSET_COUNT",
                             body={"adamId": "408709785", "countDelta": 5}))
        s.add(m.UsageSample(token_id=token.id, adam_id="408709785", assigned=3, available=7,
                            total=10, recorded_at=NOW))
    with store.session() as s:
        for table in m.ALL_TABLES:
            assert s.exec(select(table)).first() is not None, table.__tablename__
        token = s.exec(select(m.Token)).one()
        assert token.expires_at == NOW + timedelta(days=300)
        assert token.expires_at.tzinfo is not None
        assert s.exec(select(m.Setting)).one().value == {"name": "nord"}
        job = s.exec(select(m.Job)).one()
        assert (job.payload, job.lease_expires_at) == ({"full": True}, NOW + timedelta(seconds=60))
        assert s.exec(select(m.Assignment)).one().settings == {"uninstall_on_removal": True}


def test_deleting_a_token_cascades_to_its_assets_assignments_and_licenses(store) -> None:
    with store.session() as s:
        token = _token()
        s.add(token)
        group = m.DirectoryGroup(name="G", kind="device")
        s.add(group)
        s.flush()
        asset = m.Asset(token_id=token.id, adam_id="1", product_type="app")
        s.add(asset)
        s.flush()
        a = m.Assignment(asset_id=asset.id, group_id=group.id, intent="required",
                         license_type="device")
        s.add(a)
        s.flush()
        s.add(m.License(asset_id=asset.id, kind="device", member="S1", status="licensed"))
    with store.session() as s:
        s.delete(s.exec(select(m.Token)).one())
    with store.session() as s:
        for table in (m.Asset, m.Assignment, m.License):
            assert s.exec(select(table)).first() is None
        assert s.exec(select(m.DirectoryGroup)).one().name == "G"


def test_token_names_are_unique(store) -> None:
    with store.session() as s:
        s.add(_token("North"))
    with pytest.raises(IntegrityError), store.session() as s:
        s.add(_token("North", location="200"))


def test_an_item_is_listed_once_per_token(store) -> None:
    with store.session() as s:
        t = _token()
        s.add(t)
        s.flush()
        s.add(m.Asset(token_id=t.id, adam_id="1", product_type="app"))
    with pytest.raises(IntegrityError), store.session() as s:
        s.add(m.Asset(token_id=t.id, adam_id="1", product_type="app"))


def test_naive_datetimes_are_refused(store) -> None:
    with pytest.raises(Exception, match="naive"), store.session() as s:
        token = _token()
        token.expires_at = datetime(2027, 1, 1)
        s.add(token)


def test_sqlite_store_uses_wal_and_foreign_keys(sqlite_store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
