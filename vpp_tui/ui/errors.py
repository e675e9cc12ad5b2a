"""The one worker-error handler: any failed worker opens a readable error modal.

`Worker.StateChanged` does not bubble, so every node that starts workers (the app
and each section) mixes this in; the handling itself lives only here.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from vpp_tui.i18n import _


class ReportsWorkerErrors:
    #: title of the error modal for each worker group; a default for the others
    WORKER_ERROR_TITLES: dict[str, str] = {}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        from vpp_tui.ui.screens.error import ErrorScreen

        titled = self.WORKER_ERROR_TITLES.get(event.worker.group)
        title = _(titled) if titled else _("Something went wrong")
        self.app.push_screen(ErrorScreen(title, event.worker.error))  # type: ignore[attr-defined]
        handler = getattr(self, "worker_failed", None)
        if handler is not None:
            handler(event.worker)
