"""When to retry a request to Apple, and how long to wait first.

Lessons from other MDMs (apple-api.md §6, §11): Fleet retried 9646 recursively and ran out
of memory under sustained throttling, and overflowed on huge `Retry-After` values. Here the
loop lives in the caller as a plain bounded `for` loop; this module only answers "retry?"
and "how long?", and every wait is clamped before use.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime

from vpp_tui.apple.errors import AppleError, RateLimited, ServerBusy, TransportError


@dataclass
class RetryPolicy:
    max_attempts: int = 5
    max_retry_after: float = 300.0
    base_delay: float = 2.0
    max_delay: float = 60.0
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Exponential with "equal jitter": half fixed, half random, so clients sharing a
        token spread out but every wait still grows."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** min(attempt - 1, 30))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def delay(self, error: AppleError, attempt: int) -> float:
        hinted = getattr(error, "retry_after", None)
        if hinted is not None:
            return min(max(hinted, 0.0), self.max_retry_after)
        return self.backoff(attempt)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date.
    Absurd values are clamped by the policy, never converted blindly."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=now.tzinfo)
        seconds = (when - now).total_seconds()
    if math.isnan(seconds):
        return None
    return max(0.0, min(seconds, 1e9))


def retryable(error: AppleError, *, idempotent: bool) -> bool:
    """Reads are retried on throttling, server failures and network trouble.

    Management POSTs (`/assets/*`, `/users/*`) start an asynchronous event and are not
    idempotent: resending one Apple already accepted starts a second event (a second
    retire, a second revoke). They are retried only when Apple certainly did no work:
    the connection never carried the request, or Apple refused it at the door with
    429/9646 (throttled) or 503/9729 (unavailable). A 500 or a read timeout may come
    after the event was created, so those are reported instead of resent.
    """
    if isinstance(error, TransportError):
        return idempotent or bool(getattr(error, "not_sent", False))
    if isinstance(error, RateLimited):
        return True
    if isinstance(error, ServerBusy):
        if idempotent:
            return True
        return error.http_status == 503 or error.error_number == 9729
    return False
