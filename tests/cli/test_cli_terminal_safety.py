"""Text from token files and from Apple never reaches a terminal with control characters."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.services.conftest import make_world
from vpp_tui.apple.stoken import encode_token
from vpp_tui.cli import main
from vpp_tui.services import tokens
from vpp_tui.services.context import os_login

EVIL_ORG = "Contoso\x1b[31m RED\x07\x9b2J\r\u202eevil\u2066 School\x1b]0;pwned\x07"
# Raw control bytes, C1 controls, and the bidi overrides that reorder what a reader sees.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def sqlite_world(sqlite_store, tmp_path):  # noqa: ANN001, ANN201
    # The store's creator is the OS login, who then runs the commands (issue 10).
    return make_world(sqlite_store, tmp_key=str(tmp_path / "k.key"), actor=os_login())


def add_evil_token(world, tmp_path) -> str:  # noqa: ANN001
    content = encode_token("evil-secret", datetime.now(UTC) + timedelta(days=200), EVIL_ORG)
    # Apple does not know this secret, so admission would refuse it; the demo path stores
    # it with Apple's error, which is all the display needs.
    tokens.seed_demo_token(world.ctx, tokens.NewToken(
        name="Evil", apple_id="vpp@appleid.contoso.edu", content=content, consent=True))
    return content


def run(capsys, world, *args: str) -> str:  # noqa: ANN001
    code = main(["--db", world.ctx.store.url, "--key-file", world.ctx.key_file,
                 "--apple", "http://127.0.0.1:9/mdm/v2", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert not CONTROL.search(captured.err)
    return captured.out


def test_token_show_strips_control_characters(sqlite_world, capsys, tmp_path) -> None:
    add_evil_token(sqlite_world, tmp_path)
    for command in (["token", "show", "Evil"], ["token", "list"]):
        out = run(capsys, sqlite_world, *command)
        assert not CONTROL.search(out), (command, ascii(out))
        assert "[31m" not in out and "pwned" not in out
    shown = run(capsys, sqlite_world, "token", "show", "Evil")
    assert "Contoso RED2J evil School" not in shown  # the 8-bit CSI and its parameters go
    assert "Contoso RED evil School" in shown
    for command in (["token", "show", "Evil", "--json"], ["token", "list", "--json"]):
        out = run(capsys, sqlite_world, *command)
        assert not CONTROL.search(out), (command, ascii(out))
        document = json.loads(out)
        org = document["org_name"] if isinstance(document, dict) else document[0]["org_name"]
        assert org == "Contoso RED evil School"  # JSON carries the cleaned text too


def test_console_shows_no_control_characters(sqlite_world, tmp_path) -> None:
    add_evil_token(sqlite_world, tmp_path)
    (view,) = tokens.list_tokens(sqlite_world.ctx)  # what the console's Tokens view shows
    details = tokens.get_token(sqlite_world.ctx, "Evil")
    for value in (view.org_name, view.state_reason, view.advice, details.token.org_name,
                  view.last_sync_error or ""):
        assert not CONTROL.search(value), ascii(value)
