"""Write posts to Apple that a crash must not lose: noted before the post, closed after.

An associate, disassociate or revoke posted to Apple changes Apple's ledger whatever
happens to this process afterwards (a SIGKILL, a power cut, a Ctrl-C while the request is
on the wire). So just before each such post, one short committed transaction of its own
(`note_post`) appends an audit entry `apple.<operation>` with result `pending` whose detail
(JSON, `Posted`) says what is asked: the token and its location, the assets (adamId,
pricingParam), the clientUserIds and serialNumbers, the run (the change's label), the job
and the lease holder; the actor is the entry's. The transaction that records Apple's
answer closes it (`close`, via `licensing.txn.Note.post_id`): result `sent` with the
eventId and its status, `refused` when Apple refused it at once, `unknown` when the
outcome could not be read (another MDM, a second Ctrl-C, the request cut off).

A process that ended in between leaves it `pending`. Readers (the audit, the console's
Activity, `vpp-tui status`) show such an entry as "posted to Apple, outcome unknown (the
process ended)" once its lease holder is gone (`shown`); the next sync of its token, which
repairs the ledger from Apple's truth, settles it in the same transaction (`settle`):
"settled by sync: N of M now assigned at Apple". This entry is the only one of the
append-only log that changes after it is written: once, from pending to its end.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update

from vpp_tui.domain.leases import is_free, owner_host
from vpp_tui.i18n import _, for_store
from vpp_tui.store import tables as t

PREFIX = "apple."
OPERATIONS = ("associate", "disassociate", "revoke")
ACTIONS = tuple(PREFIX + op for op in OPERATIONS)
PENDING, SENT, REFUSED, UNKNOWN, SETTLED = "pending", "sent", "refused", "unknown", "settled"
OPEN = (PENDING, UNKNOWN)  # what the next sync of the token settles
AUDIT = t.audit_entries.c
# This process's posts (entry id → token name) and the tokens whose post it closed as
# unknown: what the CLI names when a Ctrl-C ends the command (`unknown_here`).
_NOTED: dict[int, str] = {}
_UNKNOWN_HERE: set[str] = set()


@dataclass(frozen=True)
class Posted:
    """What one write post asked of Apple (the detail of its `apple.<operation>` entry).

    `assets`: (adamId, pricingParam) pairs (none for a revoke); `lease`/`owner`: the lease
    of the location the writer held (None when it held none); `job`: the queued job's id."""

    operation: str
    token: str
    location: str | None
    assets: tuple[tuple[str, str], ...]
    client_user_ids: tuple[str, ...]
    serial_numbers: tuple[str, ...]
    run: str
    job: int | None = None
    lease: str | None = None
    owner: str | None = None
    settled: tuple[int, int] | None = None

    def to_json(self) -> str:
        return json.dumps({
            "operation": self.operation, "token": self.token, "location": self.location,
            "assets": [{"adamId": a, "pricingParam": p} for a, p in self.assets],
            "clientUserIds": list(self.client_user_ids),
            "serialNumbers": list(self.serial_numbers), "run": self.run, "job": self.job,
            "lease": self.lease, "owner": self.owner,
            "settled": list(self.settled) if self.settled else None},
            separators=(",", ":"), ensure_ascii=True)

    @classmethod
    def from_json(cls, text: str | None) -> Posted | None:
        """The `Posted` an entry's detail holds; None for any other text."""
        if not text or not text.startswith("{"):
            return None
        try:
            raw = json.loads(text)
            return cls(str(raw["operation"]), str(raw["token"]), raw.get("location"),
                       tuple((str(a["adamId"]), str(a["pricingParam"]))
                             for a in raw.get("assets") or ()),
                       tuple(str(c) for c in raw.get("clientUserIds") or ()),
                       tuple(str(s) for s in raw.get("serialNumbers") or ()),
                       str(raw.get("run") or ""), raw.get("job"), raw.get("lease"),
                       raw.get("owner"),
                       tuple(raw["settled"]) if raw.get("settled") else None)
        except (ValueError, KeyError, TypeError):
            return None

    @property
    def targets(self) -> tuple[str, ...]:
        return (*self.client_user_ids, *self.serial_numbers)


