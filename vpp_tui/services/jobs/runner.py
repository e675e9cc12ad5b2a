"""Run one claimed job through the service that does the same work inline, as the admin
who queued it, and say how it ended.

Each kind calls the existing use case (`sync.sync_token`, `licensing.apply_assign`,
`apply_unassign`, `apply_revoke`, `reconcile.reclaim.apply_reclaim`); those take the location lease, check access again
(`authorize` as the job's admin: a grant withdrawn since queuing refuses the job) and keep
their transactions short around Apple. Nothing here holds a transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.clock import Cancelled
from vpp_tui.domain import jobs as rules
from vpp_tui.domain import outcomes
from vpp_tui.i18n import _
from vpp_tui.services.access import AccessDenied
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, ServiceError

Progress = Callable[[str, int, int], None]
INTERRUPTED = "interrupted"  # not a stored state: the worker hands the job back or cancels
BUSY = "busy"  # not a stored state: another process holds the location; hand back, retry


@dataclass(frozen=True)
class Outcome:
    """How a job ended: `state` done | failed | interrupted | busy; `result` one line;
    `exit_status` what the inline command would have exited with (0, 1 or 2);
    `cancelled`: interrupted part-way by a cancel, and `result` says what had been done
    (kept as the cancelled job's result; else `domain.jobs.cancelled_text`)."""

    state: str
    result: str
    exit_status: int
    cancelled: bool = False


def _stopped(batches: tuple[int, int]) -> Outcome:
    """A job a cancel stopped at a safe point, the batches it sent recorded."""
    return Outcome(INTERRUPTED, rules.cancelled_part_text(*batches), 1, cancelled=True)


def _sync(ctx: ServiceContext, token: str | None, payload: dict[str, Any],
          on_progress: Progress) -> Outcome:
    from vpp_tui.services import sync

    result = sync.sync_token(ctx, token or "", full=bool(payload.get("full")),
                             on_progress=on_progress)
    line = _("{status}: {r} requests, {a} assets, {n} assignments, {u} users").format(
        status=result.status, r=result.requests, a=result.assets, n=result.assignments,
        u=result.users)
    if result.error:
        line += f" ({result.error})"
    if result.status == outcomes.INTERRUPTED:
        return Outcome(INTERRUPTED, line, 1)
    if result.skip_reason == outcomes.SKIP_BUSY:  # e.g. a dead worker's lease, not run yet
        return Outcome(BUSY, line, 0)
    undone = outcomes.sync_left_undone(result.status, result.skip_reason)
    return Outcome(rules.FAILED if undone else rules.DONE, line, 1 if undone else 0)


def _licensing(ctx: ServiceContext, kind: str, payload: dict[str, Any]) -> Outcome:
    from vpp_tui.services import licensing

    if kind == rules.ASSIGN:
        result = licensing.apply_assign(ctx, payload["item"], payload["group"],
                                        payload["intent"], payload.get("license"),
                                        payload.get("token"))
    elif kind == rules.UNASSIGN:
        result = licensing.apply_unassign(ctx, payload["item"], payload["group"],
                                          payload.get("token"))
    else:
        result = licensing.apply_revoke(ctx, item=payload.get("item"),
                                        token=payload.get("token"), user=payload.get("user"),
                                        device=payload.get("device"))
    if result.cancelled:
        return _stopped(result.batches)
    waiting = sum(1 for x in result.members if getattr(x, "waitlist_position", None))
    line = _("licensed {l}, reclaimed {r}, failed {f}, waiting {w}").format(
        l=result.licensed, r=result.reclaimed, f=result.failed - waiting, w=waiting)
    if result.error:
        line += f" ({result.error})"
    # Members short of a license or refused leave the job done (the rest was done and is
    # recorded) with the exit status the command gives them (1); Apple stopping it: failed.
    undone = bool(result.error or result.failed)
    return Outcome(rules.FAILED if result.error else rules.DONE, line, 1 if undone else 0)


def _reconcile(ctx: ServiceContext, payload: dict[str, Any], on_progress: Progress
               ) -> Outcome:
    """`reconcile --reclaim CLASS… --yes` through `reclaim.apply_reclaim`, item by item
    with progress (stage: the item being reclaimed)."""
    from vpp_tui.services.licensing.views import batches_of
    from vpp_tui.services.reconcile import reclaim

    def progress(item: str, done: int, total: int) -> None:
        on_progress(item or rules.RECONCILE, done, total)

    result = reclaim.apply_reclaim(ctx, list(payload["classes"]), token=payload.get("token"),
                                   on_progress=progress)
    if result.not_sent or any(r.cancelled for r in result.results):
        sent, planned = batches_of(result.results)["batches"]
        return _stopped((sent, planned + result.not_sent))
    line = _("reclaimed {r} licenses, {f} failed, {e} kept").format(
        r=result.reclaimed, f=result.failed, e=len(result.excluded))
    if result.errors:
        line += f" ({'; '.join(result.errors)})"
    # As the command exits: 1 when an item was not done or a license not reclaimed.
    undone = bool(result.errors or result.failed)
    return Outcome(rules.FAILED if result.errors else rules.DONE, line, 1 if undone else 0)


def run(ctx: ServiceContext, kind: str, token: str | None, payload: dict[str, Any],
        on_progress: Progress) -> Outcome:
    """Run one job of `kind` as `ctx.actor`; never raises for the work's own failures
    (Apple's refusals, access refused, bad input found only now): they are the Outcome.
    `ctx.cancel` set: the work stops at its next safe point (before a batch is posted to
    Apple; what was posted is awaited and recorded) and the Outcome is interrupted, saying
    what was done; a cancel after the last post changes nothing (done)."""
    try:
        if kind == rules.SYNC:
            return _sync(ctx, token, payload, on_progress)
        if kind in (rules.ASSIGN, rules.UNASSIGN, rules.REVOKE):
            on_progress(kind, 0, 1)
            outcome = _licensing(ctx, kind, payload)
            on_progress(kind, 1, 1)
            return outcome
        if kind == rules.RECONCILE:
            return _reconcile(ctx, payload, on_progress)
        return Outcome(rules.FAILED, _("unknown job kind {k}").format(k=kind), 2)
    except Cancelled:
        return Outcome(INTERRUPTED, _("stopped before it finished"), 1)
    except AccessDenied as exc:
        return Outcome(rules.FAILED, str(exc), 1)
    except apple_errors.AppleError as exc:
        return Outcome(rules.FAILED, apple_failure_text(exc), 1)
    except ServiceError as exc:
        return Outcome(rules.FAILED, exc.message, 2 if isinstance(exc, InvalidInput) else 1)
    except Exception as exc:  # noqa: BLE001 - a bug in one job must not end the worker
        return Outcome(rules.FAILED, f"{type(exc).__name__}: {exc}"[:500], 1)
