"""The staged assignments of a streamed sync taken into the ledger (issue 13).

Called in the sync's one write transaction once the last page is in
(`services.sync.stream` wrote them to `sync_stage` as they arrived). The items are taken
`KEYS_PER_CHUNK` at a time: their staged rows are read, turned into Apple's picture of
each item, and written by the one ledger rule (`services.licensing.ledger.write_pictures`),
so memory follows the chunk, not the location; new rows go in through
`store.bulk.insert_rows`. The run's staged rows are deleted in the same transaction.
`ctx.cancel` is looked at before each chunk (and by the caller just before the commit):
a cancel during the apply raises `Cancelled` and the whole transaction rolls back.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, select
from sqlmodel import Session

from vpp_tui.apple.clock import Cancelled
from vpp_tui.domain.licensing.ledger import ApplePicture, Holder
from vpp_tui.domain.licensing.model import MemberKind
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.facts import location_token_ids
from vpp_tui.services.licensing.ledger import identities, location_assets, write_pictures
from vpp_tui.store import models as m

Key = tuple[str, str]  # (adamId, pricingParam)
KEYS_PER_CHUNK = 50


def apply_staged(ctx: ServiceContext, session: Session, token_id: int,
                 asset_ids: dict[Key, int], run_id: int, *, delta: bool) -> int:
    """Write run `run_id`'s staged assignments into the license rows of every token of the
    location (apple-api.md §2.9–2.10: assignments are the location's) and delete them.
    A full read (`delta` False) is Apple's whole picture: an item with no staged row holds
    nothing, so its rows are reclaimed (§3.2); a delta only tells what is held. Items not
    among `asset_ids` (the token's assets, (adamId, pricingParam) -> id) are ignored.
    Returns the assignments counted."""
    table = m.SyncStage.__table__
    if delta:
        keys = sorted({(adam, pricing) for adam, pricing in session.execute(
            select(table.c.adam_id, table.c.pricing_param).distinct()
            .where(table.c.run_id == run_id)).all() if (adam, pricing) in asset_ids})
    else:
        keys = sorted(asset_ids)
    total = 0
    if keys:
        _location, token_ids = location_token_ids(session, token_id)
        who = identities(session, token_ids)
        assets = location_assets(session, token_ids, set(keys))
        now = ctx.clock.now()
        with _collector_paused():
            for start in range(0, len(keys), KEYS_PER_CHUNK):
                raise_if_cancelled(ctx)  # between chunks: the transaction rolls back
                chunk = keys[start:start + KEYS_PER_CHUNK]
                held = _held(session, run_id, chunk)
                pictures = {key: (ApplePicture.delta(held.get(key, ())) if delta
                                  else ApplePicture.full(held.get(key, ())))
                            for key in chunk}
                total += write_pictures(session, who, asset_ids, assets, pictures,
                                        now).assignments
    session.execute(delete(table).where(table.c.run_id == run_id))
    return total


def raise_if_cancelled(ctx: ServiceContext) -> None:
    """Raise `apple.clock.Cancelled` when `ctx.cancel` is set (the admin, the worker's cancel
    poll or a closing console stopped the sync): called inside the apply's transaction,
    between chunks and just before the commit, so the transaction rolls back."""
    if ctx.cancel.is_set():
        raise Cancelled()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the chunks are taken in: each chunk makes a few
    objects per assignment (holders, sets, rows) that live until the chunk is written, and
    the collector would walk the whole heap again and again for them (a third of the
    apply's time at 100k assignments). Reference counting still frees every chunk; the
    collector is back on (if it was on) when the loop ends, however it ends."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _held(session: Session, run_id: int, chunk: list[Key]) -> dict[Key, set[Holder]]:
    """The holders staged for each item of `chunk`."""
    table = m.SyncStage.__table__
    held: dict[Key, set[Holder]] = {key: set() for key in chunk}
    device, user = MemberKind.DEVICE, MemberKind.USER
    for adam, pricing, serial, cid in session.execute(
            select(table.c.adam_id, table.c.pricing_param, table.c.serial,
                   table.c.client_user_id)
            .where(table.c.run_id == run_id,
                   table.c.adam_id.in_(sorted({a for a, _p in chunk})))).all():
        found = held.get((adam, pricing))
        if found is not None:
            found.add(Holder(device, serial) if serial else Holder(user, cid))
    return held