def note_post(ctx: Any, operation: str, *, token_id: int | None, run: str,
              assets: Sequence[tuple[str, str]] = (), client_user_ids: Sequence[str] = (),
              serial_numbers: Sequence[str] = ()) -> int:
    """Append the `pending` entry of a write post about to be sent, in one short committed
    transaction of its own (never open across the post); returns its id. Call it with no
    session open, just before the post. Raises the store's error when it cannot be written:
    then the post must not be sent."""
    from vpp_tui.services import leases

    holder = leases.held_by_this_thread(ctx)
    with ctx.store.session() as session:
        token = session.execute(select(t.tokens.c.name, t.tokens.c.location_id).where(
            t.tokens.c.id == token_id)).first() if token_id is not None else None
        posted = Posted(operation, token.name if token else "", token.location_id
                        if token else None, tuple(assets), tuple(client_user_ids),
                        tuple(serial_numbers), run, getattr(ctx, "job_id", None),
                        holder.key if holder else None, holder.owner if holder else None)
        row = session.execute(t.audit_entries.insert().values(
            at=ctx.clock.now(), actor=ctx.actor, action=PREFIX + operation,
            target=run[:500], result=PENDING, detail=posted.to_json(),
            token_id=token_id).returning(AUDIT.id)).scalar_one()
    _NOTED[int(row)] = posted.token
    return int(row)


def unknown_here() -> list[str]:
    """The tokens this process posted to whose outcome it could not read (closed
    `unknown`), sorted: `vpp-tui` names them when a Ctrl-C ends a command."""
    return sorted(name for name in _UNKNOWN_HERE if name)


def close(db: Any, post_id: int, result: str, event_id: str | None = None,
          status: str | None = None) -> None:
    """Close entry `post_id` in `db` (the transaction that records Apple's answer):
    `result` sent | refused | unknown, with Apple's eventId and event status. A later
    close of the same post (one op cut into several posts) only makes it less certain."""
    allowed = (PENDING, SENT) if result in (UNKNOWN, REFUSED) else (PENDING,)
    name = _NOTED.pop(post_id, None)  # kept bounded in a long-running worker
    if result == UNKNOWN and name:
        _UNKNOWN_HERE.add(name)
    values: dict[str, Any] = {"result": result}
    if event_id:
        values["apple_event_id"] = event_id
    if status:
        values["apple_event_status"] = status[:16]
    db.execute(update(t.audit_entries).where(AUDIT.id == post_id,
                                             AUDIT.result.in_(allowed)).values(**values))


def close_now(ctx: Any, post_id: int | None, result: str, event_id: str | None = None,
              status: str | None = None) -> None:
    """`close` in a short transaction of its own (a Ctrl-C is on its way up)."""
    if post_id is None:
        return
    with ctx.store.session() as session:
        close(session, post_id, result, event_id, status)


def _live_owners(db: Any, posts: Iterable[Posted], now: datetime) -> set[tuple[str, str]]:
    keys = sorted({p.lease for p in posts if p.lease})
    if not keys:
        return set()
    rows = db.execute(select(t.leases.c.key, t.leases.c.owner, t.leases.c.expires_at)
                      .where(t.leases.c.key.in_(keys))).all()
    return {(k, o) for k, o, until in rows
            if not is_free(o, until, now) and not _ended_here(o)}


def _ended_here(owner: str) -> bool:
    """Whether lease holder `owner` (`leases.owner_name`: actor@host:pid:nonce) ran on this
    host in a process that no longer exists (a kill -9 is known at once, not a lease
    period later)."""
    try:
        host, pid = owner_host(owner).rsplit(":", 1)
        if host != socket.gethostname() or int(pid) == os.getpid():
            return False
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (ValueError, IndexError, OSError):
        return False
    return False


def _targets_text(posted: Posted, most: int | None = None) -> str:
    what = ", ".join(f"{a} ({p})" for a, p in posted.assets)
    targets = posted.targets
    listed = ", ".join(targets[:most] if most is not None else targets)
    if most is not None and len(targets) > most:
        listed += f", … (+{len(targets) - most})"
    return _("{operation} {what}for {users} users, {devices} devices: {targets}").format(
        operation=posted.operation, what=f"{what} " if what else "",
        users=len(posted.client_user_ids), devices=len(posted.serial_numbers),
        targets=listed)


def describe(result: str, posted: Posted, alive: bool,
             most: int | None = None) -> tuple[str, str]:
    """(result, detail) as shown for a post entry: `pending` becomes `unknown` once its
    writer is gone. `most`: list at most that many targets (all when None)."""
    if result == PENDING and not alive:
        result, head = UNKNOWN, _("posted to Apple, outcome unknown (the process ended)")
    elif result == PENDING:
        head = _("posted to Apple, awaiting its answer")
    elif result == UNKNOWN:
        head = _("posted to Apple, outcome unknown")
    elif result == REFUSED:
        head = _("Apple refused it")
    elif result == SETTLED and posted.settled:
        head = settled_text(*posted.settled)
    else:
        head = _("posted to Apple")
    return result, f"{head}: {_targets_text(posted, most)}"


def settled_text(assigned: int, asked: int) -> str:
    return _("settled by sync: {n} of {m} now assigned at Apple").format(n=assigned, m=asked)


