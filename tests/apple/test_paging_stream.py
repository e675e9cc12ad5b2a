"""Streamed reads (issue 13): pages handed over as they arrive, at most five held, and the
rate limiter's turn ended by the answer's headers, not by reading its body."""

from __future__ import annotations

import json
import math
import threading
from typing import Any

import httpx

from tests.apple.fakeapple import FakeApple, envelope, fail, ok
from tests.apple.test_paging import pages_of
from vpp_tui.apple.models import Page
from vpp_tui.apple.paging import MAX_IN_FLIGHT, read_all


class Collect:
    """A `PageStream` that keeps what it is handed."""

    def __init__(self) -> None:
        self.pages: dict[int, list[Any]] = {}
        self.restarts = 0

    def page(self, index: int, items: list[Any]) -> None:
        self.pages[index] = items

    def restart(self) -> None:
        self.restarts += 1
        self.pages.clear()


def test_a_streamed_read_hands_over_every_page_and_keeps_none() -> None:
    apple = FakeApple()
    apple.routes["/assignments"] = pages_of(12, per_page=3)
    stream = Collect()
    with apple.client() as client:
        result = client.assignments(compact=True, stream=stream)
    assert result.items == [] and result.indexes == list(range(12))
    assert sorted(stream.pages) == list(range(12))
    assert sum(len(items) for items in stream.pages.values()) == 36
    assert result.version_id == "v1"


def test_a_streamed_read_never_holds_more_than_five_pages() -> None:
    """A page is requested only while fewer than five are in flight or answered and not yet
    handed over: a slow receiver holds the requests back."""
    lock = threading.Lock()
    state = {"requested": 0, "handed": 0, "worst": 0}

    def fetch(index: int) -> Page:
        with lock:
            state["requested"] += 1
        nxt = index + 1 if index < 39 else None
        return Page(currentPageIndex=index, nextPageIndex=nxt, totalPages=40, versionId="v")

    def on_page(_index: int, _page: Page) -> None:
        with lock:
            state["worst"] = max(state["worst"], state["requested"] - state["handed"])
            state["handed"] += 1

    traversal = read_all(fetch, on_page=on_page)
    assert traversal.indexes == list(range(40)) and state["handed"] == 40
    assert state["worst"] <= MAX_IN_FLIGHT


def test_a_streamed_read_ignores_pages_past_a_shrunk_end() -> None:
    def shrinking(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params["pageIndex"])
        total = 5 if index == 0 else 3
        if index >= total:
            return fail(400, 9650)
        body = envelope(currentPageIndex=index, totalPages=total, versionId="v",
                        assignments=[{"adamId": "1", "clientUserId": f"u{index}"}])
        if index < total - 1:
            body["nextPageIndex"] = index + 1
        return ok(body)

    apple = FakeApple()
    apple.routes["/assignments"] = shrinking
    stream = Collect()
    with apple.client() as client:
        result = client.assignments(compact=True, stream=stream)
    assert result.indexes == [0, 1, 2]
    assert [stream.pages[i][0].clientUserId for i in result.indexes] == ["u0", "u1", "u2"]


class _Body(httpx.SyncByteStream):
    """An answer's body that notes, when it is read, whether the limiter turn had ended."""

    def __init__(self, payload: dict[str, Any], seen: list[bool], client: list[Any]) -> None:
        self.payload, self.seen, self.client = payload, seen, client

    def __iter__(self):  # noqa: ANN204
        spans = self.client[0].limiter._spans
        self.seen.append(bool(spans) and all(s.end != math.inf for s in spans))
        yield json.dumps(self.payload).encode()


def test_the_rate_limiter_turn_ends_when_the_answer_begins() -> None:
    """Apple counted the request before it answered: the turn's span ends with the answer's
    headers, so reading and parsing a large page takes nothing from the rate."""
    seen: list[bool] = []
    client_box: list[Any] = []
    apple = FakeApple()
    apple.on("/client/config", lambda _request: httpx.Response(
        200, headers={"Content-Type": "application/json"},
        stream=_Body(envelope(), seen, client_box)))
    with apple.client() as client:
        client_box.append(client)
        client.client_config()
    assert seen == [True]
