"""The first use of a new store claims it once, whichever thread gets there first.

Fault (seen as flaky console tests): the console's sections load in several threads at
start; on a new store two of them claimed it at once, and the one that lost read the
store before the winner's Administrator grant was committed: "ana may not do this:
permission managed_apps.read is missing", in the creator's own console.
"""

from __future__ import annotations

import threading

from sqlmodel import delete

from vpp_tui.domain.access import Permission
from vpp_tui.services.access import check_action
from vpp_tui.services.access.identity import owner_of
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import models as m

THREADS = 8
ROUNDS = 10  # each from an unowned store again: the race is one of timing


def unown(store) -> None:  # noqa: ANN001
    with store.session() as session:
        session.execute(delete(m.AdminGrant))
        session.execute(delete(m.StoreOwner))


def test_concurrent_first_use_makes_the_creator_administrator_in_every_thread(store) -> None:
    for _round in range(ROUNDS):
        unown(store)
        first_use_in_threads(store)


def first_use_in_threads(store) -> None:  # noqa: ANN001
    ctx = ServiceContext(store=store, actor="ana")
    start = threading.Barrier(THREADS)
    answers: list[bool | BaseException] = []

    def first_use() -> None:
        start.wait()
        try:
            answers.append(check_action(ctx, Permission.TOKENS_READ))
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            answers.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert answers == [True] * THREADS
    assert owner_of(ctx) == "ana"
