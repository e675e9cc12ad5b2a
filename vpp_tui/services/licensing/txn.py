"""Short transactions around Apple calls: no transaction is open while Apple works.

Every license write runs in three steps (issue 9, item 4; design.md "Rules"): (1) a short
transaction plans and records the intent (e.g. the assignment row) and commits; (2) Apple
is called with no session open: its answers, the audit entries they call for (`Note`) and
the asset's counts (`Counts`) are kept in plain data; (3) a short transaction re-reads the
rows it needs and writes the results (`write_briefly`). A real Apple event takes 30 s or
more: a transaction held across it would lock out every other writer (SQLite's write lock)
or sit "idle in transaction" (PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.clock import Cancelled
from vpp_tui.i18n import _
from vpp_tui.services import apple_posts, audit, leases
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import ServiceError
from vpp_tui.store import models as m
from vpp_tui.store.engine import begin_writer

T = TypeVar("T")
ATTEMPTS = 3


@dataclass(frozen=True)
class Note:
    """An audit entry to write once Apple has answered (`at`: when Apple answered)."""

    action: str
    target: str
    result: str
    at: datetime
    detail: str | None = None
    apple_event_id: str | None = None
    apple_event_status: str | None = None
    # The post's `apple_posts` entry this answer closes, and how (sent|refused|unknown).
    post_id: int | None = None
    post_result: str | None = None


def note(ctx: ServiceContext, action: str, target: str, *, result: str = "ok",
         detail: str | None = None, apple_event_id: str | None = None,
         apple_event_status: str | None = None, post_id: int | None = None,
         post_result: str | None = None) -> Note:
    """A `Note` stamped now (ctx.clock)."""
    return Note(action, target, result, ctx.clock.now(), detail, apple_event_id,
                apple_event_status, post_id, post_result)


def write_notes(session: Session, ctx: ServiceContext, notes: Iterable[Note]) -> None:
    """Add the notes to `session` as audit entries, in order; a note answering a post
    closes its pending entry in the same transaction (`apple_posts.close`)."""
    for n in notes:
        audit.record(session, ctx, n.action, n.target, result=n.result, detail=n.detail,
                     apple_event_id=n.apple_event_id, apple_event_status=n.apple_event_status,
                     at=n.at)
        if n.post_id is not None:
            apple_posts.close(session, n.post_id, n.post_result or apple_posts.SENT,
                              n.apple_event_id, n.apple_event_status)


def write_briefly(ctx: ServiceContext, write: Callable[[Session], T], *,
                  attempts: int = ATTEMPTS) -> T:
    """Run `write(session)` in one short write transaction and commit; returns its value.

    `write` must re-read what it needs: when another writer inserted the same unique row
    (assignment, Apple user, license row) meanwhile, the IntegrityError rolls the
    transaction back and `write` runs again, up to `attempts` times; then ServiceError
    (exit 1) says to run the command again. Call it with no Apple call in `write`. When
    the lease this thread holds was broken or taken meanwhile, raises LeaseLost and
    writes nothing.
    """
    for attempt in range(attempts):
        try:
            with ctx.store.session() as session:
                begin_writer(session)
                leases.check_mine(session, ctx)  # a broken lease writes nothing
                return write(session)
        except IntegrityError as exc:
            if attempt + 1 < attempts:
                continue
            raise ServiceError(_(
                "another vpp-tui changed the same records at the same time and this result "
                "could not be saved; sync the token, then run the command again")) from exc
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Counts:
    """An asset's counts as Apple holds them (None: Apple did not say)."""

    assigned: int
    total: int | None
    available: int | None


def fetch_counts(client: Any, asset: m.Asset, held: Any = None) -> Counts | None:
    """Re-read the asset's counts from Apple (an Apple call: no session open); None when
    Apple could not be read or does not list the asset. With `held` (the run's
    `apply.Held`), a Ctrl-C during the read is held there like one during an event wait,
    so the batches already answered are still recorded (then re-raised by the caller)."""
    try:
        return _fetch_counts(client, asset)
    except KeyboardInterrupt as exc:
        if held is None:
            raise
        held.interrupt = held.interrupt or exc
        return None


def _fetch_counts(client: Any, asset: m.Asset) -> Counts | None:
    try:
        found = client.assets(adamId=asset.adam_id, pricingParam=asset.pricing_param)
        remote = next((a for a in [*found.items, *found.unlimited]
                       if a.adamId == asset.adam_id
                       and (a.pricingParam or "STDQ") == asset.pricing_param), None)
    except (apple_errors.AppleError, OSError, Cancelled):  # a cancel: count what we know
        remote = None
    if remote is None:
        return None
    return Counts(remote.assignedCount or 0, getattr(remote, "totalCount", None),
                  getattr(remote, "availableCount", None))


def apply_counts(asset: m.Asset, counts: Counts | None, fallback_delta: int) -> None:
    """Store Apple's counts on `asset`; without them, count what Apple confirmed
    (`fallback_delta` licenses more in use, negative when freed)."""
    if counts is None:
        asset.assigned = max(asset.assigned + fallback_delta, 0)
        asset.available = max(asset.total - asset.assigned, 0)
        return
    asset.assigned = counts.assigned
    if counts.total is not None and not asset.unlimited:
        asset.total = counts.total
    asset.available = (asset.total - asset.assigned if asset.unlimited
                       else counts.available or 0)
