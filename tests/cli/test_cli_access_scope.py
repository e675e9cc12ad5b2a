"""Two admins with different scope tags read different tokens, apps and audit entries from
the command line, and a refusal hint names no token outside the admin's scope."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli_key_file import add, cli
from tests.services.conftest import make_world
from vpp_tui.services import sync, tokens
from vpp_tui.services.access import admin
from vpp_tui.services.context import os_login

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
