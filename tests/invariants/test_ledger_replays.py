"""The shortest failing sequences the ledger machine found, replayed step by step.

Each replay starts the machine as hypothesis does (token A synced, the app assigned to the
four users of Class: ana and ben licensed, cleo and dan waiting), runs the steps through
`LedgerMachine.act`, and checks the invariant it is named after after each step. They were found on the
code before the fixes of issue 8; each must pass once the fault it names is fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.invariants import test_ledger_machine as machine_module
from tests.invariants.test_ledger_machine import LedgerMachine
from tests.invariants.world import APP, USERS
from vpp_tui.store.engine import Store

ANA = USERS[0]
INVARIANTS = [
    "ledger_matches_apple", "used_plus_available_is_total", "nobody_licensed_and_waitlisted",
    "waitlist_served_when_licenses_free", "waitlist_first_come_first_served",
    "no_write_after_foreign_mdm", "foreign_owner_is_shown", "licenses_used_as_planned",
    "one_apple_user_per_person",
]

# invariant -> the steps after `start`, as `LedgerMachine.act` takes them
REPLAYS: dict[str, list[tuple]] = {
    # revoke serves the waitlist with the engine's plan, writing after Apple showed Jamf
    "no_write_after_foreign_mdm": [("other_mdm_claims",), ("revoke_user", ANA)],
    "foreign_owner_is_shown": [("other_mdm_claims",),
                               ("assign", (APP, "Class", "required", "user"), 0)],
    # cleo (personal + Managed Apple ID) is served one license, the plan counts two
    "licenses_used_as_planned": [("revoke_user", ANA)],
    # sync does not serve the waitlist after a purchase
    "waitlist_served_when_licenses_free": [("purchase", APP, 2), ("sync", 0, False)],
    # then a new assignment gives dan a license while cleo, ahead of him, still waits
    "waitlist_first_come_first_served": [("purchase", APP, 2), ("sync", 0, False),
                                         ("assign", (APP, "Pair", "available", "user"), 0)],
}


def _check(machine: LedgerMachine) -> None:
    for name in INVARIANTS:  # only the replay's own invariant asserts (ONLY)
        getattr(machine, name)()


@pytest.mark.parametrize("fault", sorted(REPLAYS))
def test_replay_of_the_shortest_failing_sequence(fault: str, sqlite_store: Store,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(machine_module, "ONLY", {fault})
    bound = type("Replay", (LedgerMachine,), {"store": sqlite_store,
                                              "key_file": str(tmp_path / "k.key")})
    machine = bound()
    machine.start()
    _check(machine)
    for step in REPLAYS[fault]:
        machine.act(step)
        _check(machine)
    machine.teardown()
