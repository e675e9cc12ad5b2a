"""The command line as a user runs it: a real process, real exit codes, real output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = [
    [], ["demo"], ["serve"], ["simulator"], ["token"], ["token", "add"], ["token", "list"],
    ["token", "show"], ["token", "renew"], ["token", "set"], ["token", "take-control"],
    ["token", "delete"], ["sync"], ["apps"], ["apps", "list"], ["apps", "show"], ["directory"], ["directory", "import"], ["assign"],
    ["unassign"], ["licenses"], ["revoke"], ["prompts"], ["audit"], ["key"], ["key", "rotate"],
]


def vpp(*args: str, env_extra: dict[str, str] | None = None, tmp: Path | None = None):
    env = dict(os.environ)
    if env_extra:
        env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "vpp_tui.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "vpp-tui")
def test_every_command_prints_usage_with_help(command: list[str]) -> None:
    result = vpp(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: vpp-tui")


def test_unknown_option_exits_2_with_one_error_line() -> None:
    result = vpp("token", "list", "--frobnicate")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "--frobnicate" in lines[0]
    assert result.stdout == ""


def test_unknown_command_exits_2_with_one_error_line() -> None:
    result = vpp("frobnicate")
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and len(result.stderr.strip().splitlines()) == 1


def test_missing_required_argument_exits_2() -> None:
    result = vpp("assign", "Pages")
    assert result.returncode == 2
    assert "--group" in result.stderr and result.stderr.startswith("error:")


def test_bad_store_url_is_one_error_line(tmp_path: Path) -> None:
    result = vpp("--db", "nosuchdb://x", "audit")
    assert result.returncode == 2  # bad input (the URL), not a failed operation
    assert result.stderr.startswith("error:") and len(result.stderr.strip().splitlines()) == 1


def test_audit_on_an_empty_store_prints_headers_and_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = vpp("--db", db, "audit")
    assert result.returncode == 0, result.stderr
    assert "ACTION" in result.stdout
    result = vpp("--db", db, "audit", "--json")
    assert result.returncode == 0 and result.stdout.strip() == "[]"
