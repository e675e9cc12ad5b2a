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
