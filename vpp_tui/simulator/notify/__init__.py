"""What the simulator POSTs to a location's `notificationUrl`, as Apple does (apple-api.md §8).

`Notifier` is the sender: the TEST_NOTIFICATION goes synchronously (Apple rejects the client
config with 9728 when it cannot be delivered, §2.3); every other notification goes to a queue
that one background thread empties, so a slow or dead receiver never blocks the simulator's
request handling. Each delivery is tried up to 3 times (§8.1); any 2xx counts as delivered.

Tests await delivery with `Notifier.drain()` (the queue is joined: no sleeps), and may give
the notifier their own `post` (e.g. straight into the receiving service, in-process).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# post(url, headers, body bytes) -> HTTP status; raises OSError/httpx.HTTPError when unreachable.
Post = Callable[[str, dict[str, str], bytes], int]

ATTEMPTS = 3
# Apple spreads its 3 attempts over 1-5 minutes; the simulator compresses that to seconds.
DEFAULT_DELAYS = (1.0, 4.0)


@dataclass
class Delivery:
    """One notification and what became of it (`status` is the last HTTP status, None when
    the receiver was unreachable; `attempts` counts the tries)."""

    url: str
    notification_type: str
    envelope: dict[str, Any]
    status: int | None = None
    attempts: int = 0
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def http_post(timeout: float = 5.0) -> Post:
    """The default `post`: one httpx request per attempt, no redirects followed."""
    import httpx

    def post(url: str, headers: dict[str, str], body: bytes) -> int:
        with httpx.Client(timeout=timeout) as client:
            return client.post(url, content=body, headers=headers).status_code

    return post


@dataclass
class Notifier:
    """The simulator's sender of notifications (see the module docstring).

    `post` delivers one attempt; `delays` are the waits (seconds) before the 2nd and 3rd
    attempts. `log` keeps every finished `Delivery`, in order, for tests and the operator.
    """

    post: Post = field(default_factory=http_post)
    delays: Sequence[float] = DEFAULT_DELAYS
    log: list[Delivery] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: queue.Queue[tuple[Delivery, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    # -- sending --------------------------------------------------------------------------
    def send_now(self, url: str, auth_token: str, envelope: dict[str, Any]) -> Delivery:
        """Deliver synchronously (up to 3 attempts); returns the delivery, delivered or not."""
        delivery = Delivery(url, str(envelope.get("notificationType")), envelope)
        self._deliver(delivery, auth_token)
        return delivery

    def enqueue(self, url: str, auth_token: str, envelope: dict[str, Any]) -> None:
        """Queue one notification for the background thread (started on first use)."""
        delivery = Delivery(url, str(envelope.get("notificationType")), envelope)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="sim-notifier",
                                                daemon=True)
                self._thread.start()
        self._queue.put((delivery, auth_token))

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every queued notification is delivered or given up; True when so.

        Deterministic for tests: it joins the queue, it does not sleep."""
        if timeout is None:
            self._queue.join()
            return True
        done = threading.Event()

        def join() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=join, daemon=True).start()
        return done.wait(timeout)

    def close(self) -> None:
        """Stop the background thread after the queue is empty (waits cut short)."""
        with self._lock:
            thread = self._thread
            self._thread = None
        if thread is not None and thread.is_alive():
            self._stop.set()
            self._queue.put(None)
            thread.join(timeout=10)

    def delivered(self, notification_type: str | None = None) -> list[Delivery]:
        """The finished deliveries that reached the receiver, of one type or all."""
        return [d for d in list(self.log) if d.delivered and
                (notification_type is None or d.notification_type == notification_type)]

    # -- internals ------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._deliver(*item)
            finally:
                self._queue.task_done()

    def _deliver(self, delivery: Delivery, auth_token: str) -> None:
        body = json.dumps(delivery.envelope).encode()
        headers = {"Authorization": f"Bearer {auth_token}",
                   "Content-Type": "application/json"}
        for attempt in range(ATTEMPTS):
            if attempt:
                wait = self.delays[min(attempt - 1, len(self.delays) - 1)] if self.delays else 0
                if wait > 0 and self._stop.wait(wait):
                    break
            delivery.attempts = attempt + 1
            try:
                delivery.status, delivery.error = self.post(delivery.url, headers, body), None
            except Exception as exc:  # noqa: BLE001 - unreachable: try again, then give up
                delivery.status, delivery.error = None, f"{type(exc).__name__}: {exc}"
            if delivery.delivered:
                break
        self.log.append(delivery)
