"""Assignments: which groups get which apps and books, with what each assignment licensed.

Adding, changing the intent and removing all go through the license review: the service
plans, the admin reads, and only then is Apple told.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from vpp_tui.domain.labels import intent_label, license_type_label
from vpp_tui.domain.licensing import GroupKind, Item, ProductType, assignment_options
from vpp_tui.i18n import N_, _
from vpp_tui.services import catalog, licensing
from vpp_tui.services.catalog.queries import AssignmentView, list_assignments, list_groups
from vpp_tui.ui.access import ASSIGNMENT_ACTIONS, allowed_action
from vpp_tui.ui.commands import REFRESH, Command, bindings
from vpp_tui.ui.format import rows_range
from vpp_tui.ui.messages import CatalogChanged, DirectoryChanged, LedgerChanged, TokensChanged
from vpp_tui.ui.screens.assign_form import AssignChoice, AssignForm, IntentForm
from vpp_tui.ui.sections.base import MIN_PAGE, SectionScreen, rows_per_page
from vpp_tui.ui.sections.catalog.messages import PageLoaded
from vpp_tui.ui.sections.job_runner import JOB_COMMANDS, RunsJobs
from vpp_tui.ui.sections.license_flow import LicenseFlow, license_spec
from vpp_tui.ui.widgets import table as table_rows
from vpp_tui.ui.widgets.inputs import FilterField
from vpp_tui.ui.widgets.job_bar import JobBar
from vpp_tui.ui.widgets.paged_table import PagedTable
from vpp_tui.ui.widgets.table import row_under_cursor

ASSIGNMENTS_COMMANDS = (
    Command("assignments.add", "a", "add", N_("add"),
            N_("Assign an app or book to a group: a form, then a review")),
    Command("assignments.edit", "e", "edit", N_("edit intent"),
            N_("Change the selected assignment's intent (review first)")),
    Command("assignments.remove", "delete", "remove", N_("remove"),
            N_("Remove the selected assignment: the review says what is reclaimed"),
            key_display="del"),
    Command("assignments.filter", "slash", "filter", N_("filter"),
            N_("Filter by item, group or token"), key_display="/"),
    Command("assignments.next", "n", "page(1)", N_("next page"), N_("Show the next rows"),
            show=False),
    Command("assignments.previous", "p", "page(-1)", N_("previous page"),
            N_("Show the previous rows"), show=False),
    Command("assignments.clear", "escape", "clear_filter", N_("clear filter"),
            N_("Clear the filter"), show=False, key_display="esc"),
    REFRESH,
) + JOB_COMMANDS

COLUMNS = ("item", "token", "group", "intent", "license", "licensed", "failed", "waiting",
           "update")


class AssignmentsSection(RunsJobs, LicenseFlow, SectionScreen):
    MODE = "assignments"
    COMMANDS_LIST = ASSIGNMENTS_COMMANDS
    BINDINGS = bindings(ASSIGNMENTS_COMMANDS)
    FOLLOWS = (LedgerChanged, CatalogChanged, TokensChanged, DirectoryChanged)
    AUTO_FOCUS = "DataTable"
    #: the most rows a page holds; a page is about a screen's worth (`page_size`)
    PAGE_SIZE = 200
    DEFAULT_CSS = """
    #assignments-filter { height: 3; display: none; }
    #assignments-panel { height: 3; padding: 0 1; border-top: solid $panel-lighten-2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.views: list[AssignmentView] = []
        self.filter_text = ""
        self.page_offset = self._wanted = 0
        self.row_total = 0
        self._seq = 0

    def about(self) -> str:
        return _("Every assignment across apps, books and tokens: its group, intent and "
                 "license type, how many members got a license, failed, or wait. Every "
                 "change is reviewed before Apple is told.")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Assignments"), id="assignments-status", classes="section-status")
        yield FilterField(placeholder=_("filter: item, group, token… (esc clears)"),
                        id="assignments-filter")
        # Cells that repeat (intent, license type, counts, "—") are drawn once (PagedTable).
        yield PagedTable(id="assignments-table", cursor_type="row", zebra_stripes=True)
        yield JobBar(id="job-progress")
        yield Static("", id="assignments-panel")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        labels = (_("Item"), _("Token"), _("Group"), _("Intent"), _("License type"),
                  _("Licensed"), _("Failed"), _("Waiting"), _("Update pending"))
        for key, label in zip(COLUMNS, labels, strict=True):
            table.add_column(label, key=key)
        # The first page is read before the first paint: laid out, painted and its footer
        # built once, with the rows (issue 13); a failed read is made again in a worker,
        # which reports it.
        self._seq += 1
        self._asked = ""
        try:
            page = list_assignments(self.ctx, offset=0, limit=self.page_size)
        except Exception:  # noqa: BLE001
            self.reload()
            return
        self.show_page(PageLoaded(self._seq, page.rows, page.offset, page.total))
        self._first_rows_shown = True  # the section and its rows stay (ui.heap)
        self.app.heap.keep()  # type: ignore[attr-defined]

    @property
    def page_size(self) -> int:
        """Rows per page: a screen's height (at least MIN_PAGE, at most PAGE_SIZE): only a
        screen's worth shows, and each row's license counts are read (issue 13)."""
        return rows_per_page(self.app.size.height, self.PAGE_SIZE, MIN_PAGE)

    def reload(self) -> None:
        self.load(self._wanted)  # the page last asked for: maybe loading

    def load(self, offset: int, known_total: int | None = None) -> None:
        """Read the page at `offset` in a worker; `known_total`: the count shown, for the
        same filter (a page change), not read again."""
        self._wanted = offset
        self._seq += 1
        self._asked = self.filter_text
        self._load(self._seq, offset, self.filter_text, self.page_size, known_total)

    @work(thread=True, exclusive=True, exit_on_error=False, group="assignments-load")
    def _load(self, seq: int, offset: int, text: str, size: int,
              known_total: int | None) -> None:
        if not self.after_typing():
            return
        if moved := self.count_moved(known_total, offset, size):  # another admin's change
            known_total = None
        page = list_assignments(self.ctx, text=text or None, offset=offset, limit=size,
                                known_total=known_total)
        if known_total is not None and not page.rows and offset:  # the count was stale
            page = list_assignments(self.ctx, text=text or None, offset=offset, limit=size)
        self.post_message(PageLoaded(seq, page.rows, page.offset, page.total))
        if moved:
            self.look_from_thread()

    @on(PageLoaded)
    def show_page(self, message: PageLoaded) -> None:
        if message.seq != self._seq:
            return
        self.views, self.page_offset, self.row_total = message.rows, message.offset, \
            message.total
        self._shown_for = self._asked
        rows = [(str(v.id), (
            v.item, v.token, f"{v.group} ({v.group_kind})", v.intent, v.license_type,
            Text(str(v.licensed), style="green"),
            Text(str(v.failed), style="red" if v.failed else "dim"),
            Text(str(v.waitlisted), style="yellow" if v.waitlisted else "dim"),
            _("yes") if v.update_pending else "—")) for v in message.rows]
        with self.app.batch_update():
            table_rows.update(self.query_one(DataTable), rows, COLUMNS)
        self.query_one("#assignments-status", Static).update(_("Assignments · {rows}").format(
            rows=rows_range(message.offset, len(message.rows), message.total))
            + (_(" · filter: {f}").format(f=self.filter_text) if self.filter_text else ""))
        self._explain()
        self.refresh_bindings()

    @property
    def selected(self) -> AssignmentView | None:
        return row_under_cursor(self.query_one(DataTable), self.views)

    @on(DataTable.RowHighlighted)
    def _explain(self) -> None:
        v = self.selected
        panel = self.query_one("#assignments-panel", Static)
        if v is None:
            panel.update(_("No assignments yet. Press a to assign an app or book to a group."))
            return
        panel.update(_("[b]{item}[/b] → {group}: {intent}, {lt} licensing · {ok} licensed, "
                       "{failed} failed, {waiting} waiting for licenses").format(
            item=v.item, group=v.group, intent=intent_label(v.intent),
            lt=license_type_label(v.license_type), ok=v.licensed,
            failed=v.failed, waiting=v.waitlisted))

    # Filter and pages ---------------------------------------------------------

    def action_filter(self) -> None:
        self.open_filter(self.query_one("#assignments-filter", Input))

    @on(Input.Changed, "#assignments-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.filter_text:
            self.filter_text = event.value.strip()
            self.typed()
            self.load(0)

    @on(Input.Submitted, "#assignments-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#assignments-filter", Input)
        box.value, box.display, self.filter_text = "", False, ""
        self.query_one(DataTable).focus()
        self.load(0)

    def action_page(self, step: int) -> None:
        offset = self.page_offset + step * self.page_size
        if 0 <= offset < self.row_total:
            # Only the offset moved: the count shown stands (no COUNT per page).
            same = getattr(self, "_shown_for", None) == self.filter_text
            self.load(offset, self.row_total if same else None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and parameters:
            offset = self.page_offset + int(parameters[0]) * self.page_size  # type: ignore[call-overload]
            return 0 <= offset < self.row_total
        if action in ("edit", "remove") and self.is_mounted and self.selected is None:
            return None
        selected = self.selected if self.is_mounted else None
        if super().check_action(action, parameters) is not True:
            return None
        return allowed_action(self.access, ASSIGNMENT_ACTIONS.get(action),
                              selected.token if selected else None)

    # Changes ------------------------------------------------------------------

    def action_add(self) -> None:
        if self.job_busy():
            return

        def work_() -> None:
            items = catalog.list_assets(self.ctx, books=None, limit=None).rows
            groups = list_groups(self.ctx, limit=None).rows
            self.app.call_from_thread(self._open_form, AssignForm(groups, items=items))

        self.run_worker(work_, group="assign-form", thread=True, exclusive=True,
                        exit_on_error=False)

    def _open_form(self, form: AssignForm) -> None:
        self.app.push_screen(form, lambda choice: self._add_chosen(choice, form))

    def _assign(self, title: str, item_ref: str, group: str, intent: str,
                license_type: str, token: str, done: str,
                back: Callable[[], None] | None = None) -> None:
        args = (item_ref, group, intent, license_type, token)
        self.license_change(license_spec("license.assign", f"{item_ref}:{token}:{group}",
                                         title),
                            lambda: licensing.plan_assign(self.ctx, *args),
                            lambda ctx, _progress: licensing.apply_assign(ctx, *args), done,
                            back)

    def _add_chosen(self, choice: AssignChoice | None, form: AssignForm) -> None:
        if choice is None:
            return
        item = choice.item
        self._assign(_("Assign {item}").format(item=item.name),
                     f"{item.adam_id}:{item.pricing_param}", choice.group, choice.intent,
                     choice.license_type, item.token,
                     _("{item} → {group}").format(item=item.name, group=choice.group),
                     back=lambda: self._open_form(form.again(choice)))

    def action_edit(self) -> None:
        v = self.selected
        if v is None or self.job_busy():
            return

        def chosen(intent: str | None) -> None:
            if intent is None or intent == v.intent:
                return
            self._assign(_("Change {item} → {group}").format(item=v.item, group=v.group),
                         v.item_ref, v.group, intent, v.license_type, v.token,
                         _("{item} → {group} is now {intent}").format(
                             item=v.item, group=v.group, intent=intent_label(intent)))

        offered = assignment_options(Item(v.adam_id, ProductType(v.product_type),
                                          v.pricing_param),
                                     GroupKind(v.group_kind)).intents
        self.app.push_screen(IntentForm(_("{item} → {group}").format(item=v.item,
                                                                     group=v.group),
                                        v.intent, tuple(str(i) for i in offered)), chosen)

    def action_remove(self) -> None:
        v = self.selected
        if v is None:
            return
        self.license_change(
            license_spec("license.unassign", f"{v.item_ref}:{v.token}:{v.group}",
                         _("Remove {item} → {group}").format(item=v.item, group=v.group)),
            lambda: licensing.plan_unassign(self.ctx, v.item_ref, v.group, v.token),
            lambda ctx, _progress: licensing.apply_unassign(ctx, v.item_ref, v.group,
                                                            v.token),
            _("{item} → {group} removed").format(item=v.item, group=v.group))
