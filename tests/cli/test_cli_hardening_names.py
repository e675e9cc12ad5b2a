"""Faults a breaker found in names the admin gives and in how error lines quote them.

Names with control or invisible characters (ESC, BEL, a bidi override, a zero-width
space) were stored raw; an `error:` line echoed a 10,000-character `--as` or a 400 KB CSV
header whole. Run in-process (`tests/fuzz/harness.Cli`) on SQLite and PostgreSQL; a
refusal is exit 2, `error:` lines only, and the store exactly as it was.
"""

from __future__ import annotations

import json

import pytest

from tests.fuzz.harness import APPLE_ID, Cli, assert_refused


@pytest.fixture
def cli(store_url: str, tmp_path) -> Cli:  # noqa: ANN001
    made = Cli(store_url, tmp_path)
    assert made.run("token", "list").code == 0  # the store exists before the first dump
    return made


def refused(cli: Cli, *argv: str, one_line: bool = True, mentions: str = "") -> None:
    before = cli.dump()
    outcome = cli.run(*argv)
    assert_refused(outcome, before, cli.dump(), one_line=one_line, mentions=mentions)


@pytest.mark.parametrize(("option", "value", "code"), [
    ("--name", "Nor\x1b[0mth", "U+001B"),
    ("--name", "North\u202e", "U+202E"),
    ("--name", "No\u200brth", "U+200B"),
    ("--scope-tag", "ea\x07st", "U+0007"),
    ("--apple-id", "vpp\x1b@appleid.contoso.edu", "U+001B"),
], ids=["esc-name", "bidi-name", "zero-width-name", "bel-tag", "esc-apple-id"])
def test_token_add_with_a_control_or_format_character_in_a_name_is_refused(
        cli: Cli, option: str, value: str, code: str) -> None:
    content = cli.register_token("ctl" + code, cli.a_year_from_now(), "Contoso")
    args = {"--name": "North", "--apple-id": APPLE_ID} | {option: value}
    refused(cli, "token", "add", cli.write("t.vpptoken", content), "--consent",
            *(x for pair in args.items() for x in pair), mentions=code)


@pytest.mark.parametrize("actor", ["a\x07b", "ana\u2066", "a\tb"])
def test_admin_name_with_a_control_or_format_character_is_refused(cli: Cli,
                                                                   actor: str) -> None:
    refused(cli, "--as", actor, "token", "list", mentions="admin name")


@pytest.mark.parametrize("argv", [
    ("role", "create", "Sync\x1b[2Jer", "--permission", "managed_apps.read"),
    ("scope-tag", "create", "ea\u200bst"),
    ("grant", "bo\x07", "Read only"),
], ids=["role", "scope-tag", "grant-admin"])
def test_role_scope_tag_and_admin_names_with_control_characters_are_refused(
        cli: Cli, argv: tuple[str, ...]) -> None:
    refused(cli, *argv, mentions="control or invisible character")


@pytest.mark.parametrize(("record", "field"), [
    ({"groups": [{"name": "Sales\x1b]0;owned\x07", "kind": "user", "members": []}]}, "'name'"),
    ({"users": [{"upn": "ana\u202e@contoso.com"}]}, "'upn'"),
    ({"devices": [{"serial": "F9FX\x00K2", "platform": "iOS"}]}, "'serial'"),
], ids=["group-name", "upn", "serial"])
def test_directory_identifier_with_a_control_character_is_refused_with_its_line(
        cli: Cli, record: dict, field: str) -> None:
    refused(cli, "directory", "import", cli.write("d.json", json.dumps(record)),
            one_line=False, mentions=f":1: {next(iter(record))}: {field}")


def test_directory_display_name_with_a_control_character_is_kept_and_shown_safely(
        cli: Cli) -> None:
    doc = {"users": [{"upn": "ana@contoso.com", "name": "Ana\x1b[31m Ruiz"}]}
    outcome = cli.run("directory", "import", cli.write("d.json", json.dumps(doc)))
    assert outcome.code == 0, outcome.stderr
    assert "\x1b" not in outcome.stdout + outcome.stderr


def test_admin_name_of_10000_characters_is_quoted_clipped_in_one_short_line(
        cli: Cli) -> None:
    before = cli.dump()
    outcome = cli.run("--as", "a" * 10000, "token", "list")
    assert_refused(outcome, before, cli.dump(), mentions="(10000 characters)")
    assert len(outcome.stderr) < 300, len(outcome.stderr)


def test_directory_csv_that_is_json_with_a_400_kb_first_line_is_quoted_clipped(
        cli: Cli) -> None:
    doc = {"users": [{"upn": f"user{i}@contoso.com", "name": f"User {i}"}
                     for i in range(8000)]}
    text = json.dumps(doc)
    assert len(text) > 400_000 and "\n" not in text
    before = cli.dump()
    outcome = cli.run("directory", "import", cli.write("users.csv", text), "--kind", "users")
    assert_refused(outcome, before, cli.dump(), one_line=False)
    assert max(len(line) for line in outcome.stderr.splitlines()) < 600


def test_unknown_token_names_in_sync_are_quoted_clipped(cli: Cli) -> None:
    outcome = cli.run("sync", "N" * 5000)
    assert outcome.code == 2 and "(5000 characters)" in outcome.stderr
    assert len(outcome.stderr) < 300
