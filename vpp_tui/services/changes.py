"""Whether the store changed since a console last looked: the change marker.

Admins share one store: another console, a `vpp-tui` command in a shell or `vpp-tui
serve` write it, and none of them tells this console. Every change writes one audit entry
in the same transaction (`services.audit.record`), so the audit log's ids mark the store's
changes: a console keeps the `StoreMark` it last read, and `changes_since` says which
actions were committed since, in one read of the audit table's primary-key index (no
COUNT: cheap enough for every return to a section and a periodic check).

PostgreSQL hands out ids as rows are inserted, not as their transactions commit: an entry
with a lower id can appear after a higher one was seen (a long import committing after a
quick edit). The ids below the highest seen that were not there are kept as `gaps` and
looked for again, so a late commit is still noticed.

Reads only ids and action names, never a row a section shows: like `access_snapshot`, it
needs no permission; each section then reads its rows through its own checked calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from vpp_tui.services.context import ServiceContext
from vpp_tui.store import tables as t

#: the most missing ids kept (`StoreMark.gaps`): the newest; older ones are given up on
MAX_GAPS = 200
#: the most new entries read at once; more means "everything may have changed"
MAX_READ = 500
#: the action `changes_since` reports when more than MAX_READ entries were committed
MANY = "*"


@dataclass(frozen=True)
class StoreMark:
    """Where the store stood when last read: `last` the highest audit id seen (0: an empty
    log), `gaps` the ids below it not seen yet (ascending, at most MAX_GAPS)."""

    last: int
    gaps: tuple[int, ...] = ()


@dataclass(frozen=True)
class StoreChanges:
    """What `changes_since` found: the new `mark`, and the distinct `actions` (audit action
    names, e.g. "directory.import"; MANY when too many to list) committed since the old
    one. No actions: nothing changed."""

    mark: StoreMark
    actions: frozenset[str]


def store_mark(ctx: ServiceContext) -> StoreMark:
    """The store's mark now: the audit log's highest id (0 when empty). One index read."""
    with ctx.store.reading() as db:
        last = db.execute(select(func.max(t.audit_entries.c.id))).scalar()
    return StoreMark(int(last or 0))


def changes_since(ctx: ServiceContext, mark: StoreMark) -> StoreChanges:
    """The actions committed since `mark` and the mark after them: the entries above
    `mark.last` (at most MAX_READ, read by the primary key) and those of its gaps that
    have appeared. Raises nothing of its own (a store error propagates)."""
    entries = t.audit_entries
    wanted = entries.c.id > mark.last
    if mark.gaps:
        wanted = or_(wanted, entries.c.id.in_(mark.gaps))
    with ctx.store.reading() as db:
        rows = db.execute(select(entries.c.id, entries.c.action).where(wanted)
                          .order_by(entries.c.id).limit(MAX_READ + 1)).all()
        many = len(rows) > MAX_READ
        if many:
            last = int(db.execute(select(func.max(entries.c.id))).scalar() or 0)
            return StoreChanges(StoreMark(last), frozenset({MANY}))
    seen = {int(i) for i, _action in rows}
    actions = frozenset(str(a) for _id, a in rows)
    last = max([mark.last, *seen])
    gaps = [g for g in mark.gaps if g not in seen]
    gaps += [i for i in range(mark.last + 1, last) if i not in seen]
    return StoreChanges(StoreMark(last, tuple(gaps[-MAX_GAPS:])), actions)
