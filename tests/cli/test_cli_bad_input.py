"""Issue 9 item 7: bad input never ends in a traceback, on SQLite and on PostgreSQL.

Each fault class the issue reproduced has a test named after it: the CLI (in-process,
`tests/fuzz/harness.py`, the in-process simulator as Apple) exits 2 with `error:` lines
only, and the store is exactly as it was (`Cli.dump`). Before the fix these crashed with a
traceback (exit 1, no `error:` line), or, on SQLite, stored the value silently.
"""

from __future__ import annotations

import json

import pytest

from tests.fuzz.harness import APPLE_ID, Cli, assert_refused, token_file


@pytest.fixture
def cli(store_url: str, tmp_path) -> Cli:  # noqa: ANN001
    made = Cli(store_url, tmp_path)
    assert made.run("token", "list").code == 0  # the store exists before the first dump
    return made


def add_token(cli: Cli, content: str, *extra: str) -> tuple:
    before = cli.dump()
    path = cli.write("t.vpptoken", content)
    outcome = cli.run("token", "add", path, "--name", "North", "--apple-id", APPLE_ID,
                      "--consent", *extra)
    return outcome, before, cli.dump()


def import_file(cli: Cli, name: str, text: str, *extra: str) -> tuple:
    before = cli.dump()
    outcome = cli.run("directory", "import", cli.write(name, text), *extra)
    return outcome, before, cli.dump()


GOOD = {"token": "c2VjcmV0", "expDate": "2030-11-08T22:33:22+0000", "orgName": "Contoso"}


@pytest.mark.parametrize("exp_date", ["0001-01-01T00:00:00+1400", "9999-12-31T23:59:59-1400"])
def test_token_expdate_at_year_1_or_9999_with_a_14_hour_offset_is_refused(
        cli: Cli, exp_date: str) -> None:
    outcome, before, after = add_token(cli, token_file(json.dumps(dict(GOOD,
                                                                       expDate=exp_date))))
    assert_refused(outcome, before, after, mentions="expDate")


def test_token_json_nested_1000_deep_is_refused(cli: Cli) -> None:
    outcome, before, after = add_token(cli, token_file("[" * 1000 + "]" * 1000))
    assert_refused(outcome, before, after, mentions="nested too deep")


def test_token_integer_of_4300_digits_is_refused(cli: Cli) -> None:
    payload = json.dumps(GOOD)[:-1] + ', "n": ' + "7" * 4301 + "}"
    outcome, before, after = add_token(cli, token_file(payload))
    assert_refused(outcome, before, after, mentions="number too long")


def test_token_lone_surrogate_is_refused(cli: Cli) -> None:
    payload = json.dumps(GOOD).replace("Contoso", "Contoso \\ud800")
    outcome, before, after = add_token(cli, token_file(payload))
    assert_refused(outcome, before, after, mentions="U+D800")


def test_token_orgname_longer_than_its_column_is_refused(cli: Cli) -> None:
    # A file Apple issued and accepts: only the store's limit stands in its way.
    content = cli.register_token("long-org", cli.a_year_from_now(), "Contoso " * 40)
    outcome, before, after = add_token(cli, content)
    assert_refused(outcome, before, after, mentions="at most 300 fit")


def test_token_orgname_with_nul_is_refused(cli: Cli) -> None:
    content = cli.register_token("nul-org", cli.a_year_from_now(), "Contoso\x00Ltd")
    outcome, before, after = add_token(cli, content)
    assert_refused(outcome, before, after, mentions="NUL")


@pytest.mark.parametrize(("option", "value", "mentions"), [
    ("--name", "N" * 201, "token name"),
    ("--apple-id", "a" * 320 + "@appleid.contoso.edu", "Apple ID"),
    ("--scope-tag", "T" * 129, "scope tag"),
], ids=["name", "apple-id", "scope-tag"])
def test_token_add_option_longer_than_its_column_is_refused(cli: Cli, option: str,
                                                            value: str, mentions: str) -> None:
    content = cli.register_token("opt-" + option, cli.a_year_from_now(), "Contoso")
    before = cli.dump()
    args = {"--name": "North", "--apple-id": APPLE_ID} | {option: value}
    outcome = cli.run("token", "add", cli.write("t.vpptoken", content), "--consent",
                      *(x for pair in args.items() for x in pair))
    assert_refused(outcome, before, cli.dump(), mentions=mentions)


