"""Apple's asynchronous events: every management POST returns an `eventId`, and the work is
done when `/status` says COMPLETE or FAILED.

FAILED is terminal and can be partial (Apple's example: 14 of 16 tasks done, one user
failed), so an outcome carries the per-target failures from `failures[].errorInfo`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from vpp_tui.apple.clock import Clock
from vpp_tui.apple.errors import EventTimeout
from vpp_tui.apple.models import StatusResponse
from vpp_tui.i18n import _

TERMINAL = frozenset({"COMPLETE", "FAILED"})


@dataclass
class EventFailure:
    error_number: int | None
    message: str
    client_user_ids: list[str] = field(default_factory=list)
    serial_numbers: list[str] = field(default_factory=list)
    assets: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class EventOutcome:
    event_id: str
    event_type: str | None = None
    status: str | None = None
    num_requested: int | None = None
    num_completed: int | None = None
    failures: list[EventFailure] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @property
    def ok(self) -> bool:
        return self.status == "COMPLETE" and not self.failures

    def failed_targets(self) -> dict[str, int]:
        """Each failed user id or serial number with its error number. A failure naming no
        user or device is keyed by the asset's adamId instead."""
        out: dict[str, int] = {}
        for failure in self.failures:
            number = failure.error_number or 0
            targets = failure.client_user_ids + failure.serial_numbers
            if not targets:
                targets = [adam for adam, _pricing in failure.assets]
            for target in targets:
                out.setdefault(target, number)
        return out


def outcome_from(event_id: str, status: StatusResponse) -> EventOutcome:
    failures = []
    for item in status.failures or []:
        info = item.errorInfo
        failures.append(EventFailure(
            error_number=item.errorNumber,
            message=item.errorMessage or "",
            client_user_ids=[str(x) for x in (info.clientUserIds or [])] if info else [],
            serial_numbers=[str(x) for x in (info.serialNumbers or [])] if info else [],
            assets=[(a.adamId or "", a.pricingParam) for a in (info.assets or [])]
            if info else [],
        ))
    return EventOutcome(event_id=event_id, event_type=status.eventType,
                        status=status.eventStatus, num_requested=status.numRequested,
                        num_completed=status.numCompleted, failures=failures)


def wait_for(event_id: str, fetch: Callable[[str], StatusResponse], *, clock: Clock,
             poll_interval: float, timeout: float, cancel=None,  # noqa: ANN001
             on_progress: Callable[[str, int, int], None] | None = None) -> EventOutcome:
    """Poll until the event is terminal. Each poll is one request; the waits between them
    go through the clock, so they are cancellable and instant on a FakeClock."""
    started = clock.monotonic()
    while True:
        outcome = outcome_from(event_id, fetch(event_id))
        if on_progress is not None:
            on_progress("event", outcome.num_completed or 0, outcome.num_requested or 0)
        if outcome.done:
            return outcome
        if clock.monotonic() - started + poll_interval > timeout:
            raise EventTimeout(_("event {event} still pending after {seconds:.0f} s").format(
                event=event_id, seconds=clock.monotonic() - started))
        clock.sleep(poll_interval, cancel)
