"""The write lease of a location: sync, assign, unassign, revoke, waitlist grants, departure
reclaims and token delete of its tokens take it in turn (issue 9 items 2, 3, 5).

Why per location, not per token: duplicate tokens of one location write the same Apple
ledger and the same rows (apple-api.md §2.9–2.10, `licensing.facts.location_token_ids`), so
a sync through one token and an assign through its duplicate must not interleave either.
A token whose location is not known yet has a lease of its own (`domain.leases.lease_key`).

One row per location in `leases`: `owner`, `expires_at` and a fencing number `fence` that
moves on at every acquisition and every break. While work runs, a daemon heartbeat thread
renews the lease in its own short transaction (every period/4); when the holder dies the
heartbeat stops and the lease is free again one period later (`domain.leases`), or at once
with `break_lease` (`vpp-tui sync --break-lease NAME`, audited). A writer checks its fence
in the transaction that writes its results (`check`): a lease broken or taken meanwhile
raises LeaseLost and nothing is written.

`hold` is re-entrant within one thread (one operation): a sync holds the lease and then
serves the waitlist, which opens `ownership.writes` and so `hold` again. Another thread of
the same process waits like another process would.

Figures: `domain.leases` (period 60 s, renewed every 15 s, writers wait up to 600 s);
for tests and odd sites, `VPP_LEASE_SECONDS` and `VPP_LEASE_WAIT_SECONDS` override the
period and the wait.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from vpp_tui.domain import leases as rules
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, for_store, stored
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound, ServiceError
from vpp_tui.store import tables as t

if TYPE_CHECKING:
    from sqlmodel import Session

# The lease row is read and written with SQLAlchemy Core (`store.tables.leases`): the token
# list reads the leases, and a read-only command imports neither SQLModel nor the ORM.
LEASE = t.leases.c

ENV_PERIOD = "VPP_LEASE_SECONDS"
ENV_WAIT = "VPP_LEASE_WAIT_SECONDS"
BREAK_ACTION = "token.lease_break"


class LeaseBusy(ServiceError):
    """Another live holder has the lease (after waiting `wait` seconds). Exit 1 for a write;
    a sync reports it as skipped/busy. `owner` and `since` name the holder."""

    def __init__(self, message: str, *, owner: str, since: datetime | None) -> None:
        super().__init__(message)
        self.owner = owner
        self.since = since


class LeaseLost(ServiceError):
    """The lease was broken or taken over while the work ran (the fence moved on): the
    work's results were not written. Exit 1."""


@dataclass(frozen=True)
class LeaseView:
    """A lease row as read: `owner` None when free; `fence` the current fencing number;
    times aware UTC."""

    key: str
    token: str | None
    owner: str | None
    fence: int
    acquired_at: datetime | None
    expires_at: datetime | None


@dataclass
class Holder:
    """A lease this process holds: what `hold` yields. `lost` is set by the heartbeat when
    a renewal finds the lease gone; `beats` counts successful renewals."""

    key: str
    token: str
    owner: str
    fence: int
    store_url: str
    thread: int
    depth: int = 1
    beats: int = 0
    lost: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def wait_beats(self, count: int, timeout: float) -> bool:
        """Block until `count` renewals happened (or the lease was lost); False on timeout."""
        with self.changed:
            return self.changed.wait_for(lambda: self.beats >= count or self.lost.is_set(),
                                         timeout)


_HELD: dict[tuple[str, str], Holder] = {}
_HELD_LOCK = threading.Lock()


def timing() -> rules.LeaseTiming:
    """The lease timing, from `domain.leases` and the two environment overrides.

    Raises InvalidInput (exit 2) for a value that is not a number of seconds."""
    def read(name: str) -> float | None:
        raw = os.environ.get(name, "").strip()
        return float(raw) if raw else None
    try:
        return rules.lease_timing(read(ENV_PERIOD), read(ENV_WAIT))
    except ValueError as exc:
        raise InvalidInput(_("{a} must be a number of seconds > 0 and {b} >= 0, both at most "
                             "ten years; fix or unset them").format(a=ENV_PERIOD, b=ENV_WAIT)
                           ) from exc


def owner_name(ctx: ServiceContext) -> str:
    """Who holds a lease, as stored and shown: `actor@host:pid:nonce` (at most 200 chars)."""
    return (f"{ctx.actor}@{socket.gethostname()}:{os.getpid()}:"
            f"{uuid.uuid4().hex[:8]}")[-200:]


def key_of(db: Any, token_name: str) -> str:
    """The lease key of token `token_name`, read in `db` (a session or a connection);
    NotFound (exit 2) for an unknown token."""
    token = db.execute(select(t.tokens.c.location_id, t.tokens.c.id).where(
        t.tokens.c.name == token_name)).first()
    if token is None:
        raise NotFound(_("no token named {name}").format(name=quote(token_name)))
    return rules.lease_key(token.location_id, token.id or 0)


