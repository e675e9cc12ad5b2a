"""Reconcile: Apple's assignments vs the console's intent vs the directory (issue 12).

The classes table lists each class with its count; the rows table below shows the rows of
the class under the cursor (Enter drills into them, esc comes back). `r` reclaims the
selected class through the license review screen and the job bar (the same path as a
revoke); `x` writes the class's rows (all of them) to a CSV file in the documents folder.
The report is the service's (`services.reconcile.reconcile_report`), read in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from vpp_tui.domain.labels import edition_label, member_kind_label
from vpp_tui.domain.reconcile import RECLAIMABLE
from vpp_tui.i18n import N_, _
from vpp_tui.services import exports
from vpp_tui.services.access import AccessDenied
from vpp_tui.services.reconcile import COLUMNS, ReconcileReport, ReconcileRow, reconcile_report
from vpp_tui.services.reconcile.reclaim import apply_reclaim, as_license_result, review_reclaim
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.messages import CatalogChanged, DirectoryChanged, LedgerChanged, TokensChanged
from vpp_tui.ui.sections.base import SectionScreen
from vpp_tui.ui.sections.job_runner import RunsJobs
from vpp_tui.ui.sections.license_flow import LicenseFlow, license_spec
from vpp_tui.ui.sections.reconcile.labels import class_help, class_label, reason_label
from vpp_tui.ui.widgets import table as table_rows
from vpp_tui.ui.widgets.job_bar import JobBar
from vpp_tui.ui.widgets.row_table import RowTable

SHOWN = 1000  # rows shown in the table; `x` exports every row of the class
ROW_COLUMNS = ("member", "kind", "item", "edition", "token", "reason")

RECONCILE_COMMANDS = (
    Command("reconcile.rows", "enter", "rows", N_("rows"),
            N_("Show the rows of the selected class")),
    Command("reconcile.back", "escape", "back", N_("classes"),
            N_("Back from the rows to the classes"), key_display="esc"),
    Command("reconcile.reclaim", "r", "reclaim", N_("reclaim"),
            N_("Reclaim the licenses of the selected class: review first, then Apple")),
    Command("reconcile.export", "x", "export", N_("export"),
            N_("Write the rows of the selected class to a CSV file in your documents")),
    Command("reconcile.refresh", "ctrl+r,u", "refresh", N_("refresh"),
            N_("Compare the store, the assignments and the directory again")),
    Command("reconcile.cancel", "c", "cancel_job", N_("cancel job"),
            N_("Stop the running reclaim at its next Apple call; what Apple did stays"),
            show=False),
)


@dataclass
class ReconcileLoaded(Message):
    report: ReconcileReport
    seq: int
    refused: str | None = None  # the admin may not read apps: why, and nothing shown


class ReconcileSection(RunsJobs, LicenseFlow, SectionScreen):
    MODE = "reconcile"
    COMMANDS_LIST = RECONCILE_COMMANDS
    BINDINGS = bindings(RECONCILE_COMMANDS)
    FOLLOWS = (LedgerChanged, DirectoryChanged, CatalogChanged, TokensChanged)
    AUTO_FOCUS = "#reconcile-classes"
    DEFAULT_CSS = """
    ReconcileSection #reconcile-classes { height: 8; max-height: 8; }
    ReconcileSection #reconcile-rows { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.report: ReconcileReport | None = None
        self.class_names: list[str] = []
        self.class_rows: list[ReconcileRow] = []
        self._seq = 0

    def about(self) -> str:
        return _("Licenses Apple holds (as of the last sync) against what the assignments "
                 "want and the directory: each class with its count. Enter shows the "
                 "rows, r reclaims a class after a review (books are kept), x exports "
                 "the rows to CSV.")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Reconcile"), id="reconcile-status", classes="section-status")
        yield RowTable(id="reconcile-classes", cursor_type="row", zebra_stripes=True)
        yield RowTable(id="reconcile-rows", cursor_type="row", zebra_stripes=True)
        yield JobBar(id="job-progress")

    def on_mount(self) -> None:
        super().on_mount()
        classes = self.query_one("#reconcile-classes", DataTable)
        for key, label in (("class", _("Class")), ("count", _("Count")),
                           ("means", _("Which licenses"))):
            classes.add_column(label, key=key)
        rows = self.query_one("#reconcile-rows", DataTable)
        for key, label in zip(ROW_COLUMNS, (_("Member"), _("Kind"), _("Item"), _("Edition"),
                                            _("Token"), _("Why")), strict=True):
            rows.add_column(label, key=key)
        self.reload()

    # Loading ----------------------------------------------------------------

    def reload(self) -> None:
        self._seq += 1
        self._load(self._seq)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile")
    def _load(self, seq: int) -> None:
        try:
            report = reconcile_report(self.ctx)
        except AccessDenied as exc:
            self.post_message(ReconcileLoaded(ReconcileReport(()), seq, str(exc)))
            return
        self.post_message(ReconcileLoaded(report, seq))

    @on(ReconcileLoaded)
    def _loaded(self, message: ReconcileLoaded) -> None:
        if message.seq != self._seq:
            return
        self.report = message.report
        self.class_names = list(message.report.counts)
        rows = [(name, (Text(class_label(name)), Text(str(count)),
                        Text(class_help(name), style="dim")))
                for name, count in message.report.counts.items()]
        with self.app.batch_update():
            table_rows.update(self.query_one("#reconcile-classes", DataTable), rows,
                              ("class", "count", "means"))
            self._show_rows()
        total = sum(message.report.counts.values())
        self.query_one("#reconcile-status", Static).update(Text(message.refused or _(
            "Reconcile · {n} discrepancies · Apple as of the last sync").format(n=total)))
        self.refresh_bindings()

    @property
    def selected_class(self) -> str | None:
        table = self.query_one("#reconcile-classes", DataTable)
        return table_rows.row_under_cursor(table, self.class_names)

    def _show_rows(self) -> None:
        name = self.selected_class
        self.class_rows = self.report.of(name) if self.report and name else []
        shown = [(str(i), (Text(r.member), Text(member_kind_label(r.kind)), Text(r.item),
                           Text(edition_label(r.pricing_param)), Text(r.token),
                           Text(reason_label(r.reason))))
                 for i, r in enumerate(self.class_rows[:SHOWN])]
        table_rows.fill(self.query_one("#reconcile-rows", DataTable), shown)

    @on(DataTable.RowHighlighted, "#reconcile-classes")
    def _class_moved(self) -> None:
        if self.report is not None:
            self._show_rows()
            self.refresh_bindings()

    @on(DataTable.RowSelected, "#reconcile-classes")
    def _class_chosen(self) -> None:
        self.action_rows()

    # Actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reclaim" and self.is_mounted:
            name = self.selected_class
            held = name is not None and any(str(c) == name for c in RECLAIMABLE)
            return True if held and self.class_rows else None
        if action == "export" and self.is_mounted and not self.class_rows:
            return None
        return super().check_action(action, parameters)

    def action_rows(self) -> None:
        if self.class_rows:
            self.query_one("#reconcile-rows", DataTable).focus()

    def action_back(self) -> None:
        self.query_one("#reconcile-classes", DataTable).focus()

    def action_reclaim(self) -> None:
        name = self.selected_class
        if name is None:
            return
        title = _("Reclaim {cls}").format(cls=class_label(name))
        self.license_change(
            license_spec("license.revoke", f"reconcile:{name}", title),
            lambda: replace(review_reclaim(self.ctx, [name]), target=class_label(name)),
            lambda ctx, progress: as_license_result(
                apply_reclaim(ctx, [name], on_progress=progress)),
            _("Reclaimed {cls}").format(cls=class_label(name)))

    def action_export(self) -> None:
        name = self.selected_class
        if not self.class_rows or name is None:
            return
        try:
            path, count = exports.export_csv([r.as_json() for r in self.class_rows], COLUMNS,
                                             f"reconcile-{name}")
        except OSError as exc:
            self.notify(_("Could not write the CSV file: {why}").format(why=exc),
                        title=_("Export"), severity="error")
            return
        self.notify(_("{n} rows written to {path}").format(n=count, path=path),
                    title=_("Export"), timeout=10)
