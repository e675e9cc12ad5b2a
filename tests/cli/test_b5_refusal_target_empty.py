"""Fixed (breaker5): a refusal audited with an EMPTY target though the command named its object
(cli/refusals.py: "the target is the object the command names").

Repro (any store, no token named Nope):
    vpp-tui waitlist --item Nope          # error: no app or book 'Nope'; exit 2
    vpp-tui sync --break-lease Nope       # error: no token named 'Nope'; exit 2
    vpp-tui audit --json                  # both entries: "target": ""
Also: `sync --break-lease` refusals are audited as `token.sync`, its success as
`token.lease_break`.
(`vpp-tui waitlist Nope` and `vpp-tui licenses Nope` do store target "Nope".)
Guess: cli/refusals.py:refusal_target looks only at TARGETS ("name", "names", "item", …);
`waitlist --item` is stored as `item_option`, `sync --break-lease` as `break_lease`.
"""

from __future__ import annotations

import json

import pytest

from tests.fuzz.harness import Cli


@pytest.mark.parametrize("argv", [["waitlist", "--item", "Nope"],
                                  ["sync", "--break-lease", "Nope"]],
                         ids=["waitlist-item", "sync-break-lease"])
def test_the_refusal_names_its_target(store_url, tmp_path, argv) -> None:
    cli = Cli(store_url, tmp_path)
    outcome = cli.run(*argv)
    assert outcome.code == 2, outcome
    [entry] = [e for e in json.loads(cli.run("audit", "--json").stdout)
               if e["result"] == "refused"]
    assert entry["target"] == "Nope", entry
