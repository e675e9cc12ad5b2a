"""One job in full, opened by Enter on the jobs screen: what it was asked to do, who
queued it, its worker, times, and its result (a failed job's error)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from vpp_tui.i18n import N_, _
from vpp_tui.services.jobs import JobView
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.screens.jobs.rows import detail_text

DETAIL_COMMANDS = (
    Command("job.close", "escape,enter", "dismiss", N_("close"), N_("Close the job"),
            key_display="esc"),
)


class JobDetailScreen(ModalScreen[None]):
    """The selected job, whole; esc or enter closes it."""

    BINDINGS = bindings(DETAIL_COMMANDS)
    DEFAULT_CSS = """
    #job-box VerticalScroll { height: auto; max-height: 30; }
    Screen.-short #job-box VerticalScroll { max-height: 18; }
    """

    def __init__(self, view: JobView) -> None:
        super().__init__(id="job-detail")
        self.view = view

    def compose(self) -> ComposeResult:
        with Vertical(id="job-box", classes="dialog wide") as box:
            box.border_title = _("Job {id}").format(id=self.view.id)
            box.border_subtitle = _("esc close")
            with VerticalScroll():
                yield Static(detail_text(self.view), id="job-fields")