def _view(row: Any) -> LeaseView:
    """The view of a lease row (a `leases` row or a `Lease` object: the same names)."""
    return LeaseView(key=row.key, token=row.token_name, owner=row.owner, fence=row.fence,
                     acquired_at=row.acquired_at, expires_at=row.expires_at)


def _row(db: Any, key: str) -> Any:
    return db.execute(select(*t.leases.columns).where(LEASE.key == key)).first()


def _read(ctx: ServiceContext, key: str) -> LeaseView | None:
    with ctx.store.reading() as db:
        row = _row(db, key)
        return _view(row) if row is not None else None


def _ensure_row(ctx: ServiceContext, key: str) -> LeaseView:
    seen = _read(ctx, key)
    if seen is not None:
        return seen
    with suppress(IntegrityError):  # another process made it first: fine
        with ctx.store.session() as session:
            session.execute(insert(t.leases).values(key=key, fence=0))
    seen = _read(ctx, key)
    assert seen is not None
    return seen


def try_acquire(ctx: ServiceContext, key: str, token: str, owner: str,
                period: float | None = None) -> int | None:
    """Take lease `key` for `owner` when it is free (`domain.leases.is_free`); its new
    fence, or None when a live holder has it. One compare-and-set on the fence, so of any
    number of processes trying at once exactly one wins. No heartbeat: see `hold`."""
    period = timing().period if period is None else period
    seen = _ensure_row(ctx, key)
    now = ctx.clock.now()
    if not rules.is_free(seen.owner, seen.expires_at, now):
        return None
    fence = rules.next_fence(seen.fence)
    with ctx.store.session() as session:
        won = session.execute(
            update(t.leases).where(LEASE.key == key, LEASE.fence == seen.fence)
            .values(owner=owner, fence=fence, token_name=token, acquired_at=now,
                    expires_at=now + timedelta(seconds=period))).rowcount == 1
    return fence if won else None


def renew(ctx: ServiceContext, key: str, owner: str, fence: int,
          period: float | None = None, session: Session | None = None) -> bool:
    """Push the lease's expiry one period on from now; False when it is no longer
    `owner`'s with `fence` (broken or taken). In `session` when given, else its own."""
    period = timing().period if period is None else period
    stmt = (update(t.leases).where(LEASE.key == key, LEASE.owner == owner,
                                   LEASE.fence == fence)
            .values(expires_at=ctx.clock.now() + timedelta(seconds=period)))
    if session is not None:
        return session.execute(stmt).rowcount == 1
    with ctx.store.session() as own:
        return own.execute(stmt).rowcount == 1


def release(ctx: ServiceContext, key: str, owner: str, fence: int) -> None:
    """Free the lease if it is still `owner`'s with `fence` (else a no-op: it was taken)."""
    with ctx.store.session() as session:
        session.execute(update(t.leases).where(LEASE.key == key, LEASE.owner == owner,
                                               LEASE.fence == fence)
                        .values(owner=None, expires_at=None))


def check(session: Session, ctx: ServiceContext, holder: Holder) -> None:
    """In the transaction that writes a holder's results, first: confirm (and renew) the
    lease. Raises LeaseLost when it was broken or taken meanwhile; the caller's transaction
    then rolls back. On PostgreSQL the row stays locked until that transaction ends, so a
    break waits for the results to be written rather than racing them."""
    if holder.lost.is_set() or not renew(ctx, holder.key, holder.owner, holder.fence,
                                         session=session):
        holder.lost.set()
        raise LeaseLost(rules.lost_text(holder.token))


def check_held(session: Session, ctx: ServiceContext, token_name: str) -> None:
    """`check` for the lease this thread holds for `token_name`'s location, if any (no-op
    when none is held here). For write paths that record results after an Apple call."""
    holder = held_here(ctx, key_of(session, token_name))
    if holder is not None:
        check(session, ctx, holder)


def check_mine(session: Session, ctx: ServiceContext) -> None:
    """`check` every lease this thread holds on `ctx`'s store (none: a no-op).

    The first statement of every transaction that records results after an Apple call
    (`licensing.txn.write_briefly`): a writer whose lease was broken or taken meanwhile
    writes nothing. Raises LeaseLost.
    """
    me = threading.get_ident()
    with _HELD_LOCK:
        mine = [h for (url, _key), h in _HELD.items()
                if url == ctx.store.url and h.thread == me]
    for holder in mine:
        check(session, ctx, holder)


def held_here(ctx: ServiceContext, key: str) -> Holder | None:
    """The lease `key` this process holds on `ctx`'s store, or None."""
    with _HELD_LOCK:
        return _HELD.get((ctx.store.url, key))


def held_by_this_thread(ctx: ServiceContext) -> Holder | None:
    """A lease this thread holds on `ctx`'s store (the writer's, for `apple_posts`), or None."""
    me = threading.get_ident()
    with _HELD_LOCK:
        return next((h for (url, _key), h in _HELD.items()
                     if url == ctx.store.url and h.thread == me), None)


