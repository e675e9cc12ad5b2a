"""Reading all pages: stop at the page without nextPageIndex, at most five in flight,
follow a growing list, keep the first page's versionId, fall back on 9721."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest

from tests.apple.fakeapple import FakeApple, envelope, fail, ok
from vpp_tui.apple import errors as e
from vpp_tui.apple.models import Page
from vpp_tui.apple.paging import read_all


def pages_of(total: int, per_page: int = 2, version: str = "v1",
             grow_to: int | None = None) -> Callable[[httpx.Request], httpx.Response]:
    """A paged /assignments; `grow_to` makes the list longer once page 0 was read."""
    state = {"total": total}

    def handler(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params.get("pageIndex", "0"))
        total_now = state["total"]
        if index >= total_now:
            return fail(400, 9650, "page index")
        body = envelope(currentPageIndex=index, totalPages=total_now, size=per_page,
                        versionId=version if index == 0 else f"{version}-later",
                        assignments=[{"adamId": "1", "serialNumber": f"S{index}-{i}"}
                                     for i in range(per_page)])
        if index < total_now - 1:
            body["nextPageIndex"] = index + 1
        if grow_to is not None and index == 0:
            state["total"] = grow_to
        return ok(body)

    return handler


def test_all_pages_are_read_in_order() -> None:
    apple = FakeApple()
    apple.routes["/assignments"] = pages_of(7)
    with apple.client() as client:
        result = client.assignments()
    assert [a.serialNumber for a in result.items] == [f"S{p}-{i}" for p in range(7)
                                                      for i in range(2)]
    assert len(apple.calls("/assignments")) == 7


def test_version_id_is_the_first_pages() -> None:
    apple = FakeApple()
    apple.routes["/assignments"] = pages_of(3, version="first")
    with apple.client() as client:
        assert client.assignments().version_id == "first"


def test_stops_at_missing_next_page_index_not_at_total_pages() -> None:
    # Apple's recipe would ask for page totalPages (off by one) and get 9650.
    apple = FakeApple()
    apple.routes["/assignments"] = pages_of(3)
    with apple.client() as client:
        client.assignments()
    asked = sorted(int(s.params["pageIndex"]) for s in apple.calls("/assignments"))
    assert asked == [0, 1, 2]


def test_a_single_page_needs_one_request() -> None:
    apple = FakeApple()
    apple.routes["/assignments"] = pages_of(1)
    with apple.client() as client:
        assert len(client.assignments().items) == 2
    assert len(apple.calls("/assignments")) == 1


def test_empty_result_with_zero_total_pages() -> None:
    apple = FakeApple()
    apple.on("/users", ok(envelope(currentPageIndex=0, totalPages=0, size=0, users=[],
                                   versionId="v0")))
    with apple.client() as client:
        result = client.users()
    assert result.items == [] and result.version_id == "v0"


def test_growing_list_is_followed_to_its_real_end() -> None:
    apple = FakeApple()
    apple.routes["/assignments"] = pages_of(3, grow_to=6)
    with apple.client() as client:
        result = client.assignments()
    assert len(result.items) == 12
    assert sorted(int(s.params["pageIndex"]) for s in apple.calls("/assignments")) == \
        list(range(6))


def test_pages_after_a_shrunk_end_are_ignored() -> None:
    calls = {"n": 0}

    def shrinking(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params["pageIndex"])
        calls["n"] += 1
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
    with apple.client() as client:
        result = client.assignments()
    assert [a.clientUserId for a in result.items] == ["u0", "u1", "u2"]


def test_at_most_five_pages_in_flight() -> None:
    lock = threading.Lock()
    state = {"now": 0, "max": 0}
    inner = pages_of(30)

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        try:
            threading.Event().wait(0.002)  # hold the slot so overlaps can be seen
            return inner(request)
        finally:
            with lock:
                state["now"] -= 1

    apple = FakeApple()
    apple.routes["/assignments"] = handler
    with apple.client() as client:
        assert len(client.assignments().items) == 60
    assert 1 < state["max"] <= 5


def test_delta_sends_since_version_id_and_keeps_the_new_version() -> None:
    apple = FakeApple()
    apple.on("/users", ok(envelope(currentPageIndex=0, totalPages=1, versionId="v2",
                                   users=[{"clientUserId": "u1", "status": "Retired"}])))
    with apple.client() as client:
        result = client.users(since_version_id="v1")
    assert result.delta and result.version_id == "v2"
    assert apple.calls("/users")[0].params["sinceVersionId"] == "v1"


def test_unknown_version_falls_back_to_a_full_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "sinceVersionId" in request.url.params:
            return fail(400, 9721, "invalid version ID")
        return ok(envelope(currentPageIndex=0, totalPages=1, versionId="full",
                           assignments=[{"adamId": "1", "serialNumber": "S"}]))

    apple = FakeApple()
    apple.routes["/assignments"] = handler
    with apple.client() as client:
        result = client.assignments(since_version_id="stale")
    assert not result.delta and result.version_id == "full" and len(result.items) == 1


def test_filters_are_sent_with_apples_boolean_spelling() -> None:
    apple = FakeApple()
    apple.on("/users", ok(envelope(currentPageIndex=0, totalPages=1, users=[])))
    with apple.client() as client:
        client.users(activeOnly=True)
    assert apple.calls("/users")[0].params == {"activeOnly": "true", "pageIndex": "0"}


def test_a_failing_page_fails_the_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["pageIndex"] == "2":
            return fail(401, 9625, "revoked")
        return pages_of(4)(request)

    apple = FakeApple()
    apple.routes["/assignments"] = handler
    with pytest.raises(e.TokenRevoked), apple.client() as client:
        client.assignments()


def test_progress_reports_pages_read() -> None:
    seen: list[tuple[str, int, int]] = []
    apple = FakeApple()
    apple.routes["/assignments"] = pages_of(3)
    with apple.client(on_progress=lambda *a: seen.append(a)) as client:
        client.assignments()
    assert seen[0] == ("assignments", 1, 3) and seen[-1] == ("assignments", 3, 3)


def test_contradictory_pages_restart_then_give_up() -> None:
    def fetch(index: int) -> Page:
        if index == 0:
            return Page(currentPageIndex=0, totalPages=2, nextPageIndex=1)
        raise e.PageOutOfRange("gone", 9650)

    with pytest.raises(e.PageOutOfRange):
        read_all(fetch)
