"""Plan, review, apply: the one path every license change takes from the console.

A thread worker asks the service for the plan; the review screen shows it; only when the
admin presses enter is it applied (Apple is told there), as a job: a bar with Apple's
count while it runs, the cancel key, and a toast with what Apple confirmed. A refusal
(bad input, a rule) shows its reason; any other failure opens the error modal. When the
job ends the app tells every section (`ui.jobs.JOB_CHANGES`), this one included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from vpp_tui.domain.labels import license_total_label
from vpp_tui.i18n import N_, _
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.licensing.views import LicensePreview, LicenseResult
from vpp_tui.ui.jobs import JobSpec
from vpp_tui.ui.refusals import audit_job_refusal
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.screens.license_review import LicenseReviewScreen
from vpp_tui.ui.sections.catalog.messages import LicenseChangeRefused, LicensePreviewReady
from vpp_tui.ui.sections.job_runner import JobCall


def result_text(result: LicenseResult) -> str:
    parts = [_("{n} licensed").format(n=result.licensed)]
    if result.reclaimed:
        parts.append(_("{n} reclaimed").format(n=result.reclaimed))
    if result.failed:
        waiting = sum(1 for m in result.members if m.waitlist_position)
        parts.append(_("{n} failed").format(n=result.failed)
                     + (_(" ({n} waitlisted)").format(n=waiting) if waiting else ""))
    if result.licenses_used is not None and result.licenses_total is not None:
        parts.append(_("licenses used {u} of {t}").format(u=result.licenses_used,
                                                         t=license_total_label(
                                                             result.licenses_total)))
    return ", ".join(parts)


# A license change's kind -> the action its command audits (cli/refusals.ACTIONS).
LICENSE_ACTIONS = {"license.assign": "assignment.create",
                   "license.unassign": "assignment.delete", "license.revoke": "license.revoke"}


def license_spec(kind: str, key: str, title: str) -> JobSpec:
    """The job of one license change: `kind` is license.assign/unassign/revoke, `key`
    names what it changes (item, token, group), `title` the bar and the error modal; a
    refused input is audited as the CLI's `assign`, `unassign`, `revoke` audit it."""
    return JobSpec(kind, f"{kind}:{key}", title, title, refusal=(LICENSE_ACTIONS[kind], key))


def apple_targets(preview: LicensePreview) -> int:
    """How many targets Apple is asked about in all: users registered first, then every
    user and serial of every request (what its events count)."""
    ops = preview.plan.operations
    return preview.registrations + sum(
        len(op.client_user_ids) + len(op.serial_numbers) for op in ops)


class LicenseFlow:
    """Mixed into a section screen that also mixes in RunsJobs and has a JobBar."""

    WORKER_ERROR_TITLES = {"license-plan": N_("Cannot plan the change")}

    def license_change(self, spec: JobSpec, plan: Callable[[], object], apply: JobCall,
                       done: str, back: Callable[[], None] | None = None) -> None:
        """Plan in a worker, show the review, apply on enter. `back`: the form the change
        was chosen in, reopened with its values when the review is left with esc."""
        if self.job_busy(spec.key):  # type: ignore[attr-defined]
            return

        def work_() -> None:
            try:
                preview = plan()
            except ServiceError as exc:
                audit_job_refusal(self.ctx, spec, exc)  # type: ignore[attr-defined]
                self.post_message(LicenseChangeRefused(spec.error_title, str(exc)))  # type: ignore[attr-defined]
                return
            self.post_message(LicensePreviewReady(spec, preview, apply, done, back))  # type: ignore[attr-defined]

        self.run_worker(work_, group="license-plan", thread=True, exclusive=True,  # type: ignore[attr-defined]
                        exit_on_error=False)

    # Named handlers, not @on: Textual collects @on only from a widget class's own body.
    def on_license_preview_ready(self, message: LicensePreviewReady) -> None:
        preview: LicensePreview = message.preview  # type: ignore[assignment]
        spec = replace(message.spec, expected=apple_targets(preview))  # type: ignore[type-var]

        back = message.back

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_job(spec, message.apply,  # type: ignore[attr-defined]
                               lambda result: self._applied(spec, result, message.done))
            elif callable(back):
                back()

        self.app.push_screen(LicenseReviewScreen(preview, back=callable(back)),  # type: ignore[attr-defined]
                             answered)

    def _applied(self, spec: JobSpec, result: LicenseResult, done: str) -> None:
        text = f"{done}: {result_text(result)}"
        if result.error:
            self.app.push_screen(ErrorScreen(  # type: ignore[attr-defined]
                _("{what}: Apple stopped part-way").format(what=spec.error_title),
                f"{text}\n\n{result.error}"))
        else:
            # Apple's answer to a job the admin may have left running: a longer toast.
            self.notify(text, title=spec.error_title,  # type: ignore[attr-defined]
                        severity="warning" if result.failed else "information", timeout=10)

    def on_license_change_refused(self, message: LicenseChangeRefused) -> None:
        self.app.push_screen(ErrorScreen(message.title, message.text))  # type: ignore[attr-defined]
