"""Fault (breaker3): `token list` had no `--csv` though every listing takes one
(docs/cli.md "CSV exports"). Its columns are the JSON fields, in the same order."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.fuzz.harness import APPLE_ID, Cli
from vpp_tui.services.views import TOKEN_FIELDS


@pytest.fixture
def cli(tmp_path) -> Cli:  # noqa: ANN001
    return Cli(f"sqlite:///{tmp_path / 'vpp.db'}", tmp_path)  # output only: SQLite suffices


def test_token_list_csv_has_the_json_fields_as_columns(cli: Cli) -> None:
    north = next(f for f in cli.sim.token_files() if f.location_name == "North Campus")
    assert cli.run("token", "add", cli.write("n.vpptoken", north.content), "--name",
                   "=North", "--apple-id", APPLE_ID, "--consent").code == 0
    listed = json.loads(cli.run("token", "list", "--json").stdout)
    outcome = cli.run("token", "list", "--csv")
    assert (outcome.code, outcome.stderr) == (0, "")
    rows = list(csv.DictReader(io.StringIO(outcome.stdout)))
    assert list(rows[0]) == list(TOKEN_FIELDS) == list(listed[0])
    assert rows[0]["name"] == "'=North"  # a spreadsheet formula is defused
    assert (rows[0]["state"], rows[0]["app_count"]) == (listed[0]["state"],
                                                         str(listed[0]["app_count"]))


def test_token_list_csv_and_json_together_is_bad_usage(cli: Cli) -> None:
    outcome = cli.run("token", "list", "--csv", "--json")
    assert outcome.code == 2 and outcome.stdout == ""
    assert outcome.stderr.startswith("error:") and len(outcome.stderr.splitlines()) == 1
