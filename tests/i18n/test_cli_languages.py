"""The CLI speaks the admin's language in human output; --json never changes with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vpp_tui.cli import main
from vpp_tui.cli.commands.console import prepare_demo

LANGUAGES = ("en", "fr", "zh_CN")
JSON_COMMANDS = (
    ("token", "list", "--json"),
    ("token", "show", "North Campus", "--json"),
    ("apps", "list", "--json"),
    ("settings", "--json"),
    ("reconcile", "--json"),
)


@pytest.fixture
def demo_store():  # noqa: ANN201
    import argparse

    prepare_demo(argparse.Namespace(reset=True, db=None, apple=None, actor=None,
                                    key_file=None)).close()


def _out(capsys, *args: str) -> bytes:  # noqa: ANN001
    capsys.readouterr()
    assert main(["--demo", *args]) in (0, 1)  # status: 1 when something needs attention
    return capsys.readouterr().out.encode()


def test_json_is_byte_identical_across_languages_and_human_output_is_translated(
        demo_store, capsys) -> None:
    """The one end-to-end proof of issue 15 on the CLI (one demo store for all of it):
    `--json` byte-identical in en, fr and zh_CN; `--lang` translates the human output;
    `LANGUAGE=fr vpp-tui token list` in a real process prints French."""
    for command in JSON_COMMANDS:
        outputs = {lang: _out(capsys, "--lang", lang, *command) for lang in LANGUAGES}
        assert outputs["fr"] == outputs["en"] == outputs["zh_CN"], command
        assert outputs["en"].startswith((b"[", b"{"))

    assert "EMPLACEMENT" in _out(capsys, "--lang", "fr", "token", "list").decode()
    assert "位置" in _out(capsys, "--lang", "zh_CN", "token", "list").decode()
    assert "LOCATION" in _out(capsys, "token", "list").decode()
    # status: its "attention" lines are text, English in JSON; checked_at is the clock.
    statuses = {lang: json.loads(_out(capsys, "--lang", lang, "status", "--json"))
                for lang in LANGUAGES}
    for doc in statuses.values():
        doc.pop("checked_at")
    assert statuses["fr"] == statuses["en"] == statuses["zh_CN"]
    assert statuses["en"]["attention"][0].startswith("token ")
    assert "令牌" in _out(capsys, "--lang", "zh_CN", "status").decode()

    env = {k: v for k, v in os.environ.items() if k not in ("VPP_LANG", "LC_ALL", "LANG")}
    env["LANGUAGE"] = "fr"
    result = subprocess.run([sys.executable, "-m", "vpp_tui.cli", "--demo", "token", "list"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header[:3] == ["ÉTAT", "NOM", "EMPLACEMENT"]
    assert "valide" in result.stdout


CSV_COMMANDS = (
    ("token", "list", "--csv"),
    ("apps", "list", "--csv"),
    ("audit", "--limit", "20", "--csv"),
)


def test_csv_is_byte_identical_across_languages(demo_store, capsys) -> None:
    """`--csv` is the JSON contract as rows (docs/cli.md): its header is the JSON field
    names and its values the JSON values, English whatever `--lang` says (a breaker saw
    French `state_reason` and `advice` under `--lang fr`)."""
    for command in CSV_COMMANDS:
        outputs = {lang: _out(capsys, "--lang", lang, *command) for lang in LANGUAGES}
        assert outputs["fr"] == outputs["en"] == outputs["zh_CN"], command
