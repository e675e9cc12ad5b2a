"""Client-side request pacing per location, so Apple's `maxRequestPerSecond` is never hit.

Apple counts every request per location (sToken), across all clients of that token, and
answers the excess with 9646/429. Two rules together:

- spacing: turns are handed out at most `rate` per second, evenly, and idle time is never
  saved up for a burst;
- window: a request counts from its turn until its answer arrives, and no more than
  `floor(rate)` requests may touch any one-second window. Apple sees a request at some
  moment between those two, so however late a thread actually sends (scheduling, a slow
  network), Apple cannot count more than that in any second.

Clients of the same token share one limiter.
"""

from __future__ import annotations

import hashlib
import math
import threading
import weakref
from dataclasses import dataclass

from vpp_tui.apple.clock import Cancelled, Clock

# Clock arithmetic can land a hair before the instant aimed at.
_EPSILON = 1e-6
# Real seconds to wait for an answer when every slot of the window is still in flight.
_IN_FLIGHT_POLL = 0.05


@dataclass
class Span:
    start: float
    end: float = math.inf


class RateLimiter:
    def __init__(self, rate: float, clock: Clock) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._last: float | None = None
        self._spans: list[Span] = []
        self._rate = 1.0
        self.rate = rate

    @property
    def rate(self) -> float:
        return self._rate

    @rate.setter
    def rate(self, value: float) -> None:
        # A zero or negative limit from a broken config must not stall or flood: one a second.
        with self._cond:
            self._rate = value if value > 0 else 1.0

    @property
    def cap(self) -> int:
        return max(1, math.floor(self._rate + _EPSILON))

    def acquire(self, cancel: threading.Event | None = None) -> Span:
        """Wait for a turn; pass the result to `release` once the answer is in.

        Waits happen under the lock, so callers go one at a time: on a shared FakeClock
        one waiter at a time advances time, rather than every waiter on top of the others."""
        with self._cond:
            while True:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                now = self._clock.monotonic()
                self._spans = [s for s in self._spans if s.end > now - 1.0]
                wait = 0.0 if self._last is None else self._last + 1.0 / self._rate - now
                if len(self._spans) >= self.cap:
                    ended = [s.end for s in self._spans if s.end != math.inf]
                    if not ended:
                        self._cond.wait(_IN_FLIGHT_POLL)
                        continue
                    wait = max(wait, min(ended) + 1.0 - now + _EPSILON)
                if wait <= 0:
                    break
                self._clock.sleep(wait, cancel)
            span = Span(now)
            self._spans.append(span)
            self._last = now
            return span

    def release(self, span: Span) -> None:
        # Stamped without the lock (a waiter may hold it while sleeping): a late stamp only
        # makes the window more cautious.
        span.end = self._clock.monotonic()
        if self._cond.acquire(blocking=False):
            try:
                self._cond.notify_all()
            finally:
                self._cond.release()


# Per clock, then per token: keyed by the clock object itself, never id(clock), because an id
# is reused once a clock is freed and a new clock must not inherit another's timestamps.
_shared: weakref.WeakKeyDictionary[Clock, dict[str, RateLimiter]] = weakref.WeakKeyDictionary()
_shared_lock = threading.Lock()


def limiter_for(bearer: str, clock: Clock, rate: float) -> RateLimiter:
    """The limiter of this token's location (keyed by a hash, never the secret itself)."""
    key = hashlib.sha256(bearer.encode()).hexdigest()
    with _shared_lock:
        per_clock = _shared.setdefault(clock, {})
        limiter = per_clock.get(key)
        if limiter is None:
            limiter = RateLimiter(rate, clock)
            per_clock[key] = limiter
        return limiter
