"""Identity, roles, grants and scope tags from the command line, as admins run them."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from tests.cli.test_cli_tokens import Admin, served  # noqa: F401 - the fixture
from vpp_tui.apple.clock import SystemClock
from vpp_tui.services.access.identity import claim_store
from vpp_tui.services.context import ServiceContext, os_login
from vpp_tui.store.engine import alembic_config, open_store

ME = os_login()
APPLE_ID = "vpp@appleid.contoso.edu"


def _admin(tmp_path, apple: str = "http://127.0.0.1:9/mdm/v2") -> Admin:
    return Admin(tmp_path, apple)


def _entries(db: str) -> list[tuple[str, str, str, str]]:
    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT actor, action, target, result FROM audit_entries ORDER BY id"))]
    finally:
        store.close()


def test_the_store_creator_is_administrator_over_every_scope(tmp_path) -> None:
    admin = _admin(tmp_path)
    admins = json.loads(admin.ok("admins", "--json"))
    assert admins == [{"admin": ME, "owner": True, "permissions": admins[0]["permissions"],
                       "grants": [{"role": "Administrator", "all_scopes": True,
                                   "scope_tags": []}]}]
    assert "roles.act_for_others" in admins[0]["permissions"]


def test_as_escalation_is_refused_with_one_error_line_and_audited(tmp_path) -> None:
    admin = _admin(tmp_path)
    store = open_store(admin.db)  # someone else created this store
    claim_store(ServiceContext(store=store, actor="alice", clock=SystemClock()), "alice")
    store.close()
    line = admin.refused(1, "--as", "alice", "admins")
    assert "roles.act_for_others" in line and ME in line
    admin.env["VPP_ADMIN"] = "alice"
    admin.refused(1, "admins")
    denied = [e for e in _entries(admin.db) if e[1] == "access.act_as"]
    assert denied == [(ME, "access.act_as", "alice", "denied")] * 2


def test_os_login_ignores_LOGNAME_and_USER(monkeypatch) -> None:
    """Fault: the OS login was read from LOGNAME/USER, which anyone can set."""
    import os
    import pwd

    real = pwd.getpwuid(os.geteuid()).pw_name
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "mallory")
    assert os_login() == real


def test_intern_acting_through_the_owner_cannot_delete_a_token(served, tmp_path) -> None:  # noqa: F811
    """The issue's example: `vpp-tui --as intern token delete Library --yes`."""
    admin = Admin(tmp_path, served.base_url)
    files = {e["location_name"]: served.tokens_dir / e["file"]
             for e in served.manifest["tokens"]}
    admin.ok("token", "add", str(files["North Campus"]), "--name", "Library",
             "--apple-id", APPLE_ID, "--consent")
    admin.ok("grant", "intern", "Read only")
    line = admin.refused(1, "--as", "intern", "token", "delete", "Library", "--yes")
    assert "managed_apps.delete" in line and "intern" in line
    assert [t["name"] for t in json.loads(admin.ok("token", "list", "--json"))] == ["Library"]
    assert ("intern", "access.denied", "managed_apps.delete", "denied") in _entries(admin.db)


def test_scope_tags_limit_token_and_app_lists_in_json(served, tmp_path) -> None:  # noqa: F811
    admin = Admin(tmp_path, served.base_url)
    files = {e["location_name"]: served.tokens_dir / e["file"]
             for e in served.manifest["tokens"]}
    admin.ok("scope-tag", "create", "north")
    admin.ok("token", "add", str(files["North Campus"]), "--name", "North",
             "--apple-id", APPLE_ID, "--consent", "--scope-tag", "north")
    admin.ok("token", "add", str(files["South Campus"]), "--name", "South",
             "--apple-id", APPLE_ID, "--consent")
    admin.ok("sync", "--all")
    admin.ok("grant", "nina", "App manager", "--scope-tag", "north")
    admin.ok("grant", "dan", "App manager")  # the default scope: untagged tokens
    for who, token in (("nina", "North"), ("dan", "South")):
        listed = json.loads(admin.ok("--as", who, "token", "list", "--json"))
        assert [t["name"] for t in listed] == [token]
        apps = json.loads(admin.ok("--as", who, "apps", "list", "--json"))
        assert apps and {a["token"] for a in apps} == {token}
    everything = json.loads(admin.ok("apps", "list", "--json"))
    assert {a["token"] for a in everything} == {"North", "South"}


def test_role_and_scope_tag_commands(tmp_path) -> None:
    admin = _admin(tmp_path)
    roles = {r["name"] for r in json.loads(admin.ok("role", "list", "--json"))}
    assert roles == {"Administrator", "App manager", "Token manager", "Help desk",
                     "Read only"}
    made = json.loads(admin.ok("role", "create", "Syncer", "--permission",
                               "managed_apps.read,managed_apps.sync", "--json"))
    assert made["permissions"] == ["managed_apps.read", "managed_apps.sync"]
    assert "unknown permission" in admin.refused(2, "role", "create", "X", "--permission",
                                                 "tokens.fly")
    admin.ok("scope-tag", "create", "east")
    assert "no scope tag named 'west'" in admin.refused(2, "grant", "bo", "Syncer",
                                                       "--scope-tag", "west")
    admin.ok("grant", "bo", "Syncer", "--scope-tag", "east")
    assert "revoke those grants" in admin.refused(2, "role", "delete", "Syncer")
    assert "on tokens or grants" in admin.refused(2, "scope-tag", "delete", "east")
    assert "last Administrator" in admin.refused(2, "revoke-grant", ME, "Administrator")
    admin.ok("revoke-grant", "bo", "Syncer")
    admin.ok("role", "delete", "Syncer")
    admin.ok("scope-tag", "delete", "east")
    assert "built-in" in admin.refused(2, "role", "delete", "Help desk")
    shown = json.loads(admin.ok("role", "show", "Help desk", "--json"))
    assert "mobile_apps.revoke_holder" in shown["permissions"]
    assert "mobile_apps.revoke" not in shown["permissions"]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_upgraded_store_belongs_to_the_first_os_login_that_opens_it(tmp_path,
                                                                        backend) -> None:
    """Decision (revision 0003_access): nobody in the old audit log is promoted."""
    db = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(db)
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
        connection.execute(text("INSERT INTO audit_entries (at, actor, action, target, result)"
                                " VALUES ('2026-01-01 00:00:00', 'bob', 'token.add', 'N',"
                                " 'ok')"))
    engine.dispose()
    admin = Admin(tmp_path, "http://127.0.0.1:9/mdm/v2", db=db)
    admins = json.loads(admin.ok("admins", "--json"))
    assert [(a["admin"], a["owner"]) for a in admins] == [(ME, True)]
    admin.refused(1, "--as", "bob", "token", "list")  # bob holds no grant
