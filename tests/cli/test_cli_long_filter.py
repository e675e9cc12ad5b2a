"""Fault (breaker4): `directory users --filter <60000 A's>` and `audit --filter/--target/
--admin` printed a 70-line traceback on SQLite ("LIKE or GLOB pattern too complex"). Now a
filter longer than `store.text_match.FILTER_LIMIT` characters is one `error:` line, exit 2,
on both databases, before any query."""

from __future__ import annotations

import json

import pytest

from tests.services.conftest import make_world
from vpp_tui.cli import main
from vpp_tui.services import directory
from vpp_tui.services.context import os_login
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store.text_match import FILTER_LIMIT

LONG = "A" * 60_000


@pytest.fixture
def cli_world(store, tmp_path):  # noqa: ANN001, ANN201
    world = make_world(store, tmp_key=str(tmp_path / "k.key"), actor=os_login())
    directory.import_directory(world.ctx, json.dumps(demo_directory()))
    return world


@pytest.mark.parametrize("command", [
    ("directory", "users", "--filter", LONG), ("directory", "devices", "--filter", LONG),
    ("directory", "groups", "--filter", LONG), ("audit", "--filter", LONG),
    ("audit", "--target", LONG), ("audit", "--admin", LONG),
], ids=["users", "devices", "groups", "audit-filter", "audit-target", "audit-admin"])
def test_a_filter_too_long_is_one_error_line_exit_2(cli_world, capsys,  # noqa: ANN001
                                                    command: tuple[str, ...]) -> None:
    code = main(["--db", cli_world.ctx.store.url, "--key-file", cli_world.ctx.key_file,
                 *command])
    captured = capsys.readouterr()
    assert code == 2, captured.err[-300:]
    assert captured.err == (f"error: the filter is 60000 characters long; at most "
                            f"{FILTER_LIMIT} are read: type a shorter part of the name or "
                            f"text\n")
    assert captured.out == ""
