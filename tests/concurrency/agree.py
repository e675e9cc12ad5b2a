"""Does the store equal Apple? The served simulator read through Apple's API, the store read
through its tables, compared item by item (issue 9: "the store equals Apple at the end").

Apple's side is read with the project's `AppleClient` (GET /assignments and /assets, with
its retries), so run it with faults off (`ServedSimulator.control(clear_faults=True)`).
The store's side and the comparison are the ledger machine's (tests/invariants/observe.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from tests.invariants import observe
from vpp_tui.apple.client import AppleClient
from vpp_tui.store import models as m
from vpp_tui.store.engine import open_store

Counts = tuple[int, int, int]  # (total, assigned, available)


@dataclass
class AppleView:
    """What Apple holds for one location: holders and counts by (adamId, pricingParam)."""

    holders: dict[observe.ItemKey, set[tuple[str, str]]] = field(default_factory=dict)
    counts: dict[observe.ItemKey, Counts] = field(default_factory=dict)


def read_apple(base_url: str, token_content: str) -> AppleView:
    """Every assignment and every counted asset of the token's location, over HTTP."""
    view = AppleView()
    with AppleClient(token_content, base_url=base_url, poll_interval=0.1) as client:
        for a in client.assignments().items:
            kind, target = ("user", a.clientUserId) if a.clientUserId else (
                "device", a.serialNumber)
            view.holders.setdefault((str(a.adamId), a.pricingParam or "STDQ"), set()).add(
                (kind, str(target)))
        for asset in client.assets().items:
            view.counts[(str(asset.adamId), asset.pricingParam or "STDQ")] = (
                asset.totalCount or 0, asset.assignedCount or 0, asset.availableCount or 0)
    return view


def store_problems(store_url: str, location_uid: str, apple: AppleView) -> list[str]:
    """One line per difference: licenses held (store rows with status `licensed`, per
    Apple user or serial) against Apple's assignments, then each asset row's
    (total, assigned, available) against Apple's counts. Empty: the store equals Apple."""
    store = open_store(store_url, migrate=False)
    try:
        with store.session() as session:
            problems = observe.holder_problems(
                observe.store_holders(session, location_uid), apple.holders)
            ids = [t.id for t in observe.location_tokens(session, location_uid)]
            for a in session.exec(select(m.Asset).where(m.Asset.token_id.in_(ids))).all():
                want = apple.counts.get((a.adam_id, a.pricing_param))
                have = (a.total, a.assigned, a.available)
                if want is not None and have != want:
                    problems.append(f"{a.name or a.adam_id}: (total, assigned, available) "
                                    f"{have} in the store, {want} at Apple")
    finally:
        store.close()
    return problems


def short(problems: list[str], width: int = 300) -> str:
    """Problems one per line, each cut to `width` characters (holder lists are long)."""
    return "\n".join(p if len(p) <= width else p[:width] + "…" for p in problems)
