"""`--csv` next to `--json` on every listing (issue 12): a header row of exactly the JSON
field names, one row per record, read back by `csv.DictReader`; both options: exit 2.

The commands run in-process (`vpp_tui.cli.main`) on one demo store per module: a real
SQLite file, real output, real exit status, and no CLI start-up per command.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.cli.test_cli_gaps import _demo_store
from vpp_tui.cli import main
from vpp_tui.services import audit, licensing
from vpp_tui.services.catalog import ASSET_FIELDS
from vpp_tui.services.catalog.queries import DIRECTORY_FIELDS
from vpp_tui.services.licensing.views import LICENSE_ROW_FIELDS, WAITLIST_ROW_FIELDS

GRAPHING_PRO = "1484000110:STDQ"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    found, store = _demo_store(tmp_path_factory.mktemp("csv"))
    # Graphing Pro has 4 licenses left: Staff (10 users) gets holders and a waitlist.
    licensing.apply_assign(found.world.ctx, GRAPHING_PRO, "Staff", "available", "user",
                           "North Campus")
    yield found
    store.close()


def _waited_for_item(capsys, shop) -> str:  # noqa: ANN001
    """An item with holders and a waitlist in the demo, so its CSV has both kinds of row."""
    assert main(shop.args("waitlist", "--json")) == 0
    item = json.loads(capsys.readouterr().out)[0]
    return f"{item['adam_id']}:{item['pricing_param']}"


def _nested(document: object, child: str) -> list[dict]:
    """Flatten a JSON listing whose members sit under `child` of each record,
    as its CSV does: the parent's scalar fields, then the member's."""
    records = document if isinstance(document, list) else [document]
    return [{**{k: v for k, v in r.items() if not isinstance(v, list | dict)}, **member}
            for r in records for member in r[child]]


LISTINGS = [  # (command, documented columns, how the JSON's rows are found)
    (("apps", "list"), ASSET_FIELDS, None),
    (("apps", "list", "--books"), ASSET_FIELDS, None),
    (("audit", "--limit", "50"), audit.AUDIT_FIELDS, None),
    (("directory", "users"), DIRECTORY_FIELDS["users"], None),
    (("directory", "devices"), DIRECTORY_FIELDS["devices"], None),
    (("directory", "groups"), DIRECTORY_FIELDS["groups"], None),
    (("licenses", "ITEM"), LICENSE_ROW_FIELDS, ("holders", "failures")),
    (("waitlist",), WAITLIST_ROW_FIELDS, ("waiting",)),
]


@pytest.mark.parametrize(("command", "columns", "members"), LISTINGS,
                         ids=[" ".join(c) for c, _cols, _m in LISTINGS])
def test_csv_export_round_trips_with_the_json_field_names_as_columns(
        capsys, shop, command, columns, members) -> None:  # noqa: ANN001
    if "ITEM" in command:
        command = tuple(_waited_for_item(capsys, shop) if w == "ITEM" else w for w in command)
    assert main(shop.args(*command, "--json")) == 0
    document = json.loads(capsys.readouterr().out)
    assert main(shop.args(*command, "--csv")) == 0
    text = capsys.readouterr().out
    reader = csv.DictReader(io.StringIO(text))
    read = list(reader)
    assert tuple(reader.fieldnames or ()) == tuple(columns)
    if members is None:
        records = document
        assert all(list(r) == list(columns) for r in records)  # the JSON keys, in order
    else:
        records = [row for child in members for row in _nested(document, child)]
        assert set(columns) <= {k for r in records for k in r}  # every column a JSON key
    assert len(read) == len(records) and read, "the demo has rows for every listing"
    for row, record in zip(read, records, strict=True):
        for column in columns:
            value = record.get(column)
            expected = ("" if value is None else "true" if value is True else
                        "false" if value is False else
                        ";".join(value) if isinstance(value, list) else str(value))
            assert row[column].lstrip("'") == expected, column


@pytest.mark.parametrize("command", [("apps", "list"), ("audit",), ("waitlist",),
                                     ("directory", "users")], ids=" ".join)
def test_json_and_csv_together_is_one_error_line_and_exit_2(capsys, shop, command) -> None:
    assert main(shop.args(*command, "--json", "--csv")) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and out.err.startswith("error:")