def test_command_line_value_that_is_not_utf8_is_refused(cli: Cli) -> None:
    before = cli.dump()
    # Python hands the undecodable byte 0xff of argv over as the lone surrogate U+DCFF.
    outcome = cli.run("token", "show", "North\udcff")
    assert_refused(outcome, before, cli.dump(), mentions="UTF-8")


def test_admin_name_longer_than_its_column_is_refused(cli: Cli) -> None:
    before = cli.dump()
    outcome = cli.run("--as", "a" * 250, "directory", "import",
                      cli.write("d.json", json.dumps({"users": [{"upn": "ana@contoso.com"}]})))
    assert_refused(outcome, before, cli.dump(), mentions="admin name")


def test_directory_json_nested_1000_deep_is_refused_with_its_line(cli: Cli) -> None:
    text = '{"users": [\n{"upn": "ana@contoso.com", "x": ' + "[" * 1000 + "]" * 1000 + "}]}"
    outcome, before, after = import_file(cli, "deep.json", text)
    assert_refused(outcome, before, after, one_line=False, mentions=":2: nested more than")


def test_directory_integer_of_4300_digits_is_refused_with_its_line(cli: Cli) -> None:
    text = '{"users": [\n\n{"upn": ' + "1" * 4301 + "}]}"
    outcome, before, after = import_file(cli, "bigint.json", text)
    assert_refused(outcome, before, after, one_line=False, mentions=":3: a number of 4301")


def test_directory_lone_surrogate_is_refused_with_its_line(cli: Cli) -> None:
    text = '{"users": [\n{"upn": "ana@contoso.com", "name": "Ana \\udfff"}]}'
    outcome, before, after = import_file(cli, "surrogate.json", text)
    assert_refused(outcome, before, after, one_line=False, mentions=":2: users: 'name'")


def test_directory_csv_field_over_128_kib_is_refused_with_its_line(cli: Cli) -> None:
    text = "upn,name\nana@contoso.com,Ana\nbob@contoso.com," + "B" * (129 * 1024) + "\n"
    outcome, before, after = import_file(cli, "users.csv", text, "--kind", "users")
    assert_refused(outcome, before, after, one_line=False, mentions=":3: a value is longer than 128 KiB")


@pytest.mark.parametrize(("kind", "text", "mentions"), [
    ("users", "upn,name\nana@contoso.com," + "A" * 301 + "\n", ":2: users: 'name' is 301"),
    ("devices", "serial,platform\n" + "S" * 65 + ",iOS\n", ":2: devices: 'serial' is 65"),
    ("groups", "name,kind,members\nSales,user," + "m" * 321 + "\n", ":2: groups: 'members'"),
    ("users", "upn,name\nana@contoso.com,Ana\x00Ruiz\n", ":2: users: 'name' contains a NUL"),
], ids=["long-user-name", "long-serial", "long-member", "nul-in-name"])
def test_directory_value_longer_than_its_column_or_with_nul_is_refused(
        cli: Cli, kind: str, text: str, mentions: str) -> None:
    outcome, before, after = import_file(cli, f"{kind}.csv", text, "--kind", kind)
    assert_refused(outcome, before, after, one_line=False, mentions=mentions)


def test_directory_json_value_longer_than_its_column_is_refused(cli: Cli) -> None:
    doc = {"groups": [{"name": "G" * 301, "kind": "user", "members": []}]}
    outcome, before, after = import_file(cli, "groups.json", json.dumps(doc))
    assert_refused(outcome, before, after, one_line=False, mentions="'name' is 301")


def test_setting_value_that_no_store_keeps_is_refused(store_url: str, tmp_path) -> None:  # noqa: ANN001
    from vpp_tui.services.context import ServiceContext, os_login
    from vpp_tui.services.errors import InvalidInput
    from vpp_tui.services.settings import get_setting, set_setting
    from vpp_tui.store.engine import open_store

    store = open_store(store_url)
    try:
        ctx = ServiceContext(store=store, actor=os_login())
        for key, value in (("theme", "dark\x00"), ("k" * 129, 1), ("sync_interval_hours",
                                                                  float("nan"))):
            with pytest.raises(InvalidInput):
                set_setting(ctx, key, value)
        assert get_setting(ctx, "theme") == "textual-dark"
    finally:
        store.close()


@pytest.mark.parametrize("limit", ["99999999999999999999", "-1", "0"])
def test_audit_limit_out_of_range_is_refused(cli: Cli, limit: str) -> None:
    before = cli.dump()
    outcome = cli.run("audit", "--limit", limit)
    assert_refused(outcome, before, cli.dump(), mentions="from 1 to")