def shown(db: Any, records: Sequence[Any], now: datetime) -> list[Any]:
    """`records` (audit records: `result`, `action`, `detail`) as the admin reads them: a
    post entry's JSON detail as text, a pending one whose writer is gone as `unknown`.
    Reads only the leases of the pending ones, in `db`."""
    posts = {i: Posted.from_json(r.detail) for i, r in enumerate(records)
             if r.action in ACTIONS}
    if not any(posts.values()):
        return list(records)
    live = _live_owners(db, (p for i, p in posts.items()
                             if p and records[i].result == PENDING), now)
    out = list(records)
    for i, posted in posts.items():
        if posted is not None:
            result, detail = describe(out[i].result, posted,
                                      (posted.lease, posted.owner) in live)
            out[i] = replace(out[i], result=result, detail=detail)
    return out


def unsettled(db: Any, now: datetime, token_ids: Iterable[int] | None = None
              ) -> list[tuple[int, str, datetime, str, Posted]]:
    """Posts whose outcome nobody recorded: `unknown` ones and `pending` ones whose writer
    is gone, as (entry id, actor, at, result shown, Posted), oldest first; only those of
    `token_ids` when given."""
    query = select(AUDIT.id, AUDIT.actor, AUDIT.at, AUDIT.result, AUDIT.detail).where(
        AUDIT.action.in_(ACTIONS), AUDIT.result.in_(OPEN))
    if token_ids is not None:
        query = query.where(AUDIT.token_id.in_(list(token_ids)))
    rows = [(r, Posted.from_json(r.detail)) for r in db.execute(query.order_by(AUDIT.id))]
    live = _live_owners(db, (p for r, p in rows if p and r.result == PENDING), now)
    return [(r.id, r.actor, r.at, r.result, p) for r, p in rows if p is not None
            and (r.result == UNKNOWN or (p.lease, p.owner) not in live)]


def any_open(db: Any, token_id: int) -> bool:
    """Whether token `token_id` has a post whose outcome nobody recorded (pending or
    unknown): its next sync must then read Apple in full, the one read that shows what a
    lost disassociate or revoke removed (apple-api.md §3.2)."""
    return db.execute(select(AUDIT.id).where(
        AUDIT.action.in_(ACTIONS), AUDIT.result.in_(OPEN), AUDIT.token_id == token_id)
        .limit(1)).first() is not None


def _assigned(db: Any, token_id: int, posted: Posted) -> int:
    """How many of the post's targets hold, in the (just synced) ledger, a license of its
    assets; for a revoke, a revocable license of the token."""
    lic, asset = t.licenses.c, t.assets.c
    where = [asset.token_id == token_id, lic.status == "licensed"]
    if posted.assets:
        where.append(or_(*(and_(asset.adam_id == a, asset.pricing_param == p)
                           for a, p in posted.assets)))
    else:
        where.append(asset.revocable.is_(True))
    found: set[str] = set()
    for column, values in ((lic.client_user_id, posted.client_user_ids),
                           (lic.serial, posted.serial_numbers)):
        for start in range(0, len(values), 500):
            part = list(values[start:start + 500])
            found.update(v for (v,) in db.execute(select(column).join(
                t.assets, asset.id == lic.asset_id).where(*where, column.in_(part))))
    return len(found)


def settle(db: Any, ctx: Any, token_id: int) -> list[str]:
    """In the sync's transaction, once the token's ledger equals Apple's: close every
    unsettled post of the token (`unsettled`, the sync holding the lease) as `settled`,
    with an audit entry saying how many of its targets Apple now holds; the notes, one per
    post, for the sync's result."""
    from vpp_tui.services import audit

    notes = []
    for post_id, actor, at, _shown_result, posted in unsettled(db, ctx.clock.now(),
                                                               [token_id]):
        n, asked = _assigned(db, token_id, posted), len(posted.targets)
        db.execute(update(t.audit_entries).where(AUDIT.id == post_id).values(
            result=SETTLED, detail=replace(posted, settled=(n, asked)).to_json()))
        with for_store():  # the store is shared: English
            audit.record(db, ctx, PREFIX + posted.operation, posted.run, result=SETTLED,
                         token_id=token_id, detail=_(
                             "{settled} (posted by {actor} at {at}, entry {id})").format(
                                 settled=settled_text(n, asked), actor=actor,
                                 at=at.isoformat(timespec="seconds"), id=post_id))
        notes.append(settled_text(n, asked) + f" ({posted.operation} {posted.run})")
    return notes


def unsettled_lines(db: Any, now: datetime, token_ids: Iterable[int]) -> list[str]:
    """One line per unsettled post of `token_ids` (`unsettled`), for `vpp-tui status`."""
    return [_("token {name}: {what} (by {actor} at {at}); sync the token to settle it").format(
        name=p.token, what=describe(result, p, False, most=10)[1], actor=actor,
        at=at.isoformat(timespec="seconds"))
        for _id, actor, at, result, p in unsettled(db, now, token_ids)]
