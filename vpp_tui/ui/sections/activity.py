"""Activity: the audit log, newest first, a page at a time (paged in SQL, never all rows).

`/` filters: free text in the actor, action, target, detail or Apple eventId, and
`admin:` `action:` `target:` `result:` `since:` `until:` words for one field each (read by
the one rule, `domain.audit_filter`; applied in SQL by `audit.list_entries(where=…)`).
Enter opens the selected entry in full; `x` writes every entry the filter keeps to a CSV
file (`audit.export_entries`, the same query without a page limit).
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from vpp_tui.domain.access import Permission
from vpp_tui.domain.audit_filter import AuditFilter, AuditFilterError, parse_audit_filter
from vpp_tui.i18n import N_, _, shown
from vpp_tui.services import audit, jobs
from vpp_tui.services.audit import AuditRecord
from vpp_tui.ui.access import allowed_action
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.exporting import export_command, start_export
from vpp_tui.ui.format import rows_range, when
from vpp_tui.ui.messages import AuditChanged, AuditPageLoaded
from vpp_tui.ui.sections.base import SectionScreen
from vpp_tui.ui.widgets import table as table_rows
from vpp_tui.ui.widgets.inputs import FilterField
from vpp_tui.ui.widgets.row_table import RowTable
from vpp_tui.ui.widgets.table import row_under_cursor

PAGE_SIZE = 100
COLUMNS = ("when", "who", "action", "target", "result", "event", "detail")

ACTIVITY_COMMANDS = (
    Command("activity.refresh", "ctrl+r,r", "refresh", N_("refresh"),
            N_("Read the newest entries again")),
    Command("activity.details", "enter", "details", N_("details"),
            N_("The selected entry in full: the whole detail and Apple's eventId")),
    Command("activity.filter", "slash", "filter", N_("filter"),
            N_("Filter: text anywhere, or admin:NAME action:A target:T result:R "
              "since:YYYY-MM-DD until:YYYY-MM-DD (quote values with spaces)"),
            key_display="/"),
    export_command("activity"),
    Command("activity.next", "n", "page(1)", N_("next page"), N_("Show older entries")),
    Command("activity.previous", "p", "page(-1)", N_("previous page"),
            N_("Show newer entries")),
    Command("activity.clear", "escape", "clear_filter", N_("clear filter"),
            N_("Clear the filter and show every entry"), show=False, key_display="esc"),
)


class ActivitySection(SectionScreen):
    MODE = "activity"
    COMMANDS_LIST = ACTIVITY_COMMANDS
    BINDINGS = bindings(ACTIVITY_COMMANDS)
    FOLLOWS = (AuditChanged,)
    AUTO_FOCUS = "DataTable"
    DEFAULT_CSS = """
    #activity-filter { height: 3; display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.row_total = 0
        self.filter_text = ""
        self.where: AuditFilter | None = None
        self.filter_problem: str | None = None
        self.entries: list[AuditRecord] = []
        self._seq = 0
        self._jobs_line = ""  # "· jobs: 2 queued, 1 running" when workers have work

    def about(self) -> str:
        return _("Every change made from the console or the command line, newest first: "
                 "who, when, what, on what, the result and Apple's eventId. The log is "
                 "append-only. Enter shows an entry in full, with Apple's eventId and the "
                 "event's final status. / filters: words are searched in who, action, "
                 "target, detail and eventId; admin:nina, action:assign, target:Maps, "
                 "result:failed, since:2026-11-01 and until:2026-11-30 (whole days, UTC) "
                 "keep only entries whose field contains the value; quote a value with "
                 "spaces (target:\"North Campus\"). x writes every entry the filter keeps "
                 "to a CSV file in your documents folder.")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Activity"), id="activity-status", classes="section-status")
        yield FilterField(placeholder=_("filter: text, admin:nina action:assign result:failed "
                                      "since:2026-11-01… (esc clears)"), id="activity-filter")
        yield RowTable(id="activity-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in zip(COLUMNS, (_("When"), _("Who"), _("Action"), _("Target"),
                                        _("Result"), _("Apple eventId"), _("Detail")),
                              strict=True):
            table.add_column(label, key=key)
        self.load_page(0)

    # Loading ----------------------------------------------------------------

    def reload(self) -> None:
        self.load_page(self.page_offset)

    def action_page(self, step: int) -> None:
        offset = self.page_offset + step * PAGE_SIZE
        if 0 <= offset < max(self.row_total, 1):
            self.load_page(offset)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and parameters:
            offset = self.page_offset + int(parameters[0]) * PAGE_SIZE  # type: ignore[call-overload]
            return 0 <= offset < max(self.row_total, 1)
        if action == "details" and self.is_mounted and self.selected is None:
            return None
        if action == "export":
            return allowed_action(self.access, Permission.AUDIT_EXPORT)
        return True

    def load_page(self, offset: int) -> None:
        self._seq += 1
        self._load(self._seq, offset, self.where)

    @work(thread=True, exclusive=True, exit_on_error=False, group="activity")
    def _load(self, seq: int, offset: int, where: AuditFilter | None) -> None:
        if not self.after_typing():
            return
        page = audit.page_of_entries(self.ctx, offset=offset, limit=PAGE_SIZE, where=where)
        self._jobs_line = jobs_status(self.ctx)
        self.post_message(AuditPageLoaded(page.entries, page.offset, page.total, seq))

    @on(AuditPageLoaded)
    def show_page(self, message: AuditPageLoaded) -> None:
        if message.seq != self._seq:
            return  # an older load, overtaken by a newer filter or page
        self.entries = message.entries
        self.page_offset, self.row_total = message.offset, message.total
        # Plain Text, never markup: a detail quoting "[b]" shows it as typed.
        rows = [(str(e.id), (when(e.at), Text(e.actor), Text(e.action), Text(e.target),
                              Text(e.result, style="bold red" if e.result != "ok" else ""),
                              Text(short_event_id(e.apple_event_id)), Text(shown(e.detail) or "")))
                for e in message.entries]
        table = self.query_one(DataTable)
        _fit_detail(rows, self.app.size.width - sum(table_rows.widths(table, rows)[:-1]))
        with self.app.batch_update():
            table_rows.update(table, rows, COLUMNS)
        status = _("Activity · {rows} · newest first").format(
            rows=rows_range(message.offset, len(message.entries), message.total))
        status += self._jobs_line
        if self.filter_text:
            status += _(" · filter: {text} (esc clears)").format(text=self.filter_text)
        self._show_status(status)
        self.refresh_bindings()

    def _show_status(self, status: str | None = None) -> None:
        """The status line; a filter that cannot be read is said first, in red (the
        rows below are those of the last filter that could be read)."""
        if status is not None:
            self._status = status
        line = Text()
        if self.filter_problem:
            line.append(self.filter_problem + " · ", style="bold red")
        line.append(getattr(self, "_status", _("Activity")))
        self.query_one("#activity-status", Static).update(line)

    @property
    def selected(self) -> AuditRecord | None:
        return row_under_cursor(self.query_one(DataTable), self.entries)

    # Details and filter -------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_details()

    def action_details(self) -> None:
        entry = self.selected
        if entry is not None:
            from vpp_tui.ui.screens.audit_entry import AuditEntryScreen  # when first opened

            self.app.push_screen(AuditEntryScreen(entry))

    def action_filter(self) -> None:
        self.open_filter(self.query_one("#activity-filter", Input))

    @on(Input.Changed, "#activity-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        typed = event.value.strip()
        if typed == self.filter_text and self.filter_problem is None:
            return
        try:
            where = parse_audit_filter(typed)
        except AuditFilterError as exc:
            # Half-typed ("since:2026-1"): say what is wrong, keep showing the last rows.
            self.filter_problem = exc.message
            self._show_status()
            return
        self.filter_problem = None
        self.filter_text, self.where = typed, None if where.empty else where
        self.typed()
        self.load_page(0)

    def action_export(self) -> None:
        """Every entry the filter keeps, newest first, to a CSV file (`audit --csv`)."""
        where = self.where
        start_export(self, "activity", lambda: [
            e.as_json() for e in audit.export_entries(self.ctx, where=where)],
            audit.AUDIT_FIELDS)

    @on(Input.Submitted, "#activity-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#activity-filter", Input)
        box.value, box.display = "", False
        self.query_one(DataTable).focus()
        self.filter_problem = None
        if self.filter_text:
            self.filter_text, self.where = "", None
            self.load_page(0)
        else:
            self._show_status()


def jobs_status(ctx) -> str:  # noqa: ANN001
    """" · jobs: N queued, M running" for the status line when workers have work queued or
    running (`vpp-tui jobs` lists them); "" when none, or when the store cannot say."""
    try:
        queued, running = jobs.active_counts(ctx)
    except Exception:  # noqa: BLE001 - a hint beside the log; never stops it showing
        return ""
    if not (queued or running):
        return ""
    return _(" · jobs: {q} queued, {r} running (vpp-tui jobs)").format(q=queued, r=running)


def short_event_id(event_id: str | None) -> str:
    """Apple's eventId as the table shows it: its first 8 characters and "…" when longer
    than 12 (a UUID has 36); the entry's details show it whole and the filter searches it
    whole."""
    if not event_id:
        return ""
    return event_id if len(event_id) <= 12 else event_id[:8] + "…"


def _fit_detail(rows: list, room: int) -> None:  # noqa: ANN001
    """Cut each row's Detail (its last cell, a Text) to the `room` columns the others
    leave on screen (at least 16), ending in "…": the table never scrolls sideways and
    Enter shows the whole detail."""
    width = max(16, room - 2 * len(COLUMNS) - 2)  # cell padding, the vertical scrollbar
    for _key, cells in rows:
        cells[-1].truncate(width, overflow="ellipsis")
