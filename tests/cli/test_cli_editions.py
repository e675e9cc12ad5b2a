"""Issue 11, "Book editions look identical": `apps list` names the edition of each row."""

from __future__ import annotations

import json

from tests.cli.test_cli_gaps import ok, shop  # noqa: F401 - the demo store fixture

HANDBOOK = "The Young Scientist's Handbook"


def test_two_editions_of_one_book_look_identical_in_apps_list(capsys, shop) -> None:  # noqa: F811
    lines = [line for line in ok(capsys, shop, "apps", "list", "--books").splitlines()
             if line.startswith(HANDBOOK)]
    assert len(lines) == 2 and lines[0] != lines[1]
    assert sum("Standard" in line for line in lines) == 1
    assert sum("Plus (extras)" in line for line in lines) == 1
    assert "EDITION" in ok(capsys, shop, "apps", "list", "--books").splitlines()[0]
    # JSON keeps Apple's value under its fixed name.
    listed = json.loads(ok(capsys, shop, "apps", "list", "--books", "--json"))
    assert sorted(a["pricing_param"] for a in listed if a["name"] == HANDBOOK) == [
        "PLUS", "STDQ"]
    shown = ok(capsys, shop, "apps", "show", "1590000201:PLUS")
    assert "Plus (extras)" in shown


def test_licenses_csv_and_json_tell_two_editions_apart(capsys, shop) -> None:  # noqa: F811
    """Fault: `licenses --csv` and `--json` had no `pricing_param`: two editions of one
    book gave rows that could not be told apart."""
    import csv
    import io

    docs = [json.loads(ok(capsys, shop, "licenses", f"1590000201:{p}", "--token",
                          "North Campus", "--json")) for p in ("STDQ", "PLUS")]
    assert [d["pricing_param"] for d in docs] == ["STDQ", "PLUS"]
    rows = list(csv.DictReader(io.StringIO(ok(capsys, shop, "licenses", "1590000201:PLUS",
                                              "--token", "North Campus", "--csv"))))
    assert rows and {r["pricing_param"] for r in rows} == {"PLUS"}
