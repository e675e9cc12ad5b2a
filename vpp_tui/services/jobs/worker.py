"""`vpp-tui worker`: claim queued jobs and due syncs from the store and run them, N at a
time, until asked to stop (issue 13, "Several hosts, one PostgreSQL").

Threads: N job slots, each claiming one job at a time (`queue.claim`) and running it as
the admin who queued it (`runner.run`), and the calling thread, which is the heartbeat:
every `leases.timing().renew_every` seconds it renews the lease of every job this worker
runs (and the SQLite slot) and stops the jobs which another worker took over; every
`CANCEL_POLL_SECONDS` while jobs run it reads their cancel requests (`jobs cancel`, the
console's jobs screen) and stops those jobs at their next safe point (`ctx.cancel`:
before another batch is posted to Apple; what was posted is awaited and recorded,
`licensing.apply.send_ops`), which then end `cancelled` saying what was done (or `done`
when nothing was left to send); and every DUE_SCAN_SECONDS it queues the syncs that
have fallen due.

`request_stop()` (the CLI calls it on SIGTERM and SIGINT): no new claims; every running
job is stopped between its Apple calls (`ctx.cancel`, as the console stops a sync) and
handed back to the queue (`queue.hand_back`), then `run` returns. A worker killed outright
(SIGKILL, a lost host) renews nothing: its jobs are claimed again by another worker once
their lease has run out (one lease period, `VPP_LEASE_SECONDS`).

The worker's own admin (`ctx.actor`, normally the service account's OS login) claims
only the jobs it may run (`domain.access.may_act_as`, the rule of `--as`): the jobs that
admin queued, or anyone's when it holds `roles.act_for_others`. The filter is in the claim
query (`queue.claim(admin=...)`), so other admins' jobs stay queued for a worker that may
run them; `scope_warning` says so once at start. A permission withdrawn after the claim
still fails the job with the refusal (`access.identity.check_identity`), before any call
to Apple.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from vpp_tui.domain import jobs as rules
from vpp_tui.i18n import _, for_store
from vpp_tui.services import leases
from vpp_tui.services.access import AccessDenied
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.jobs import enqueue_due, queue, runner


@dataclass
class WorkerReport:
    """What a worker did before it stopped: jobs by how they ended, syncs it queued.
    `partial`: of the `done` jobs, those that left part of the work undone (exit status 1,
    as the inline command exits: e.g. an assignment short of licenses)."""

    done: int = 0
    partial: int = 0
    failed: int = 0
    cancelled: int = 0
    handed_back: int = 0
    lost: int = 0
    queued_due: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Running:
    job: queue.Claimed
    ctx: ServiceContext
    user_cancel: bool = False
    lost: bool = False
    last_progress: float = -1e9
    stage: str = ""


class Worker:
    """A worker on `ctx`'s store. `concurrency`: job slots (>= 1); `once`: return when no
    job is left to claim instead of waiting for more (cron, tests); `due`: also queue the
    syncs that fall due (`jobs.enqueue_due`)."""

    def __init__(self, ctx: ServiceContext, *, concurrency: int = 1, once: bool = False,
                 due: bool = True) -> None:
        self.ctx = ctx
        self.concurrency = max(1, concurrency)
        self.once = once
        self.due = due
        self.name = leases.owner_name(ctx)
        self.stop = threading.Event()
        self.report = WorkerReport()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._running: dict[int, _Running] = {}
        self._pace = leases.timing()
        self._due_checked = False
        self._due_refusal: str | None = None

    def due_warning(self) -> str | None:
        """One line when this worker was asked to queue due syncs but its admin lacks
        `managed_apps.sync`; the worker then skips the due scan for as long as it runs.
        Checked once (`check_action`: no `access.denied` audit entry), not on every scan;
        None when it may queue them (or `due` is off)."""
        if not self._due_checked:
            from vpp_tui.domain.access import denial_text
            from vpp_tui.services.access import Permission, check_action

            self._due_checked = True
            if self.due and not check_action(self.ctx, Permission.TOKENS_SYNC):
                self.due = False
                self._due_refusal = _("due syncs not queued: {e}").format(
                    e=denial_text(self.ctx.actor, Permission.TOKENS_SYNC, None))
        return self._due_refusal

    def scope_warning(self) -> str | None:
        """One line when this worker's admin may run only its own jobs (it lacks
        `roles.act_for_others`); None when it may run anyone's."""
        from vpp_tui.services.access.identity import acts_for_others, missing_act_for_others_text

        if acts_for_others(self.ctx, self.ctx.actor):
            return None
        return missing_act_for_others_text(self.ctx.actor)

    def request_stop(self) -> None:
        """Stop soon: no new claims; running jobs stop and go back to the queue. Safe from
        a signal handler."""
        self.stop.set()
        self._wake.set()

    def run(self) -> WorkerReport:
        """Work until `request_stop` (or, with `once`, until nothing is left). Raises
        queue.WorkerBusy on a SQLite store another worker holds."""
        self.due_warning()  # once, before the first scan: no audit entry every scan
        with queue.sqlite_slot(self.ctx, self.name) as slot:
            self._scan_due()
            next_scan = self.ctx.clock.monotonic() + rules.DUE_SCAN_SECONDS
            slots = [threading.Thread(target=self._slot, name=f"job slot {i}", daemon=True)
                     for i in range(self.concurrency)]
            for thread in slots:
                thread.start()
            # A wait's length, not a date: real time, as the waits themselves.
            next_beat = time.monotonic() + self._pace.renew_every
            while any(t.is_alive() for t in slots):
                self._wake.wait(max(0.0, min(next_beat - time.monotonic(),
                                             rules.CANCEL_POLL_SECONDS)))
                self._wake.clear()
                if self.stop.is_set():
                    self._stop_all()
                if time.monotonic() >= next_beat:
                    self._beat(slot)
                    next_beat = time.monotonic() + self._pace.renew_every
                else:
                    self._poll_cancels()
                if (self.due and not self.once and not self.stop.is_set()
                        and self.ctx.clock.monotonic() >= next_scan):
                    self._scan_due()
                    next_scan = self.ctx.clock.monotonic() + rules.DUE_SCAN_SECONDS
            for thread in slots:
                thread.join()
        return self.report

    def _scan_due(self) -> None:
        if not self.due:
            return
        try:
            self.report.queued_due += len(enqueue_due(self.ctx))
        except Exception as exc:  # noqa: BLE001 - no sync right (AccessDenied), store busy
            self._note(_("due syncs not queued: {e}").format(e=exc))

    def _note(self, text: str) -> None:
        if text not in self.report.errors:
            self.report.errors.append(text)

    def _stop_all(self) -> None:
        with self._lock:
            for running in self._running.values():
                running.ctx.cancel.set()

    def _beat(self, slot: queue.Slot | None) -> None:
        with self._lock:  # judged below: only jobs claimed before the renewal read the rows
            before = set(self._running)
        try:
            if slot is not None:
                slot.renew()
            asked = queue.renew(self.ctx, self.name, self._pace.period)
        except Exception as exc:  # noqa: BLE001 - the store is busy: the next beat tries again
            self._note(_("lease renewal failed: {e}").format(e=exc))
            return
        with self._lock:
            for job_id, running in self._running.items():
                if job_id not in before:
                    continue
                if job_id not in asked:
                    running.lost = True
                    running.ctx.cancel.set()
                elif asked[job_id]:
                    running.user_cancel = True
                    running.ctx.cancel.set()

    def _poll_cancels(self) -> None:
        """Stop the running jobs whose cancel was asked since the last look (a read)."""
        with self._lock:
            if not self._running:
                return
        try:
            asked = queue.cancels_asked(self.ctx, self.name)
        except Exception as exc:  # noqa: BLE001 - the store is busy: the next poll tries again
            self._note(_("reading cancel requests failed: {e}").format(e=exc))
            return
        self._cancel(asked)

    def _cancel(self, asked: set[int]) -> None:
        with self._lock:
            for job_id in asked & self._running.keys():
                running = self._running[job_id]
                running.user_cancel = True
                running.ctx.cancel.set()

    def _slot(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    job = queue.claim(self.ctx, self.name, self._pace.period,
                                      admin=self.ctx.actor)
                except Exception as exc:  # noqa: BLE001 - the store is away: try again
                    self._note(_("claiming a job failed: {e}").format(e=exc))
                    job = None
                    if self.once:
                        break
                if job is None:
                    if self.once:
                        break
                    self.stop.wait(rules.IDLE_POLL_SECONDS)
                    continue
                with for_store():  # its result and audit details are shared: English
                    ran = self._run(job)
                if not ran:  # handed back as busy: let its holder finish
                    self.stop.wait(rules.IDLE_POLL_SECONDS)
        finally:
            self._wake.set()

    def _job_ctx(self, job: queue.Claimed) -> ServiceContext:
        base = self.ctx
        cancel = threading.Event()

        def apple(bearer: str, **kwargs: Any) -> Any:
            assert base.apple is not None
            return base.apple(bearer, **{"cancel": cancel, **kwargs})

        return ServiceContext(store=base.store, actor=job.actor,
                              apple=apple if base.apple is not None else None,
                              apple_url=base.apple_url, key_file=base.key_file,
                              clock=base.clock, cancel=cancel,
                              action_hints=base.action_hints, job_id=job.id)

    def _run(self, job: queue.Claimed) -> bool:
        """Run `job` and record its end; False when it was handed back as busy."""
        from vpp_tui.services.access.identity import check_identity

        running = _Running(job=job, ctx=self._job_ctx(job))
        with self._lock:
            self._running[job.id] = running
        try:
            try:
                check_identity(running.ctx, self.ctx.actor)
            except AccessDenied as exc:
                outcome = runner.Outcome(rules.FAILED, str(exc), 1)
            else:
                outcome = runner.run(running.ctx, job.kind, job.token, job.payload,
                                     lambda s, d, t: self._progress(running, s, d, t))
        finally:
            with self._lock:
                self._running.pop(job.id, None)
        self._end(running, outcome)
        return outcome.state != runner.BUSY

    def _progress(self, running: _Running, stage: str, done: int, total: int) -> None:
        now = self.ctx.clock.monotonic()
        if stage == running.stage and now - running.last_progress < rules.PROGRESS_EVERY:
            return
        running.stage, running.last_progress = stage, now
        try:
            queue.progress(self.ctx, running.job, stage, done, total)
        except Exception:  # noqa: BLE001, S110 - progress is a hint; the work goes on
            pass

    def _end(self, running: _Running, outcome: runner.Outcome) -> None:
        job, report = running.job, self.report
        if running.lost:
            report.lost += 1
            return
        if outcome.state == runner.INTERRUPTED and running.user_cancel:
            queue.finish(self.ctx, job, rules.CANCELLED, outcome.result if outcome.cancelled
                         else rules.cancelled_text(), 1)
            report.cancelled += 1
        elif outcome.state in (runner.INTERRUPTED, runner.BUSY):
            queue.hand_back(self.ctx, job)
            report.handed_back += outcome.state == runner.INTERRUPTED
        elif queue.finish(self.ctx, job, outcome.state, outcome.result,
                          outcome.exit_status):
            if outcome.state == rules.DONE:
                report.done += 1
                report.partial += bool(outcome.exit_status)
            else:
                report.failed += 1
        else:
            report.lost += 1
