"""Apple's assignment pages written into the staging table as they arrive (issue 13).

The fetcher hands each page to a `StageWriter` (`apple.client.PageStream`); a writer
thread takes them from a bounded queue and writes each in its own short transaction, the
lease's fence checked first (`services.leases.check`), so fetching and writing overlap and
a sync holds at most `QUEUE_PAGES` pages waiting plus the one being written, whatever the
location's size: when the writer lags, the fetcher waits for room (and `paging.read_all`
holds its requests back). The rows go to `sync_stage` under the sync's run, never to the
ledger: the ledger takes them in one transaction once the last page is in
(`services.sync.staged`), and they are dropped when the run ends, so a sync that fails or
is stopped halfway changes no license row.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

from sqlalchemy import delete

from vpp_tui.services import leases
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import models as m
from vpp_tui.store.bulk import insert_rows

# Pages waiting for the writer; the fetcher waits for room beyond that.
QUEUE_PAGES = 4
_RESTART = "restart"
_STOP = "stop"


STAGE_COLUMNS = ("adam_id", "pricing_param", "serial", "client_user_id")


def stage_rows(items: list[Any]) -> list[tuple[str, str, str | None, str | None]]:
    """The `sync_stage` rows of one page of `CompactAssignment`s (or models with the same
    attributes), in `STAGE_COLUMNS` order: records with no adamId or no holder are left
    out, as the ledger would."""
    rows = []
    for item in items:
        if not item.adamId or not (item.serialNumber or item.clientUserId):
            continue
        rows.append((item.adamId, item.pricingParam or "STDQ", item.serialNumber or None,
                     None if item.serialNumber else item.clientUserId))
    return rows


class StageWriter:
    """Writes a sync's assignment pages to `sync_stage` on its own thread.

    `page(index, items)` (the fetcher's thread) queues a page, waiting while `capacity`
    pages already wait; it raises what the writer raised (LeaseLost, a store error), so
    the fetch stops at the next page. `finish(indexes)` waits for the writer and drops the
    pages not among `indexes` (read past a shrunk end); `discard()` drops everything.
    Counters for tests and benches: `accepted`, `written`, `peak_held` (most pages queued
    or being written at once), `rows`; `blocked` is set whenever a page waited for room.
    """

    def __init__(self, ctx: ServiceContext, holder: leases.Holder, run_id: int, *,
                 capacity: int = QUEUE_PAGES) -> None:
        self.ctx, self.holder, self.run_id = ctx, holder, run_id
        self.capacity = capacity
        self._queue: queue.Queue[tuple[str, int, list[Any]]] = queue.Queue(maxsize=capacity)
        self._lock = threading.Lock()
        self.accepted = self.written = self.peak_held = self.rows = 0
        self.pages: set[int] = set()
        self.error: BaseException | None = None
        self.blocked = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync-writer", daemon=True)
        self._thread.start()

    # -- the fetcher's side ------------------------------------------------------------
    def page(self, index: int, items: list[Any]) -> None:
        """Queue page `index` for writing; waits for room. Raises the writer's error."""
        self._raise()
        if self._queue.full():
            self.blocked.set()
        self._queue.put(("page", index, items))
        with self._lock:
            self.accepted += 1
            self.peak_held = max(self.peak_held, self.accepted - self.written)
        self._raise()

    def restart(self) -> None:
        """The read starts over: every page staged so far is dropped (in queue order)."""
        self._raise()
        self._queue.put((_RESTART, 0, []))

    def finish(self, indexes: list[int]) -> int:
        """Wait until every queued page is written; drop staged pages not in `indexes`.
        Returns the rows staged. Raises the writer's error (nothing more is written)."""
        self._stop()
        self._raise()
        stray = sorted(self.pages - set(indexes))
        if stray:
            table = m.SyncStage.__table__
            with self.ctx.store.session() as session:
                leases.check(session, self.ctx, self.holder)
                session.execute(delete(table).where(table.c.run_id == self.run_id,
                                                    table.c.page.in_(stray)))
        return self.rows

    def discard(self) -> None:
        """Stop the writer (queued pages are not written) and drop the run's staged rows."""
        if self.error is None:
            self.error = _Discarded()
        self._stop()
        drop_staged(self.ctx, self.run_id)

    # -- the writer's side -------------------------------------------------------------
    def _stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put((_STOP, 0, []))
            self._thread.join()

    def _raise(self) -> None:
        if self.error is not None and not isinstance(self.error, _Discarded):
            raise self.error

    def _run(self) -> None:
        while True:
            kind, index, items = self._queue.get()
            if kind == _STOP:
                return
            try:
                if self.error is None:
                    self._write(kind, index, items)
            except BaseException as exc:  # noqa: BLE001 - handed to the fetcher's thread
                self.error = exc
            finally:
                if kind == "page":
                    with self._lock:
                        self.written += 1

    def _write(self, kind: str, index: int, items: list[Any]) -> None:
        table = m.SyncStage.__table__
        rows = [] if kind == _RESTART else stage_rows(items)
        with self.ctx.store.session() as session:
            leases.check(session, self.ctx, self.holder)  # first: a lost lease writes nothing
            if kind == _RESTART:
                session.execute(delete(table).where(table.c.run_id == self.run_id))
            else:  # the run and page bound once for the page's rows
                insert_rows(session, table, STAGE_COLUMNS, rows,
                            {"run_id": self.run_id, "page": index})
        if kind == _RESTART:
            self.pages.clear()
            self.rows = 0
        else:
            self.pages.add(index)
            self.rows += len(rows)


class _Discarded(Exception):
    """The writer was stopped on purpose: queued pages are dropped silently."""


def drop_staged(ctx: ServiceContext, run_id: int | None = None, *,
                token_id: int | None = None) -> None:
    """Delete the staged rows of run `run_id`, or of every run of `token_id` that is not
    in progress (what a crashed sync left behind). One short transaction."""
    table = m.SyncStage.__table__
    with ctx.store.session() as session:
        if run_id is not None:
            session.execute(delete(table).where(table.c.run_id == run_id))
        if token_id is not None:
            runs = m.SyncRun.__table__
            stale = (runs.select().with_only_columns(runs.c.id)
                     .where(runs.c.token_id == token_id, runs.c.status != "in_progress"))
            session.execute(delete(table).where(table.c.run_id.in_(stale)))
