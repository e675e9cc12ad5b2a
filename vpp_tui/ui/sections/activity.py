"""Activity: the audit log, newest first, a page at a time (paged in SQL, never all rows)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from vpp_tui.i18n import _
from vpp_tui.services import audit
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.format import rows_range, when
from vpp_tui.ui.messages import AuditChanged, AuditPageLoaded
from vpp_tui.ui.sections.base import SectionScreen
from vpp_tui.ui.widgets import table as table_rows

PAGE_SIZE = 100

ACTIVITY_COMMANDS = (
    Command("activity.refresh", "r", "refresh", _("refresh"),
            _("Read the newest entries again")),
    Command("activity.next", "n", "page(1)", _("next page"), _("Show older entries")),
    Command("activity.previous", "p", "page(-1)", _("previous page"),
            _("Show newer entries")),
)


class ActivitySection(SectionScreen):
    MODE = "activity"
    COMMANDS_LIST = ACTIVITY_COMMANDS
    BINDINGS = bindings(ACTIVITY_COMMANDS)
    FOLLOWS = (AuditChanged,)

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.row_total = 0

    def about(self) -> str:
        return _("Every change made from the console or the command line, newest first: "
                 "who, when, what, on what, and the result. The log is append-only.")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Activity"), id="activity-status", classes="section-status")
        yield DataTable(id="activity-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in (("when", _("When")), ("who", _("Who")), ("action", _("Action")),
                           ("target", _("Target")), ("result", _("Result")),
                           ("detail", _("Detail"))):
            table.add_column(label, key=key)
        self.load_page(0)

    def reload(self) -> None:
        self.load_page(self.page_offset)

    def action_refresh(self) -> None:
        self.reload()

    def action_page(self, step: int) -> None:
        offset = self.page_offset + step * PAGE_SIZE
        if 0 <= offset < max(self.row_total, 1):
            self.load_page(offset)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and parameters:
            offset = self.page_offset + int(parameters[0]) * PAGE_SIZE  # type: ignore[call-overload]
            return None if not 0 <= offset < max(self.row_total, 1) else True
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="activity")
    def load_page(self, offset: int) -> None:
        total = audit.count_entries(self.ctx)
        offset = min(offset, max(0, (total - 1) // PAGE_SIZE * PAGE_SIZE))
        entries = audit.list_entries(self.ctx, offset=offset, limit=PAGE_SIZE)
        self.post_message(AuditPageLoaded(entries, offset, total))

    @on(AuditPageLoaded)
    def show_page(self, message: AuditPageLoaded) -> None:
        self.page_offset, self.row_total = message.offset, message.total
        rows = [(str(e.id), (when(e.at), e.actor, e.action, e.target,
                              Text(e.result, style="bold red" if e.result != "ok" else ""),
                              e.detail or "")) for e in message.entries]
        with self.app.batch_update():
            table_rows.update(self.query_one(DataTable), rows,
                              ("when", "who", "action", "target", "result", "detail"))
        self.query_one("#activity-status", Static).update(
            _("Activity · {rows} · newest first").format(
                rows=rows_range(message.offset, len(message.entries), message.total)))
        self.refresh_bindings()
