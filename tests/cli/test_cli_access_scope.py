"""Two admins with different scope tags read different tokens, apps and audit entries from
the command line, and a refusal hint names no token outside the admin's scope."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.cli.test_cli_key_file import add, cli, one_error_line
from tests.services.conftest import make_world
from vpp_tui.services import sync, tokens
from vpp_tui.services.access import admin
from vpp_tui.services.context import os_login
from vpp_tui.store import models as m

NORTH, SOUTH = "North Campus", "South Campus"


@pytest.fixture
def split(sqlite_store, tmp_path):  # noqa: ANN001, ANN201
    """The OS login owns the store; North is tagged north, South south; nina reads north,
    dan south (reading tokens, apps and the audit log; `audit --json` is an export)."""
    world = make_world(sqlite_store, tmp_key=str(tmp_path / "k.key"), actor=os_login())
    for name, tag in ((NORTH, "north"), (SOUTH, "south")):
        add(world, name)
        sync.sync_token(world.ctx, name)
        admin.create_scope_tag(world.ctx, tag)
        tokens.update_settings(world.ctx, name, scope_tags=[tag])
    admin.create_role(world.ctx, "Reader", ["managed_apps.read", "mobile_apps.read",
                                            "audit.read", "audit.export"])
    admin.grant(world.ctx, "nina", "Reader", ["north"])
    admin.grant(world.ctx, "dan", "Reader", ["south"])
    return world


def _json(capsys, world, who: str, *args: str):  # noqa: ANN001, ANN202
    code, out, err = cli(capsys, world, "--as", who, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_two_admins_with_different_scope_tags_list_different_tokens_apps_and_audit(
        capsys, split) -> None:
    world = split
    seen = {}
    for who in ("nina", "dan"):
        seen[who] = (
            {t["name"] for t in _json(capsys, world, who, "token", "list")},
            {a["token"] for a in _json(capsys, world, who, "apps", "list")},
            {e["target"] for e in _json(capsys, world, who, "audit")},
        )
    assert seen["nina"][0] == {NORTH} and seen["dan"][0] == {SOUTH}
    assert seen["nina"][1] == {NORTH} and seen["dan"][1] == {SOUTH}
    assert NORTH in seen["nina"][2] and SOUTH not in seen["nina"][2]
    assert SOUTH in seen["dan"][2] and NORTH not in seen["dan"][2]
    owner = {t["name"] for t in _json(capsys, world, os_login(), "token", "list")}
    assert owner == {NORTH, SOUTH}


def test_token_show_unknown_name_hint_lists_only_tokens_in_scope(capsys, split) -> None:
    """Fault: `token show` of an unknown name listed every token of the store."""
    code, out, err = cli(capsys, split, "--as", "dan", "token", "show", "Nope")
    assert code == 2 and out == "" and err.startswith("error:") and err.count("\n") == 1
    assert SOUTH in err and NORTH not in err


def _denied(world, who: str) -> list[str]:  # noqa: ANN001
    """The permissions `who` was refused, from the audit log (`access.denied` entries)."""
    with world.ctx.store.session() as session:
        return [e.target for e in session.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == "access.denied", m.AuditEntry.actor == who)).all()]


def test_sync_of_a_readable_token_outside_the_sync_scope_is_refused_not_a_silent_success(
        capsys, split) -> None:
    """Fault: an admin reading every token but syncing only north ran `sync "South
    Campus"`: it printed an empty report and exited 0, with no error and no audit entry."""
    admin.grant(split.ctx, "rita", "Read only", all_scopes=True)
    admin.grant(split.ctx, "rita", "Token manager", ["north"])
    code, out, err = cli(capsys, split, "--as", "rita", "sync", SOUTH, "--json")
    line = one_error_line(err)
    assert code == 1 and out == "" and "managed_apps.sync" in line and SOUTH in line
    assert _denied(split, "rita") == ["managed_apps.sync"]


def test_sync_of_a_token_outside_the_read_scope_is_refused_with_the_permission_and_audited(
        capsys, split) -> None:
    """Fault: `sync NAME` of a token outside the admin's scope said "no token named" (exit
    2, not audited), unlike every other change naming such a token (access.md: refused with
    the missing permission, exit 1, audited as access.denied)."""
    admin.grant(split.ctx, "nina", "Token manager", ["north"])
    code, out, err = cli(capsys, split, "--as", "nina", "sync", SOUTH)
    assert code == 1 and out == "" and "managed_apps.sync" in one_error_line(err)
    # Queued, it is refused as well (the queue reads the token first: its read permission).
    code, out, err = cli(capsys, split, "--as", "nina", "sync", SOUTH, "--queue")
    assert code == 1 and out == "" and "managed_apps.read" in one_error_line(err)
    assert _denied(split, "nina") == ["managed_apps.sync", "managed_apps.read"]
    # A name no token has is still bad input.
    code, _out, err = cli(capsys, split, "--as", "nina", "sync", "Nope")
    assert code == 2 and "no token named 'Nope'" in one_error_line(err)


@pytest.mark.parametrize("who,token", [(os_login(), "Nope"), (os_login(), ""),
                                       ("nina", SOUTH)])
def test_waitlist_of_an_unknown_or_out_of_scope_token_says_no_such_token_not_nobody_waits(
        capsys, split, who, token) -> None:
    """Fault: `waitlist --token NAME` for a token that does not exist (or that the admin
    cannot see, or "") printed "nobody waits for a license" and exited 0."""
    code, out, err = cli(capsys, split, "--as", who, "waitlist", "--token", token)
    assert code == 2 and out == "" and f"no token named '{token}'" in one_error_line(err)


def test_apps_list_with_an_empty_token_name_is_bad_input_not_every_token(
        capsys, split) -> None:
    """Fault: `apps list --token ""` listed the apps of every token (exit 0), while
    `reconcile --token ""` says there is no such token."""
    code, out, err = cli(capsys, split, "apps", "list", "--token", "")
    assert code == 2 and out == "" and "no token named ''" in one_error_line(err)
