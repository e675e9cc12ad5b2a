"""Running a job from a section: one at a time, with a bar, a count and a cancel key.

A section mixes in `RunsJobs` and composes a `JobBar`. `start_job` refuses (with a toast
saying what runs) when the same job runs anywhere in the console or this section already
runs one, so a second `D` never opens a second confirmation. The job runs in a thread
worker with its own context (`jobs.job_context`); when it ends, whatever the outcome, the
app posts the store change events of its kind, then the section says how it went:
`done(result)` on success, a toast when it was cancelled, the error modal otherwise.
A refused input is audited first, on the job's thread (`ui/refusals.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from vpp_tui.i18n import N_, _
from vpp_tui.services.errors import ServiceError
from vpp_tui.ui.commands import Command
from vpp_tui.ui.jobs import Job, JobSpec, Progress, job_context
from vpp_tui.ui.messages import JobProgressed
from vpp_tui.ui.refusals import audit_job_refusal
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.widgets.job_bar import JobBar

if TYPE_CHECKING:
    from vpp_tui.services.context import ServiceContext

JOB_COMMANDS = (
    Command("job.cancel", "x", "cancel_job", N_("cancel the running job"),
            N_("Stop the running job at its next Apple call; what Apple already did stays"),
            show=False),
)

JobCall = Callable[["ServiceContext", Progress], Any]


class JobRefused(Exception):
    """Raised by a job's call to show its own error title and text (e.g. every bad line
    of a directory file) instead of the job's error title and the exception's line."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__(text)
        self.title, self.text = title, text


class RunsJobs:
    """Mixed into a section screen (before SectionScreen) that composes a JobBar."""

    job: Job | None = None
    _job_done: Callable[[Any], None] | None = None

    def running_job(self, key: str | None = None) -> Job | None:
        """The job that stops `key` from starting: the same job anywhere, or this
        section's own job (the only one asked about when `key` is None)."""
        same = self.app.jobs.get(key) if key else None  # type: ignore[attr-defined]
        return same or self.job

    def job_busy(self, key: str | None = None) -> bool:
        """True, with a toast naming what runs, when a job `key` (None: any job of this
        section) cannot start now."""
        running = self.running_job(key)
        if running is None:
            return False
        self.notify(  # type: ignore[attr-defined]
            _("{title} is still running: wait for it to finish, or press x to cancel it.")
            .format(title=running.spec.title), title=_("Already running"),
            severity="warning")
        return True

    def start_job(self, spec: JobSpec, call: JobCall,
                  done: Callable[[Any], None] | None = None) -> bool:
        """Run `call(job_ctx, progress)` in a thread; False (and a toast) when busy."""
        if self.job_busy(spec.key):
            return False
        job = Job(spec)
        self.job, self._job_done = job, done
        self.app.jobs[spec.key] = job  # type: ignore[attr-defined]
        if not spec.quiet:
            self.query_one(JobBar).start(spec.title)  # type: ignore[attr-defined]
        self.refresh_bindings()  # type: ignore[attr-defined]

        def progress(stage: str, done_: int, total: int) -> None:
            self.post_message(JobProgressed(spec.key, stage, done_, total))  # type: ignore[attr-defined]

        ctx = job_context(self.ctx, job, progress)  # type: ignore[attr-defined]

        def work_() -> None:
            result: Any = None
            error: Exception | None = None
            try:
                result = call(ctx, progress)
            except Exception as exc:  # every outcome reaches _job_finished
                error = exc
                audit_job_refusal(ctx, spec, exc)  # on the job's thread (ui/refusals.py)
            # Wait for the handling (toast, store change events) before the worker ends,
            # so whoever waits for the workers sees their results.
            try:
                self.app.call_from_thread(self._job_finished, spec.key, result, error)  # type: ignore[attr-defined]
            except RuntimeError:
                pass  # the console has closed

        self.run_worker(work_, group="job", thread=True, exit_on_error=False)  # type: ignore[attr-defined]
        return True

    def action_cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel.set()
            if not self.job.spec.quiet:
                self.query_one(JobBar).cancelling()  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_job":
            return True if self.job is not None else None
        return super().check_action(action, parameters)  # type: ignore[misc]

    # Named handlers, not @on: Textual collects @on only from a widget class's own body.
    def on_job_progressed(self, message: JobProgressed) -> None:
        job = self.job
        if job is None or job.key != message.key or job.spec.quiet:
            return
        done, total = job.tally.add(message.stage, message.done, message.total)
        self.query_one(JobBar).show(message.stage, done, total)  # type: ignore[attr-defined]

    def _job_finished(self, key: str, result: Any, error: Exception | None) -> None:
        job, done = self.job, self._job_done
        if job is None or job.key != key:
            return
        self.job, self._job_done = None, None
        self.app.jobs.pop(job.key, None)  # type: ignore[attr-defined]
        self.query_one(JobBar).stop()  # type: ignore[attr-defined]
        self.refresh_bindings()  # type: ignore[attr-defined]
        self.app.store_changed(job.spec.kind, result)  # type: ignore[attr-defined]
        if error is None:
            if done is not None:
                done(result)
        elif self.app.ctx.cancel.is_set():  # type: ignore[attr-defined]
            return  # the console is closing: nobody is there to read it
        elif job.cancel.is_set():
            why = str(error).strip()
            self.notify(_("{title}: cancelled.").format(title=job.spec.title)  # type: ignore[attr-defined]
                        + (f" {why}" if why else ""), title=_("Cancelled"),
                        severity="warning", timeout=10)
        elif isinstance(error, JobRefused):
            self.app.push_screen(ErrorScreen(error.title, error.text))  # type: ignore[attr-defined]
        else:
            self.app.push_screen(ErrorScreen(  # type: ignore[attr-defined]
                job.spec.error_title, str(error) if isinstance(error, ServiceError)
                else error))
