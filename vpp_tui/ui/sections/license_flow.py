"""Plan, review, apply: the one path every license change takes from the console.

A thread worker asks the service for the plan; the review screen shows it; only when the
admin presses enter does a second worker apply it (Apple is told there), with a progress
line while it runs and a toast with what Apple confirmed. A refusal (bad input, a rule)
shows its reason; any other failure opens the error modal through `ReportsWorkerErrors`.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from vpp_tui.i18n import _
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.licensing.views import LicenseResult
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.screens.license_review import LicenseReviewScreen
from vpp_tui.ui.sections.catalog_messages import (
    LicenseChangeApplied,
    LicenseChangeRefused,
    LicensePreviewReady,
)


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
                                                         t=result.licenses_total))
    return ", ".join(parts)


class LicenseFlow:
    """Mixed into a section screen with a `#license-progress` Static and a `reload()`."""

    WORKER_ERROR_TITLES = {"license-plan": _("Cannot plan the change"),
                           "license-apply": _("The change failed")}

    def license_change(self, title: str, plan: Callable[[], object],
                       apply: Callable[[], object], done: str) -> None:
        def work_() -> None:
            try:
                preview = plan()
            except ServiceError as exc:
                self.post_message(LicenseChangeRefused(title, str(exc)))  # type: ignore[attr-defined]
                return
            self.post_message(LicensePreviewReady(title, preview, apply, done))  # type: ignore[attr-defined]

        self.run_worker(work_, group="license-plan", thread=True, exclusive=True,  # type: ignore[attr-defined]
                        exit_on_error=False)

    # Named handlers, not @on: Textual collects @on only from a widget class's own body.
    def on_license_preview_ready(self, message: LicensePreviewReady) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._apply(message)

        self.app.push_screen(LicenseReviewScreen(message.preview), answered)  # type: ignore[attr-defined, arg-type]

    def _apply(self, message: LicensePreviewReady) -> None:
        progress = self.query_one("#license-progress", Static)  # type: ignore[attr-defined]
        progress.update(_("⟳ {what}: telling Apple and waiting for its answer…").format(
            what=message.title))
        progress.display = True
        apply = message.apply

        def work_() -> None:
            try:
                result = apply()  # type: ignore[operator]
            except ServiceError as exc:
                self.post_message(LicenseChangeRefused(message.title, str(exc)))  # type: ignore[attr-defined]
                return
            finally:
                self.app.call_from_thread(self._progress_done)  # type: ignore[attr-defined]
            self.post_message(LicenseChangeApplied(message.title, result, message.done))  # type: ignore[attr-defined]

        self.run_worker(work_, group="license-apply", thread=True, exclusive=True,  # type: ignore[attr-defined]
                        exit_on_error=False)

    def _progress_done(self) -> None:
        self.query_one("#license-progress", Static).display = False  # type: ignore[attr-defined]

    def on_license_change_applied(self, message: LicenseChangeApplied) -> None:
        result: LicenseResult = message.result  # type: ignore[assignment]
        text = f"{message.done}: {result_text(result)}"
        if result.error:
            self.app.push_screen(ErrorScreen(  # type: ignore[attr-defined]
                _("{what}: Apple stopped part-way").format(what=message.title),
                f"{text}\n\n{result.error}"))
        else:
            self.notify(text, title=message.title,  # type: ignore[attr-defined]
                        severity="warning" if result.failed else "information")
        self.reload()  # type: ignore[attr-defined]

    def on_license_change_refused(self, message: LicenseChangeRefused) -> None:
        self.app.push_screen(ErrorScreen(message.title, message.text))  # type: ignore[attr-defined]