def test_token_set_with_a_plain_http_notification_url_is_refused_and_nothing_changes(
        cli: Cli) -> None:
    north = next(f for f in cli.sim.token_files() if f.location_name == "North Campus")
    assert cli.run("token", "add", cli.write("n.vpptoken", north.content), "--name", "North",
                   "--apple-id", APPLE_ID, "--consent").code == 0
    before = cli.dump()
    outcome = cli.run("token", "set", "North", "--country", "FR", "--notification-url",
                      "http://mdm.example.com/notify")
    assert_refused(outcome, before, cli.dump(), mentions="https://")
    assert cli.sim.location("North Campus").notification_url is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:18788/\u202eevil", "https://[::1/notify"])
def test_notification_url_invisible_or_bad_ipv6_is_refused_and_nothing_is_sent(
        cli: Cli, url: str) -> None:
    """Fault (breaker3): a URL with a bidi override was sent to Apple and stored (exit 0);
    a malformed IPv6 host gave urllib's raw "Invalid IPv6 URL"."""
    north = next(f for f in cli.sim.token_files() if f.location_name == "North Campus")
    assert cli.run("token", "add", cli.write("n.vpptoken", north.content), "--name", "North",
                   "--apple-id", APPLE_ID, "--consent").code == 0
    before = cli.dump()
    outcome = cli.run("token", "set", "North", "--notification-url", url)
    assert_refused(outcome, before, cli.dump(), mentions="notification URL")
    assert cli.sim.location("North Campus").notification_url is None


def test_token_set_with_an_empty_notification_url_clears_it(cli: Cli) -> None:
    """Fault: `--notification-url ""` was refused (exit 2): the URL could not be cleared."""
    from vpp_tui.simulator.notify import Notifier

    cli.sim.notifier = Notifier(post=lambda *_a: 200, delays=())
    north = next(f for f in cli.sim.token_files() if f.location_name == "North Campus")
    assert cli.run("token", "add", cli.write("n.vpptoken", north.content), "--name", "North",
                   "--apple-id", APPLE_ID, "--consent").code == 0
    url = "https://mdm.example.com/vpp/notify"
    assert cli.run("token", "set", "North", "--notification-url", url).code == 0
    outcome = cli.run("token", "set", "North", "--notification-url", "", "--json")
    assert (outcome.code, outcome.stderr) == (0, "")
    assert json.loads(outcome.stdout)["notification_url"] is None
    assert cli.sim.location("North Campus").notification_types == []


@pytest.mark.parametrize("args,option", [
    (("revoke", "--user", "", "--dry-run"), "--user"),
    (("revoke", "--device", "", "--dry-run"), "--device"),
    (("revoke", "--item", "", "--dry-run"), "--item"),
    (("prompts", "--device", "", "--item", "Pages"), "--device"),
    (("prompts", "--device", "X1", "--item", ""), "--item"),
])
def test_an_empty_who_or_item_option_names_that_option_not_a_missing_one(
        cli: Cli, args: tuple[str, ...], option: str) -> None:
    """Fault: `revoke --user ""` said "name exactly one of --item, --user or --device" and
    `prompts --device "" --item X` said "give --ownership and --license": an empty value
    was taken for a missing option, so the line named the wrong problem."""
    before = cli.dump()
    outcome = cli.run(*args)
    assert_refused(outcome, before, cli.dump(), mentions=option)
    assert "empty" in outcome.stderr


@pytest.mark.parametrize("command", ["add", "set"])
def test_token_country_zz_is_refused_and_nothing_changes(cli: Cli, command: str) -> None:
    """Fault: `--country ZZ` (any two letters) was accepted: only ISO 3166 alpha-2 codes
    of Apple's stores are; one `error:` line, exit 2, nothing stored."""
    north = next(f for f in cli.sim.token_files() if f.location_name == "North Campus")
    if command == "set":
        assert cli.run("token", "add", cli.write("n.vpptoken", north.content), "--name",
                       "North", "--apple-id", APPLE_ID, "--consent").code == 0
        before = cli.dump()
        outcome = cli.run("token", "set", "North", "--country", "ZZ")
    else:
        outcome, before, _after = add_token(cli, north.content, "--country", "ZZ")
    assert_refused(outcome, before, cli.dump(), mentions="ZZ")
