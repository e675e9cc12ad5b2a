"""Jobs: what `vpp-tui worker` processes run for this store, newest first, a page at a
time (paged in SQL), shown over any section with `j` or from the palette.

Each row: id, kind, token, the admin who queued it, state, progress (done/total), age
since queued and the worker running it. The screen reads the store again when a store
change event reaches it (a job of this console ended) and every REFRESH_SECONDS (workers
on other hosts change the queue without telling this console): one COUNT and one page
query, in a thread worker. Enter shows a job in full (its error if it failed); `x` or
del cancels a queued or running job after a confirmation, through `services.jobs.cancel`
(the access check of `vpp-tui jobs cancel`); esc goes back to the section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from vpp_tui.domain import jobs as rules
from vpp_tui.i18n import N_, _
from vpp_tui.services import jobs
from vpp_tui.services.context import ServiceContext
from vpp_tui.ui.access import allowed_action
from vpp_tui.ui.commands import Command, Section, bindings
from vpp_tui.ui.errors import ReportsWorkerErrors
from vpp_tui.ui.format import rows_range
from vpp_tui.ui.messages import StoreChanged
from vpp_tui.ui.screens.jobs.detail import JobDetailScreen
from vpp_tui.ui.screens.jobs.rows import COLUMNS, column_labels, fitted, job_cells
from vpp_tui.ui.widgets import table as table_rows
from vpp_tui.ui.widgets.footer import Footer
from vpp_tui.ui.widgets.row_table import RowTable
from vpp_tui.ui.widgets.table import row_under_cursor

PAGE_SIZE = 100
REFRESH_SECONDS = 2.0  # how often the screen reads the queue again while shown

JOBS_COMMANDS = (
    Command("jobs.close", "escape", "close", N_("back"), N_("Back to the section"),
            key_display="esc"),
    Command("jobs.details", "enter", "details", N_("details"),
            N_("The selected job in full: what it does, its worker, its result or error")),
    Command("jobs.cancel", "x,delete", "cancel_job", N_("cancel job"),
            N_("Cancel the selected queued or running job (a running one stops between "
              "its Apple calls)")),
    Command("jobs.refresh", "r", "refresh", N_("refresh"), N_("Read the queue again now")),
    Command("jobs.next", "n", "page(1)", N_("next page"), N_("Show older jobs")),
    Command("jobs.previous", "p", "page(-1)", N_("previous page"), N_("Show newer jobs")),
)


@dataclass(frozen=True)
class _Page:
    views: list[jobs.JobView]
    offset: int
    total: int
    queued: int
    running: int
    now: datetime


class JobsScreen(ReportsWorkerErrors, Screen[None]):
    """The jobs of the store the acting admin may see (`services.jobs.list_jobs`)."""

    BINDINGS = bindings(JOBS_COMMANDS)
    AUTO_FOCUS = "DataTable"
    WORKER_ERROR_TITLES = {"jobs-cancel": N_("Job not cancelled")}  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__(id="jobs-screen")
        self.page: _Page | None = None
        self.page_offset = 0
        self._seq = 0

    @property
    def ctx(self) -> ServiceContext:
        return self.app.ctx  # type: ignore[attr-defined]

    @property
    def section(self) -> Section:
        """What the help screen titles itself with."""
        return Section(0, "jobs", _("Jobs"), self.about())

    def about(self) -> str:
        """One paragraph for the help screen."""
        return _("Work queued for vpp-tui worker processes on any host sharing this "
                 "store (sync, assign, unassign, revoke, reconcile --queue), newest first: "
                 "who queued it, its state, progress and worker. The list follows the "
                 "queue by itself. Enter shows a job in full, with its error if it failed; "
                 "x cancels a queued or running job.")

    def commands(self) -> tuple[Command, ...]:
        return JOBS_COMMANDS

    def compose(self) -> ComposeResult:
        yield Static(_("Jobs"), id="jobs-status", classes="section-status")
        yield RowTable(id="jobs-table", cursor_type="row", zebra_stripes=True)
        yield Static(_("No jobs. Queue work with --queue (sync, assign, unassign, revoke, "
                       "reconcile) and run it with vpp-tui worker."), id="jobs-empty",
                     classes="placeholder")
        yield Footer(compact=self.app.size.width < 100, fit=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in zip(COLUMNS, column_labels(), strict=True):
            table.add_column(label, key=key)
        self.query_one("#jobs-empty").display = False
        self.app.live_sections.add(self)  # type: ignore[attr-defined]
        self.set_interval(REFRESH_SECONDS, self.reload)
        self.reload()

    def on_unmount(self) -> None:
        self.app.live_sections.discard(self)  # type: ignore[attr-defined]

    @on(StoreChanged)
    def _store_changed(self) -> None:
        self.reload()

    # Loading --------------------------------------------------------------------

    def reload(self) -> None:
        """Read the current page again (same offset), keeping the cursor on its job."""
        self._seq += 1
        self._load(self._seq, self.page_offset)

    @work(thread=True, exclusive=True, exit_on_error=False, group="jobs")
    def _load(self, seq: int, offset: int) -> None:
        try:
            total = jobs.count_jobs(self.ctx)
            offset = min(offset, max(0, (total - 1) // PAGE_SIZE * PAGE_SIZE))
            views = jobs.list_jobs(self.ctx, offset=offset, limit=PAGE_SIZE)
            queued, running = jobs.active_counts(self.ctx)
        except Exception as exc:  # noqa: BLE001 - the store is away: say so, try again
            self.app.call_from_thread(self._unreadable, seq, str(exc) or type(exc).__name__)
            return
        page = _Page(views, offset, total, queued, running, self.ctx.clock.now())
        self.app.call_from_thread(self._show, seq, page)

    def _unreadable(self, seq: int, text: str) -> None:
        """The periodic read failed: one red line (no dialog every REFRESH_SECONDS); the
        rows shown are those of the last read."""
        if seq == self._seq and self.is_mounted:
            self.query_one("#jobs-status", Static).update(Text(
                _("Jobs · the queue could not be read: {error}").format(error=text),
                style="bold red"))

    def _show(self, seq: int, page: _Page) -> None:
        if seq != self._seq or not self.is_mounted:
            return  # overtaken by a newer read
        self.page, self.page_offset = page, page.offset
        table = self.query_one(DataTable)
        labels, rows = fitted(column_labels(),
                              [(str(v.id), job_cells(v, page.now)) for v in page.views],
                              self._room(table, len(page.views)))
        with self.app.batch_update():
            if labels != tuple(str(c.label) for c in table.columns.values()):
                for column, label in zip(table.columns.values(), labels, strict=True):
                    column.label = Text(label)
                table_rows.fill(table, rows, cap=40)  # headings changed: paint anew
            else:
                table_rows.update(table, rows, COLUMNS, cap=40)
        table.display = bool(rows)
        self.query_one("#jobs-empty").display = not rows
        self.query_one("#jobs-status", Static).update(
            _("Jobs · {rows} · newest first · {q} queued, {r} running").format(
                rows=rows_range(page.offset, len(page.views), page.total), q=page.queued,
                r=page.running))
        self.refresh_bindings()

    def _room(self, table: DataTable, rows: int) -> int:
        """Cells left for the columns' content: the table's width less each column's
        padding (both sides) and, when the rows overflow it, the vertical scrollbar."""
        width = table.size.width or self.app.size.width
        if rows + 1 > (table.size.height or self.app.size.height):
            width -= table.styles.scrollbar_size_vertical
        return width - 2 * table.cell_padding * len(COLUMNS)

    def on_resize(self) -> None:
        if self.page is not None:
            self._seq += 1
            self._show(self._seq, self.page)

    @property
    def selected(self) -> jobs.JobView | None:
        return row_under_cursor(self.query_one(DataTable),
                                self.page.views if self.page else [])

    # Keys -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and parameters:
            total = self.page.total if self.page else 0
            offset = self.page_offset + int(parameters[0]) * PAGE_SIZE  # type: ignore[call-overload]
            return 0 <= offset < max(total, 1)
        if action in ("details", "cancel_job") and self.is_mounted:
            view = self.selected
            if view is None:
                return None
            if action == "cancel_job":
                return self._may_cancel(view)
        return True

    def _may_cancel(self, view: jobs.JobView) -> bool | None:
        """Greyed for a finished job, one being stopped, or one the admin may not cancel
        (`services.jobs.cancel` decides again when asked)."""
        if not rules.may_cancel(view.state) or view.cancel_requested:
            return None
        if view.actor == self.ctx.actor:
            return True
        permission = jobs.PERMISSION_OF.get(view.kind)
        return allowed_action(self.app.access, permission, view.token)  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.reload()

    def action_page(self, step: int) -> None:
        total = self.page.total if self.page else 0
        offset = self.page_offset + step * PAGE_SIZE
        if 0 <= offset < max(total, 1):
            self.page_offset = offset
            self.reload()

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_details()

    def action_details(self) -> None:
        view = self.selected
        if view is not None:
            self.app.push_screen(JobDetailScreen(view))

    def action_cancel_job(self) -> None:
        view = self.selected
        if view is None or self._may_cancel(view) is not True:
            return
        from vpp_tui.ui.screens.confirm import ConfirmScreen

        what = f"{view.kind} {view.token or ''}".strip()
        body = (_("Cancel job {id} ({what})? It has not started: it will not run.")
                if view.state == rules.QUEUED else
                _("Cancel job {id} ({what})? It is running: it stops between its Apple "
                  "calls; what Apple already confirmed stays done."))
        self.app.push_screen(
            ConfirmScreen(_("Cancel job {id}").format(id=view.id),
                          body.format(id=view.id, what=what), yes=_("Cancel job"),
                          danger=True, no=_("Keep the job")),
            lambda yes: self._cancel(view.id) if yes else None)

    @work(thread=True, exit_on_error=False, group="jobs-cancel")
    def _cancel(self, job_id: int) -> None:
        view = jobs.cancel(self.ctx, job_id)
        text = (_("Job {id} cancelled.") if view.state == rules.CANCELLED else
                _("Job {id} is stopping: its worker ends it between Apple calls."))
        self.app.call_from_thread(self._cancelled, text.format(id=job_id))

    def _cancelled(self, text: str) -> None:
        self.app.notify(text, title=_("Jobs"))
        self.reload()
