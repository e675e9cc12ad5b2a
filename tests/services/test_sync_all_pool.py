"""`sync_all` runs tokens in a bounded pool (issue 13): observed at the simulator, no timing."""

from __future__ import annotations

import threading

import httpx

from tests.services.test_tokens import add
from vpp_tui.services import sync


class Meeting(httpx.BaseTransport):
    """Holds the first token's first `/assets` request until another token's request
    arrives (or `patience` seconds pass): only parallel syncs can meet."""

    def __init__(self, inner: httpx.BaseTransport, patience: float = 20.0) -> None:
        self.inner = inner
        self.patience = patience
        self.first: str | None = None
        self.other = threading.Event()
        self.met = False
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        bearer = request.headers.get("authorization")
        if bearer:
            with self.lock:
                if self.first is None:
                    self.first = bearer
                elif bearer != self.first:
                    self.other.set()
            if bearer == self.first and request.url.path.endswith("/assets") and not self.met:
                self.met = self.other.wait(self.patience)
        return self.inner.handle_request(request)


def test_sync_all_runs_tokens_in_parallel_and_reports_each(world) -> None:
    for loc in ("North Campus", "South Campus", "Old Annex"):
        add(world, loc)
    meeting = Meeting(world.transport.inner)
    world.transport.inner = meeting
    results = sync.sync_all(world.ctx, workers=2)
    assert meeting.met, "the second token did not start while the first was syncing"
    assert {r.name: r.status for r in results} == {
        "North Campus": "completed", "South Campus": "completed", "Old Annex": "skipped"}


def test_sync_all_skips_a_broken_token_without_a_request(world) -> None:
    add(world, "Old Annex")  # expired
    before = world.transport.count
    progress: list[tuple[str, int, int]] = []
    results = sync.sync_all(world.ctx, on_progress=lambda *a: progress.append(a))
    assert [(r.name, r.status, r.skip_reason) for r in results] == [
        ("Old Annex", "skipped", "needs_attention")]
    assert world.transport.count == before
    assert progress[-1] == ("", 1, 1)
