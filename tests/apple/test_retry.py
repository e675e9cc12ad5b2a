"""Retries are bounded, non-recursive, cancellable, honour a capped Retry-After, and end
in a distinct GaveUp."""

from __future__ import annotations

import inspect
import random
import threading
from datetime import timedelta
from email.utils import format_datetime

import httpx
import pytest

from tests.apple.fakeapple import FakeApple, envelope, fail, ok
from vpp_tui.apple import errors as e
from vpp_tui.apple.clock import Cancelled, FakeClock
from vpp_tui.apple.models import Asset, RequestUser
from vpp_tui.apple.retry import RetryPolicy, parse_retry_after

CONFIG = envelope(locationName="PS01")
EVENT = envelope(eventId="ev-1")
DONE = envelope(eventStatus="COMPLETE", eventType="ASSOCIATE", numRequested=1,
                numCompleted=1)


def test_client_finishes_after_a_burst_of_429s() -> None:
    apple = FakeApple()
    apple.on("/client/config", fail(429, 9646), fail(429, 9646), fail(429, 9646), ok(CONFIG))
    with apple.client() as client:
        assert client.client_config().locationName == "PS01"
    assert len(apple.calls("/client/config")) == 4


def test_rate_limit_in_an_http_200_body_is_retried() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok({"errorNumber": 9646, "errorMessage": "Too many"}),
             ok(CONFIG))
    with apple.client() as client:
        assert client.client_config().locationName == "PS01"


@pytest.mark.parametrize("answer", [
    fail(500, 9603), fail(503, 9729), fail(502, None), httpx.ReadTimeout("slow"),
    httpx.ConnectError("refused"),
])
def test_reads_are_retried_on_server_and_network_failures(answer: object) -> None:
    apple = FakeApple()
    apple.on("/client/config", answer, ok(CONFIG))
    with apple.client() as client:
        assert client.client_config().locationName == "PS01"


def test_sustained_throttling_gives_up_after_max_attempts_with_the_last_error() -> None:
    apple = FakeApple()
    apple.on("/client/config", fail(429, 9646))
    with pytest.raises(e.GaveUp) as info, apple.client(max_attempts=4) as client:
        client.client_config()
    assert len(apple.calls("/client/config")) == 4
    assert isinstance(info.value.last, e.RateLimited)
    assert client.requests_made == 5  # service config + four attempts


def test_retry_loop_does_not_recurse() -> None:
    depths: list[int] = []

    def throttled(request: httpx.Request) -> httpx.Response:
        depths.append(len(inspect.stack(0)))
        return fail(429, 9646)

    apple = FakeApple()
    apple.on("/client/config", throttled)
    with pytest.raises(e.GaveUp), apple.client(max_attempts=30) as client:
        client.client_config()
    assert len(depths) == 30 and len(set(depths)) == 1


def test_retry_after_seconds_is_honoured() -> None:
    apple = FakeApple()
    apple.on("/client/config", fail(429, 9646, **{"Retry-After": "7"}), ok(CONFIG))
    with apple.client() as client:
        client.client_config()
    first, second = apple.calls("/client/config")
    assert second.at - first.at == pytest.approx(7.0)


def test_retry_after_http_date_is_honoured() -> None:
    clock = FakeClock()
    start = clock.monotonic()
    when = format_datetime(clock.now() + timedelta(seconds=42), usegmt=True)
    apple = FakeApple(clock=clock)
    apple.on("/client/config", fail(503, 9729, **{"Retry-After": when}), ok(CONFIG))
    with apple.client() as client:
        client.client_config()
    _first, second = apple.calls("/client/config")
    assert second.at - start == pytest.approx(42.0)  # the date, not 42 s after the reply


