"""Time as a dependency, so retries, polling and simulated events never need real sleeps in tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Cancelled(Exception):
    """A wait was cancelled (the admin stopped the work, or the app is closing)."""


class Clock(Protocol):
    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        if seconds <= 0:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            return
        if cancel is None:
            time.sleep(seconds)
        elif cancel.wait(seconds):
            raise Cancelled()


class FakeClock:
    """A clock that moves only when slept on: a 300 s back-off takes no real time."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        self._mono = 1000.0
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._mono += seconds

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        self.slept.append(seconds)
        self.advance(max(seconds, 0.0))
