"""Requests to one location never exceed the rate Apple allows, even from several threads."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from tests.apple.fakeapple import FakeApple, envelope, ok
from vpp_tui.apple.clock import Cancelled, FakeClock
from vpp_tui.apple.limiter import RateLimiter, limiter_for


def _max_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    best = 0
    for i, start in enumerate(times):
        best = max(best, sum(1 for t in times[i:] if t < start + 1.0 - 1e-9))
    return best


def take(limiter: RateLimiter, cancel: threading.Event | None = None) -> None:
    limiter.release(limiter.acquire(cancel))


def test_client_requests_stay_under_max_request_per_second() -> None:
    apple = FakeApple()  # service config says maxRequestPerSecond 5
    apple.on("/client/config", ok(envelope()))
    with apple.client() as client:
        for _ in range(40):
            client.client_config()
    assert _max_in_any_second([s.at for s in apple.sent]) <= 5


def test_rate_follows_the_service_config() -> None:
    apple = FakeApple()
    apple.service_config = {"limits": {"maxRequestPerSecond": 2}}
    apple.on("/client/config", ok(envelope()))
    with apple.client() as client:
        for _ in range(10):
            client.client_config()
    assert 1 <= client.limiter.rate <= 2
    assert _max_in_any_second([s.at for s in apple.sent[1:]]) <= 2


def test_clients_of_the_same_token_share_one_limiter() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok(envelope()))
    with apple.client("same") as a, apple.client("same") as b, apple.client("other") as c:
        assert a.limiter is b.limiter and a.limiter is not c.limiter
        for _ in range(10):
            a.client_config()
            b.client_config()
    assert _max_in_any_second([s.at for s in apple.sent]) <= 5


def test_threads_are_granted_one_at_a_time_at_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock)
    start = clock.monotonic()

    def worker() -> None:
        for _ in range(25):
            take(limiter)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 200 grants 0.1 s apart: fewer seconds would mean two threads shared a turn, more
    # would mean waiters advanced the shared clock on top of each other.
    assert clock.monotonic() - start == pytest.approx(19.9, abs=1e-3)
    assert len(clock.slept) == 199


def test_idle_time_is_not_saved_up_for_a_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(5, clock)
    take(limiter)
    clock.advance(100)
    start = clock.monotonic()
    for _ in range(6):
        take(limiter)
    assert clock.monotonic() - start == pytest.approx(1.0, abs=1e-3)


def test_a_nonsense_rate_falls_back_to_one_per_second() -> None:
    assert RateLimiter(0, FakeClock()).rate == 1.0


def test_waiting_for_a_slot_is_cancellable() -> None:
    limiter = RateLimiter(1, FakeClock())
    cancel = threading.Event()
    take(limiter, cancel)
    cancel.set()
    with pytest.raises(Cancelled):
        take(limiter, cancel)


def test_a_slow_answer_keeps_its_place_in_the_window() -> None:
    # Apple may count a request as late as its answer: with two a second, a request whose
    # answer took 0.9 s still occupies the window until 1 s after that answer.
    clock = FakeClock()
    limiter = RateLimiter(2, clock)
    start = clock.monotonic()
    slow = limiter.acquire()
    clock.advance(0.9)
    limiter.release(slow)
    take(limiter)
    third = limiter.acquire()
    assert third.start - start >= 1.9
    limiter.release(third)


def test_limiters_are_keyed_by_token_and_clock() -> None:
    clock = FakeClock(datetime(2026, 1, 1).astimezone())
    assert limiter_for("t", clock, 5) is limiter_for("t", clock, 5)
    assert limiter_for("t", clock, 5) is not limiter_for("t", FakeClock(), 5)