@pytest.mark.parametrize("header", ["99999999999999999999999", "1e308", "inf"])
def test_huge_retry_after_is_capped(header: str) -> None:
    apple = FakeApple()
    apple.on("/client/config", fail(429, 9646, **{"Retry-After": header}), ok(CONFIG))
    with apple.client(max_retry_after=120.0) as client:
        client.client_config()
    first, second = apple.calls("/client/config")
    assert second.at - first.at == pytest.approx(120.0)


def test_cancel_stops_the_wait_between_attempts() -> None:
    cancel = threading.Event()

    def throttled(request: httpx.Request) -> httpx.Response:
        cancel.set()
        return fail(429, 9646, **{"Retry-After": "60"})

    apple = FakeApple()
    apple.on("/client/config", throttled)
    with pytest.raises(Cancelled), apple.client(cancel=cancel) as client:
        client.client_config()
    assert len(apple.calls("/client/config")) == 1


def test_errors_that_retrying_cannot_fix_are_raised_at_once() -> None:
    apple = FakeApple()
    apple.on("/client/config", fail(401, 9621, "The token has expired."))
    with pytest.raises(e.TokenExpired), apple.client() as client:
        client.client_config()
    assert len(apple.calls("/client/config")) == 1


@pytest.mark.parametrize("answer", [fail(500, 9603), fail(502, None), httpx.ReadTimeout("?")])
def test_management_post_is_not_resent_when_apple_may_have_acted(answer: object) -> None:
    apple = FakeApple()
    apple.on("/users/retire", answer, ok(EVENT))
    with pytest.raises((e.ServerBusy, e.TransportError)), apple.client() as client:
        client.retire_users(["u1"])
    assert len(apple.calls("/users/retire")) == 1


@pytest.mark.parametrize("answer", [fail(429, 9646), ok({"errorNumber": 9646}),
                                    fail(503, 9729), httpx.ConnectError("refused")])
def test_management_post_is_resent_when_apple_certainly_did_nothing(answer: object) -> None:
    apple = FakeApple()
    apple.on("/assets/associate", answer, ok(EVENT))
    apple.on("/status", ok(DONE))
    with apple.client() as client:
        [outcome] = client.associate([Asset(adamId="1", pricingParam="STDQ")],
                                     serial_numbers=["S1"])
    assert outcome.status == "COMPLETE"
    assert len(apple.calls("/assets/associate")) == 2


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    policy = RetryPolicy(base_delay=2.0, max_delay=60.0, rng=random.Random(1))
    for attempt in range(1, 10):
        ceiling = min(60.0, 2.0 * 2 ** (attempt - 1))
        assert ceiling / 2 <= policy.backoff(attempt) <= ceiling


def test_backoff_is_reproducible_from_a_seed() -> None:
    a = RetryPolicy(rng=random.Random(3))
    b = RetryPolicy(rng=random.Random(3))
    assert [a.backoff(n) for n in range(1, 6)] == [b.backoff(n) for n in range(1, 6)]


def test_waits_without_retry_after_follow_the_backoff() -> None:
    apple = FakeApple()
    apple.on("/client/config", fail(500, 9603), fail(500, 9603), fail(500, 9603), ok(CONFIG))
    with apple.client() as client:
        client.client_config()
    times = [s.at for s in apple.calls("/client/config")]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert 1.0 <= gaps[0] <= 2.0 + 0.21 and 2.0 <= gaps[1] <= 4.21 and 4.0 <= gaps[2] <= 8.21


def test_parse_retry_after_rejects_garbage_and_clamps_negative_dates() -> None:
    now = FakeClock().now()
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("", now) is None
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert parse_retry_after("-5", now) == 0


def test_users_post_is_sent_once_per_batch_on_success() -> None:
    apple = FakeApple()
    apple.on("/users/create", ok(EVENT))
    apple.on("/status", ok(DONE))
    with apple.client() as client:
        client.create_users([RequestUser(clientUserId=f"u{i}") for i in range(5)])
    assert [len(s.body["users"]) for s in apple.calls("/users/create")] == [2, 2, 1]