def _heartbeat(ctx: ServiceContext, holder: Holder, pace: rules.LeaseTiming) -> None:
    while not holder.stop.wait(pace.renew_every):
        try:
            alive = renew(ctx, holder.key, holder.owner, holder.fence, pace.period)
        except Exception:  # noqa: BLE001 - the store is busy: the next beat tries again
            continue
        with holder.changed:
            if alive:
                holder.beats += 1
            else:
                holder.lost.set()
            holder.changed.notify_all()
        if not alive:
            return


def _wait_for(ctx: ServiceContext, key: str, token: str, owner: str,
              pace: rules.LeaseTiming, wait: float, action: str | None) -> int:
    deadline = ctx.clock.monotonic() + wait
    while True:
        fence = try_acquire(ctx, key, token, owner, pace.period)
        if fence is not None:
            return fence
        seen = _read(ctx, key)
        holder, since = (seen.owner or "?", seen.acquired_at) if seen else ("?", None)
        if ctx.clock.monotonic() >= deadline:
            if wait <= 0:
                raise LeaseBusy(rules.busy_text(holder, since), owner=holder,
                                since=since)
            text = rules.wait_expired_text(token, holder, since, wait)
            if action:
                from vpp_tui.services import audit

                audit.record_failure(ctx, action, token, stored(  # shared: English
                    rules.wait_expired_text, token, holder, since, wait))
            raise LeaseBusy(text, owner=holder, since=since)
        ctx.clock.sleep(pace.poll, ctx.cancel)


@contextmanager
def hold(ctx: ServiceContext, token: str, *, wait: float | None = None,
         action: str | None = None) -> Iterator[Holder]:
    """Hold the lease of `token`'s location for the body, renewed by a heartbeat thread.

    Re-entrant in one thread. Otherwise waits up to `wait` seconds (None: the configured
    wait; 0: not at all) for a live holder, polling every `timing().poll` s with
    `ctx.clock.sleep` (so `ctx.cancel` stops the wait: Cancelled). Raises LeaseBusy when
    the wait ran out (audited under `action` when given and wait > 0), NotFound for an
    unknown token. Released on exit, whatever the body raised."""
    with ctx.store.session() as session:
        key = key_of(session, token)
    with _HELD_LOCK:
        mine = _HELD.get((ctx.store.url, key))
        if mine is not None and mine.thread == threading.get_ident():
            mine.depth += 1
        else:
            mine = None
    if mine is not None:
        try:
            yield mine
        finally:
            with _HELD_LOCK:
                mine.depth -= 1
        return
    pace = timing()
    owner = owner_name(ctx)
    fence = _wait_for(ctx, key, token, owner, pace, pace.wait if wait is None else wait,
                      action)
    holder = Holder(key=key, token=token, owner=owner, fence=fence, store_url=ctx.store.url,
                    thread=threading.get_ident())
    beat = threading.Thread(target=_heartbeat, args=(ctx, holder, pace), daemon=True,
                            name=f"lease {key}")
    with _HELD_LOCK:
        _HELD[(ctx.store.url, key)] = holder
    beat.start()
    try:
        yield holder
    finally:
        holder.stop.set()
        with _HELD_LOCK:
            _HELD.pop((ctx.store.url, key), None)
        beat.join()
        release(ctx, key, owner, fence)


def current(ctx: ServiceContext, token: str) -> LeaseView | None:
    """The lease row of `token`'s location as stored (None when never taken); NotFound."""
    with ctx.store.reading() as db:
        row = _row(db, key_of(db, token))
        return _view(row) if row is not None else None


def expiries(db: Any) -> dict[str, datetime]:
    """Key → expiry of every lease someone holds (live or stale), for showing sync state;
    read in `db` (a session or a connection)."""
    rows = db.execute(select(LEASE.key, LEASE.expires_at).where(
        LEASE.owner.is_not(None))).all()
    return {key: expires_at for key, expires_at in rows if expires_at is not None}


def break_lease(ctx: ServiceContext, token: str) -> LeaseView | None:
    """Break the lease of `token`'s location, live or stale: the holder loses it (its fence
    is moved on, so it writes no results) and the next writer may take it at once.

    Returns what was broken (owner, since) or None when nobody held it (nothing changes).
    Audited as `token.lease_break`. Raises NotFound, AccessDenied (needs tokens.sync)."""
    from sqlmodel import select as orm_select

    from vpp_tui.services import audit
    from vpp_tui.store import models as m

    authorize(ctx, Permission.TOKENS_SYNC)
    with ctx.store.session() as session:
        key = key_of(session, token)
        row = session.exec(orm_select(m.Lease).where(m.Lease.key == key)
                           .with_for_update()).first()
        if row is None or row.owner is None:
            return None
        broken = _view(row)
        row.owner, row.expires_at, row.fence = None, None, rules.next_fence(row.fence)
        session.add(row)
        with for_store():  # the store is shared: English
            audit.record(session, ctx, BREAK_ACTION, token, detail=_(
                "broke the lease of {key} held by {owner} since {since} (fence {fence})").format(
                key=key, owner=broken.owner, since=broken.acquired_at, fence=broken.fence))
        return broken
