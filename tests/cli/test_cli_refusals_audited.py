"""Every refusal of the admin's input is audited (design: "Refuse first, then log: a
refusal changes nothing and is audited"), in one place for every command
(`cli/refusals.py`): one `error:` line, exit 2, exactly one new audit entry with result
`refused`, the command's action, its target and the English message as detail, and
nothing else in the store changed; on SQLite and PostgreSQL. Before the fix an unknown
group, a bad setting value or a bad notification URL left no audit entry at all."""

from __future__ import annotations

import json

import pytest

from tests.fuzz.harness import APPLE_ID, Cli, assert_refused, without_refusals


@pytest.fixture
def cli(store_url: str, tmp_path) -> Cli:  # noqa: ANN001
    made = Cli(store_url, tmp_path)
    assert made.run("token", "list").code == 0  # the store exists before the first dump
    return made


def audit(cli: Cli) -> list[dict]:
    outcome = cli.run("audit", "--json")
    assert outcome.code == 0, outcome.stderr
    return json.loads(outcome.stdout)


CASES = [
    # (argv, its action, its target, words of the message)
    (["settings", "set", "sync_interval_hours", "999", "--yes"], "setting.set",
     "sync_interval_hours", "1 to 168"),
    (["settings", "set", "no_such_setting", "1", "--yes"], "setting.set",
     "no_such_setting", "there is no setting"),
    (["token", "set", "Nowhere", "--notification-url", "http://example.com/hook"],
     "token.notifications", "Nowhere", ""),
    (["scope-tag", "delete", "Nowhere"], "scope_tag.delete", "Nowhere", "no scope tag named"),
    (["apps", "list", "--token", "Nowhere"], "apps.list", "Nowhere", "no token named"),
    (["assign", "12345", "--group", "No Such Group", "--intent", "required"],
     "assignment.create", "12345", ""),
    (["directory", "import", "/nonexistent/directory.json"], "directory.import",
     "/nonexistent/directory.json", "cannot read"),
]


@pytest.mark.parametrize(("argv", "action", "target", "mentions"), CASES,
                         ids=[" ".join(c[0][:2]) + f"-{i}" for i, c in enumerate(CASES)])
def test_a_refused_input_writes_one_refused_audit_entry(
        cli: Cli, argv: list[str], action: str, target: str, mentions: str) -> None:
    before = cli.dump()
    outcome = cli.run(*argv)
    assert_refused(outcome, before, cli.dump(), mentions=mentions)
    entries = audit(cli)
    assert len(entries) == 1, entries
    entry = entries[0]
    assert (entry["action"], entry["target"], entry["result"]) == (action, target, "refused")
    assert entry["detail"] == outcome.error_lines[0].removeprefix("error: ")


def test_a_refusal_is_audited_in_english_under_another_language(cli: Cli) -> None:
    outcome = cli.run("--lang", "fr", "apps", "list", "--token", "Nowhere")
    assert outcome.code == 2, outcome.stderr
    english = cli.run("apps", "list", "--token", "Nowhere")
    assert outcome.error_lines != english.error_lines  # the admin read French
    details = {e["detail"] for e in audit(cli)}
    assert details == {english.error_lines[0].removeprefix("error: ")}


def test_a_long_target_is_clipped_and_the_line_stays_short(cli: Cli) -> None:
    name = "N" * 90_000
    outcome = cli.run("apps", "list", "--token", name)
    assert outcome.code == 2 and len(outcome.error_lines) == 1
    assert len(outcome.error_lines[0]) < 400
    (entry,) = audit(cli)
    assert entry["result"] == "refused" and len(entry["target"]) < 1000


def test_a_refusal_the_service_audited_is_not_audited_twice(cli: Cli) -> None:
    # An expired token file is refused by the token gate, which audits it itself.
    content = cli.register_token("c2VjcmV0", cli.clock.now().replace(year=2000), "Contoso")
    before = cli.dump()
    outcome = cli.run("token", "add", cli.write("t.vpptoken", content), "--name", "North",
                      "--apple-id", APPLE_ID, "--consent")
    assert outcome.code in (1, 2), outcome.stderr
    assert without_refusals(cli.dump()) == without_refusals(before)
    entries = [e for e in audit(cli) if e["result"] == "refused"]
    assert [e["action"] for e in entries] == ["token.add"], entries


def test_a_usage_error_before_the_store_opens_is_not_audited(cli: Cli) -> None:
    outcome = cli.run("settings", "set")  # argparse: KEY and VALUE missing
    assert outcome.code == 2
    assert audit(cli) == []
