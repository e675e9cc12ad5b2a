"""Fuzz the CLI with generated token files and directory files, on SQLite and PostgreSQL.

Issue 9 item 7: whatever the file, `vpp-tui token add` and `vpp-tui directory import`
never end in a traceback; a refusal exits 2 with `error:` lines only (exactly one for a
token) and leaves the store as it was; a token refused by Apple exits 1 with one line.
Files are garbage, or near-valid ones built from the valid examples with values mutated
(`strategies.py`); a near-valid token file that decodes is registered with the simulator,
so Apple accepts it and only the store's own limits can stop it.

Bounded for CI (about a minute for the whole directory on an idle machine) and
reproducible: `derandomize=True`, no example database. `VPP_FUZZ_EXAMPLES=N` runs N
examples per test for a deeper local run.
"""

from __future__ import annotations

import os
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import strategies as gen
from tests.fuzz.harness import APPLE_ID, Cli, Outcome
from vpp_tui.apple.stoken import TokenFileError, decode_token

EXAMPLES = int(os.environ.get("VPP_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture
def cli(store_url: str, tmp_path) -> Cli:  # noqa: ANN001
    made = Cli(store_url, tmp_path)
    assert made.run("token", "list").code == 0
    return made


def _check(outcome: Outcome, *, one_line: bool) -> None:
    assert outcome.crash is None, outcome.crash
    assert outcome.code in (0, 1, 2), (outcome.code, outcome.stderr)
    lines = outcome.stderr.splitlines()
    if outcome.code == 0:
        assert lines == [], outcome.stderr
        return
    assert lines and all(line.startswith("error: ") for line in lines), outcome.stderr
    if one_line:
        assert len(lines) == 1, outcome.stderr


def _without_refusals(dump: dict) -> dict:
    """The store, less audit entries of refusals (a refused file is audited, §gate)."""
    return {table: rows if table != "audit_entries" else
            [row for row in rows if "'refused'" not in row] for table, rows in dump.items()}


def _register(cli: Cli, content: bytes) -> None:
    """Make Apple (the simulator) accept a token file that decodes."""
    try:
        decoded = decode_token(content)
    except (TokenFileError, ValueError, OverflowError, RecursionError):
        return  # a file the codec refuses never reaches Apple
    from vpp_tui.simulator.state import TokenRecord

    location = cli.sim.location("North Campus")
    if any(t.secret == decoded.token for t in cli.sim.tokens):
        return
    cli.sim.add_token(TokenRecord(
        secret=decoded.token, location_uid=location.uid, expires_at=decoded.expires_at,
        content=decoded.bearer,
        state="valid", reason="fuzz", filename="fuzz.vpptoken"))


names = st.one_of(st.just(""), gen.texts)


def test_fuzz_token_add_never_crashes_and_a_refusal_changes_nothing(cli: Cli) -> None:
    serial = count()

    @settings(FUZZ, max_examples=EXAMPLES or 40)
    @given(gen.token_files(), names, st.integers(0, 3))
    def run(file: tuple[bytes, dict | None], name: str, register: int) -> None:
        content, _payload = file
        if register:  # mostly a file Apple issued; sometimes one Apple does not know
            _register(cli, content)
        before = _without_refusals(cli.dump())
        outcome = cli.run("token", "add", cli.write("t.vpptoken", content), "--name",
                          name or f"Token {next(serial)}", "--apple-id", APPLE_ID,
                          "--consent")
        _check(outcome, one_line=True)
        if outcome.code == 2:
            assert _without_refusals(cli.dump()) == before, outcome.stderr

    run()


@pytest.mark.parametrize("fmt", ["json", "users", "devices", "groups"])
def test_fuzz_directory_import_never_crashes_and_a_refusal_changes_nothing(
        cli: Cli, fmt: str) -> None:
    files = gen.directory_json() if fmt == "json" else gen.directory_csv(fmt)
    extra = () if fmt == "json" else ("--kind", fmt)
    name = "directory.json" if fmt == "json" else f"{fmt}.csv"

    @settings(FUZZ, max_examples=EXAMPLES or (12 if fmt == "json" else 6))
    @given(files)
    def run(text: str) -> None:
        before = _without_refusals(cli.dump())
        outcome = cli.run("directory", "import", cli.write(name, text), *extra)
        _check(outcome, one_line=False)
        if outcome.code == 2:
            assert _without_refusals(cli.dump()) == before, outcome.stderr

    run()
