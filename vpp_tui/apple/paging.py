"""Reading every page of `/assets`, `/assignments` or `/users` (apple-api.md §3).

Page 0 first, then the rest with at most five requests in flight (Apple's limit). The end
is the first page without `nextPageIndex`, not Apple's off-by-one "currentPageIndex equals
totalPages" rule. `totalPages` may grow or shrink while reading: pages are requested as
later answers reveal them, and pages past a shrunk end (9650) are ignored as long as a
last page was seen. The `versionId` kept is the FIRST page's, so a delta from it replays
anything written during the traversal.

Streaming (`on_page`): each page is handed over as it arrives (in arrival order, not index
order) and only its paging fields are kept, so a traversal holds at most `MAX_IN_FLIGHT`
pages at once whatever the list's length: a page is requested only once fewer than that are
in flight or answered and not yet handed over, and a slow `on_page` holds the requests back
(issue 13). `on_restart` is called before a traversal starts over, so what was handed over
can be dropped; `Traversal.indexes` names the pages of the list (a page handed over but not
among them lay past a shrunk end and must be ignored).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import model_validator

from vpp_tui.apple.clock import Cancelled
from vpp_tui.apple.errors import PageOutOfRange
from vpp_tui.apple.models import Page
from vpp_tui.i18n import _

MAX_IN_FLIGHT = 5
# A traversal whose pages contradict each other (the end moved under us) starts over,
# a bounded number of times.
MAX_RESTARTS = 2


OnPage = Callable[[int, Page], None]


@dataclass
class Traversal:
    """`pages`: the list's pages in order (paging fields only when streamed); `first`:
    page 0; `indexes`: the page indexes that make up the list."""

    pages: list[Page]
    first: Page
    indexes: list[int] = field(default_factory=list)


def read_all(fetch: Callable[[int], Page], *, stage: str = "",
             on_progress: Callable[[str, int, int], None] | None = None,
             cancel: threading.Event | None = None, on_page: OnPage | None = None,
             on_restart: Callable[[], None] | None = None) -> Traversal:
    """Every page of a list through `fetch(index)`; with `on_page(index, page)`, each page
    is handed over as it arrives and not kept (see the module's docstring). Raises
    PageOutOfRange (9650) when the list kept changing, Cancelled, or what `fetch` or
    `on_page` raised."""
    for restart in range(MAX_RESTARTS + 1):
        result = _read_once(fetch, stage, on_progress, cancel, on_page)
        if result is not None:
            return result
        if restart == MAX_RESTARTS:
            break
        if on_restart is not None:
            on_restart()
    raise PageOutOfRange(_("the list kept changing while it was read"), 9650)


def _skeleton(page: Page) -> Page:
    """The paging fields of a page handed over (its records are the receiver's now)."""
    return Page(currentPageIndex=page.currentPageIndex, nextPageIndex=page.nextPageIndex,
                size=page.size, totalPages=page.totalPages, versionId=page.versionId)


def _read_once(fetch: Callable[[int], Page], stage: str,
               on_progress: Callable[[str, int, int], None] | None,
               cancel: threading.Event | None, on_page: OnPage | None) -> Traversal | None:
    def keep(index: int, page: Page) -> Page:
        if on_page is None:
            return page
        on_page(index, page)
        return _skeleton(page)

    first = fetch(0)
    pages: dict[int, Page] = {0: keep(0, first)}
    total = _known_last(first, 0) + 1
    _report(on_progress, stage, 1, total)
    if first.nextPageIndex is None:
        return Traversal([pages[0]], pages[0], [0])
    first = pages[0]
    pool = ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT, thread_name_prefix="apple-page")
    running: dict[Future, int] = {}
    # Pages known to exist and not yet requested, lowest first: requested only while fewer
    # than MAX_IN_FLIGHT are in flight or answered and not yet handed over.
    todo: list[int] = []
    requested = {0}
    try:
        def learn(upto: int) -> None:
            for index in range(1, upto + 1):
                if index not in requested:
                    requested.add(index)
                    todo.append(index)

        def submit() -> None:
            todo.sort(reverse=True)
            while todo and len(running) < MAX_IN_FLIGHT:
                index = todo.pop()
                running[pool.submit(fetch, index)] = index

        learn(_known_last(first, 0))
        submit()
        while running:
            done, _pending = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                try:
                    page = future.result()
                except PageOutOfRange:
                    # The list shrank; whether a last page was seen is judged at the end.
                    continue
                pages[index] = keep(index, page)
                total = max(total, _known_last(page, index) + 1)
                _report(on_progress, stage, len(pages), total)
                if page.nextPageIndex is not None:
                    learn(_known_last(page, index))
                del page
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            submit()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return _assemble(pages)


def _known_last(page: Page, index: int) -> int:
    """The last page index this answer implies: `totalPages - 1`, or at least the page
    `nextPageIndex` points to when the two disagree."""
    last = index
    if page.totalPages is not None:
        last = max(last, page.totalPages - 1)
    if page.nextPageIndex is not None:
        last = max(last, page.nextPageIndex)
    return last


def _assemble(pages: dict[int, Page]) -> Traversal | None:
    ordered: list[Page] = []
    indexes: list[int] = []
    index = 0
    while index in pages:
        page = pages[index]
        ordered.append(page)
        indexes.append(index)
        if page.nextPageIndex is None:
            return Traversal(ordered, pages[0], indexes)
        index = page.nextPageIndex if page.nextPageIndex > index else index + 1
    # A page pointed to a page that turned out to be out of range: the end moved.
    return None


def _report(on_progress: Callable[[str, int, int], None] | None, stage: str, done: int,
            total: int) -> None:
    if on_progress is not None and stage:
        on_progress(stage, done, max(total, done))


def items_of(pages: list[Any], attr: str) -> list[Any]:
    out: list[Any] = []
    for page in pages:
        out.extend(getattr(page, attr, None) or [])
    return out


class CompactAssignment(NamedTuple):
    """One `/assignments` record as a plain tuple (the fields a sync reads; ids as str, the
    adamId and pricingParam interned): about a tenth of a model's memory."""

    adamId: str | None
    pricingParam: str | None
    serialNumber: str | None
    clientUserId: str | None


def _text(value: Any, *, intern: bool = False) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return sys.intern(text) if intern else text


class CompactAssignmentsPage(Page):
    """A `/assignments` page whose records are `CompactAssignment` tuples, converted from
    the raw JSON before validation (only the paging fields go through the model)."""

    assignments: list[Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _compact(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("assignments"), list):
            data = dict(data)
            data["assignments"] = [CompactAssignment(
                _text(r.get("adamId"), intern=True), _text(r.get("pricingParam"), intern=True),
                _text(r.get("serialNumber")), _text(r.get("clientUserId")))
                for r in data["assignments"] if isinstance(r, dict)]
        return data
