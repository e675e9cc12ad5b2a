"""The per-location write lease: its timing, when it is stale, its fencing number, its key.

Rule (issue 9 items 2, 3, 5; design.md "The ledger"): every write to Apple and every sync of
one location is serialised by one lease row. Its holder renews it on a heartbeat while the
work runs; a holder whose heartbeat stopped (crash, kill -9) leaves a lease that is stale
after one lease period and taken by the next writer. Each acquisition moves the fencing
number on, so a writer that lost its lease (broken, or taken while it stalled) can tell
before it writes its results. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vpp_tui.i18n import _

# The one place the figures live. Seconds.
LEASE_SECONDS = 60.0  # a live holder renews well within this; a dead one blocks this long
RENEWALS_PER_PERIOD = 4  # heartbeat every LEASE_SECONDS / 4 = 15 s
WAIT_SECONDS = 600.0  # how long a write (assign, revoke…) waits for the lease's holder
POLL_SECONDS = 0.5  # how often a waiting writer looks again (another process may hold it)


@dataclass(frozen=True)
class LeaseTiming:
    """`period`: a lease lives this long after its last renewal; `renew_every`: heartbeat
    interval (period / RENEWALS_PER_PERIOD); `wait`: how long a writer waits for the lease;
    `poll`: how often it looks again. All seconds, > 0 (wait >= 0)."""

    period: float
    renew_every: float
    wait: float
    poll: float


MAX_SECONDS = 10 * 366 * 24 * 3600  # longer than ten years is a typo (and overflows dates)


def lease_timing(period: float | None = None, wait: float | None = None) -> LeaseTiming:
    """The timing for a lease period and a wait (None: the defaults above).

    Raises ValueError for a period <= 0 or a wait < 0, or either beyond MAX_SECONDS or not
    a number (NaN, infinity): a lease must end within a time a date can hold (the caller
    says which setting)."""
    period = LEASE_SECONDS if period is None else float(period)
    wait = WAIT_SECONDS if wait is None else float(wait)
    if not (0 < period <= MAX_SECONDS and 0 <= wait <= MAX_SECONDS):  # False for NaN
        raise ValueError("lease period must be > 0 and wait >= 0, both at most ten years")
    return LeaseTiming(period=period, renew_every=period / RENEWALS_PER_PERIOD, wait=wait,
                       poll=min(POLL_SECONDS, period / RENEWALS_PER_PERIOD))


def lease_key(location_id: str | None, token_id: int) -> str:
    """The lease a token's writes take: its location's, so duplicate tokens of one location
    (which write the same Apple ledger, apple-api.md §2.9) are serialised together; a token
    whose location is not known yet has a lease of its own."""
    return f"location:{location_id}" if location_id else f"token:{token_id}"


def location_key(location_id: str | None, token_id: int) -> str:
    """The key that groups a token's rows with those of the other tokens of its location
    (Apple keeps one ledger per location, apple-api.md §2.9): the locationId, or
    "token:ID" for a token whose location is not known yet (a group of its own). Not the
    lease's name (`lease_key`), which prefixes the location."""
    return location_id or f"token:{token_id}"


def is_free(owner: str | None, expires_at: datetime | None, now: datetime) -> bool:
    """True when a lease may be taken: nobody holds it, or its holder stopped renewing it
    (`expires_at` passed: the heartbeat stopped, so the holder is taken to be dead)."""
    return owner is None or expires_at is None or expires_at <= now


def next_fence(current: int | None) -> int:
    """The fencing number of the next acquisition (or break): always moves on."""
    return (current or 0) + 1


def busy_text(owner: str, since: datetime | None) -> str:
    """The one line saying who holds the lease a sync needs (the sync is skipped as busy)."""
    return _("already being synced or changed by another console ({owner}, since {since}); "
             "try again later").format(owner=owner, since=_when(since))


def wait_expired_text(token: str, owner: str, since: datetime | None, waited: float) -> str:
    """The one line when a write gave up waiting for another holder's lease (exit 1)."""
    return _("{token} is still being synced or changed by {owner} (since {since}) after "
             "waiting {n:.0f} s; nothing was sent to Apple. Try again later, or if that "
             "process is gone: vpp-tui sync --break-lease \"{token}\"").format(
        token=token, owner=owner, since=_when(since), n=waited)


def lost_text(token: str) -> str:
    """The one line when a writer finds its lease broken or taken (fence moved on)."""
    return _("lease lost: another process took over {token}; Apple's answers to this run "
             "were not saved (what was recorded before Apple was called, such as a new "
             "assignment, is kept). Run sync").format(token=token)


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if at is not None else "?"


def owner_host(owner: str | None) -> str:
    """The `host:pid` part of a lease or job owner name (`actor@host:pid:nonce`, as
    `services.leases.owner_name` writes it); "" for none; a name of another shape as it
    is. Shown as a job's worker."""
    if not owner:
        return ""
    _actor, _at, rest = owner.rpartition("@")
    return rest.rsplit(":", 1)[0] if rest.count(":") >= 2 else rest
