"""Apps and eBooks: one row per item per token, filtered, sorted and paged in SQL.

Both sections are this screen with `BOOKS` set; the differences (no platforms, no
device licensing, nothing to revoke) come from the rows and the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Static

from vpp_tui.i18n import N_, _
from vpp_tui.services import catalog, licensing
from vpp_tui.services.catalog import AssetView
from vpp_tui.ui.access import CATALOG_ACTIONS, allowed_action
from vpp_tui.ui.commands import REFRESH, Command
from vpp_tui.ui.exporting import export_command, start_export
from vpp_tui.ui.format import rows_range
from vpp_tui.ui.messages import CatalogChanged, LedgerChanged, TokensChanged
from vpp_tui.ui.sections.base import MIN_PAGE, SectionScreen, rows_per_page
from vpp_tui.ui.sections.catalog import rows as catalog_rows
from vpp_tui.ui.sections.catalog.messages import PageLoaded
from vpp_tui.ui.sections.job_runner import JOB_COMMANDS, RunsJobs
from vpp_tui.ui.sections.license_flow import LicenseFlow, license_spec
from vpp_tui.ui.widgets import table as table_rows
from vpp_tui.ui.widgets.inputs import FilterField
from vpp_tui.ui.widgets.job_bar import JobBar
from vpp_tui.ui.widgets.paged_table import PagedTable
from vpp_tui.ui.widgets.table import row_under_cursor

if TYPE_CHECKING:
    from vpp_tui.ui.screens.assign_form import AssignChoice, AssignForm

SORTS = ("name", "availability", "used", "token")


def sort_label(sort: str) -> str:
    return {"name": _("name"), "availability": _("availability (scarcest first)"),
            "used": _("most used"), "token": _("token")}[sort]


def catalog_commands(prefix: str, *, books: bool) -> tuple[Command, ...]:
    commands = (
        Command(f"{prefix}.details", "enter", "details", N_("details"),
                N_("Assignments, license holders and failures of the selected item")),
        Command(f"{prefix}.assign", "a", "assign", N_("assign"),
                N_("Assign the selected item to a group: a form, then a review")),
    )
    if not books:
        commands += (Command(f"{prefix}.revoke", "v", "revoke", N_("revoke all"),
                             N_("Revoke every license of the selected app (preview first)")),)
    return commands + (
        Command(f"{prefix}.filter", "slash", "filter", N_("filter"),
                N_("Filter by name, adamId or token"), key_display="/"),
        # Not in the footer: the switches line above the table says "o sort", and the
        # footer keeps room for x export and f1 help on an 80-column terminal.
        Command(f"{prefix}.sort", "o", "sort", N_("sort"),
                N_("Sort by name, availability, most used, token"), show=False),
        Command(f"{prefix}.token", "t", "token", N_("token"),
                N_("Show one token's items, the next token, or all")),
        export_command(prefix),
        Command(f"{prefix}.next", "n", "page(1)", N_("next page"), N_("Show the next rows"),
                show=False),
        Command(f"{prefix}.previous", "p", "page(-1)", N_("previous page"),
                N_("Show the previous rows"), show=False),
        Command(f"{prefix}.clear", "escape", "clear_filter", N_("clear filter"),
                N_("Clear the filter and the token choice"), show=False, key_display="esc"),
        REFRESH,
    ) + JOB_COMMANDS


class CatalogSection(RunsJobs, LicenseFlow, SectionScreen):
    BOOKS: ClassVar[bool] = False
    FOLLOWS = (CatalogChanged, LedgerChanged, TokensChanged)
    #: the most rows a page holds; a page is about a screen's worth (`page_size`)
    PAGE_SIZE: ClassVar[int] = 200
    AUTO_FOCUS = "DataTable"
    DEFAULT_CSS = """
    .catalog-bar { height: 1; }
    .catalog-count { width: 1fr; }
    .catalog-switches { width: auto; }
    .catalog-filter { height: 3; display: none; }
    .catalog-panel { height: 3; padding: 0 1; border-top: solid $panel-lighten-2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.views: list[AssetView] = []
        self.filter_text = ""
        self.sort = "name"
        self.token: str | None = None
        self.token_names: list[str] = []
        self.page_offset = self._wanted = 0
        self.row_total = 0
        self._seq = 0
        self._switches_shown = ""
        self._count_text = self._count_shown = ""
        # The unfiltered first page as last shown, by sort: esc shows it again without a
        # query; forgotten when the store changes (`reload`).
        self._first_page: tuple[str, PageLoaded] | None = None
        self._asked: tuple[str, str, str | None] = ("", self.sort, None)
        self._shown_for: tuple[str, str, str | None] | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="catalog-bar section-status"):
            yield Label(self.section.title, id="catalog-count", classes="catalog-count")
            yield Label("", id="catalog-switches", classes="catalog-switches")
        yield FilterField(placeholder=_("filter: name, adamId, token… (esc clears)"),
                        id="catalog-filter", classes="catalog-filter")
        yield PagedTable(id="catalog-table", cursor_type="row", zebra_stripes=True)
        yield JobBar(id="job-progress")
        yield Static("", id="catalog-panel", classes="catalog-panel")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in catalog_rows.columns(self.BOOKS):
            table.add_column(label, key=key)
        self._show_switches()
        self.reload()

    # Loading ----------------------------------------------------------------

    @property
    def page_size(self) -> int:
        """Rows per page: a screen's height (at least MIN_PAGE, at most PAGE_SIZE). Every
        row of a page is prepared, measured and added to the table, but only a screen's
        worth shows: 200 rows a page made a page change over 20k apps slow (issue 13)."""
        return rows_per_page(self.app.size.height, self.PAGE_SIZE, MIN_PAGE)

    def reload(self) -> None:
        self._first_page = None
        self.load_tokens()
        self.load(self._wanted)  # the page last asked for: maybe loading

    def load(self, offset: int, *, known_total: int | None = None) -> None:
        """Read the page at `offset` with the current filter, sort and token in a worker.
        `known_total`: the count already read for them (a page change), not read again."""
        self._wanted = offset
        self._seq += 1
        self._asked = (self.filter_text, self.sort, self.token)  # what the last load reads
        self._load(self._seq, offset, self.filter_text, self.sort, self.token, known_total,
                   self.page_size)

    @work(thread=True, exclusive=True, exit_on_error=False, group="catalog-load")
    def _load(self, seq: int, offset: int, text: str, sort: str, token: str | None,
              known_total: int | None = None, size: int = 200) -> None:
        if not self.after_typing():
            return
        if moved := self.count_moved(known_total, offset, size):  # another admin's change
            known_total = None
        page = catalog.list_assets(self.ctx, books=self.BOOKS, token=token, text=text or None,
                                   sort=sort, offset=offset, limit=size,
                                   known_total=known_total)
        if known_total is not None and not page.rows and offset:  # the count was stale
            page = catalog.list_assets(self.ctx, books=self.BOOKS, token=token,
                                       text=text or None, sort=sort, offset=offset,
                                       limit=size)
        if page.total and offset >= page.total:  # the rows shrank under a later page
            offset = (page.total - 1) // size * size
            page = catalog.list_assets(self.ctx, books=self.BOOKS, token=token,
                                       text=text or None, sort=sort, offset=offset,
                                       limit=size)
        self.post_message(PageLoaded(seq, page.rows, page.offset, page.total))
        if moved:
            self.look_from_thread()

    @work(thread=True, exclusive=True, exit_on_error=False, group="catalog-tokens")
    def load_tokens(self) -> None:
        # Only tokens with something to show here: an empty choice is a wasted key press.
        names = sorted(v.name for v in self.app.token_list.views()  # type: ignore[attr-defined]
                       if (v.book_count if self.BOOKS else v.app_count))
        self.app.call_from_thread(setattr, self, "token_names", names)

    @on(PageLoaded)
    def show_page(self, message: PageLoaded) -> None:
        if message.seq != self._seq:
            return
        self._shown_for = self._asked  # the filter, sort and token `row_total` counts
        if message.offset == 0 and self._asked[0] == "" and self._asked[2] is None:
            self._first_page = (self._asked[1], message)
        self.views, self.page_offset, self.row_total = message.rows, message.offset, \
            message.total
        rows = [(catalog_rows.row_key(v), catalog_rows.cells(v, self.BOOKS))
                for v in message.rows]
        with self.app.batch_update():
            table_rows.update(self.query_one(DataTable), rows,
                              [k for k, _l in catalog_rows.columns(self.BOOKS)])
        count = _("{section} · {rows} · sorted by {sort}").format(
            section=self.section.title, sort=sort_label(self.sort),
            rows=rows_range(message.offset, len(message.rows), message.total))
        if self.BOOKS:
            count += _(" · user licensing only, irrevocable")
        self._count_text = count
        self._show_switches()  # the filter the rows answer (typing shows in the box)
        self._show_count()
        self._explain()
        self.refresh_bindings()

    def _show_count(self) -> None:
        # Beside the switches, in what they leave of the bar (its padding is 1 a side):
        # wrapped between its phrases, never inside one ("sorted by" / "name").
        width = self.app.size.width - 2 - cell_len(self._switches_shown)
        text = catalog_rows.phrase_lines(self._count_text, width)
        if text != self._count_shown:
            self._count_shown = text
            self.query_one("#catalog-count", Label).update(text)

    @on(events.Resize)
    def _count_fits(self) -> None:
        if self._count_text:
            self._show_count()

    def _show_switches(self) -> None:
        token = self.token or _("all")
        text = _("token: {t}   / filter   o sort   t token").format(t=token)
        if self.filter_text:
            text = _("filter: {f}   ").format(f=self.filter_text) + text
        if text != self._switches_shown:  # its width is its text's: a change lays out
            self._switches_shown = text
            self.query_one("#catalog-switches", Label).update(text)

    @property
    def selected(self) -> AssetView | None:
        return row_under_cursor(self.query_one(DataTable), self.views)

    @on(DataTable.RowHighlighted)
    def _explain(self) -> None:
        view = self.selected
        panel = self.query_one("#catalog-panel", Static)
        if view is None:
            panel.update(_("Nothing matches: press esc to clear the filter.")
                         if self.filter_text or self.token else
                         _("Nothing here yet: add a token and sync it (section 1)."))
            return
        panel.update(f"[b]{view.name}[/b] · {view.token} · {catalog_rows.facts(view)}")

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_details()

    # Filter, sort, token, pages ---------------------------------------------

    def action_filter(self) -> None:
        self.open_filter(self.query_one("#catalog-filter", Input))

    @on(Input.Changed, "#catalog-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.filter_text:
            self.filter_text = event.value.strip()
            self.typed()
            self.load(0)

    @on(Input.Submitted, "#catalog-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#catalog-filter", Input)
        box.value, box.display = "", False
        self.filter_text, self.token = "", None
        self.query_one(DataTable).focus()
        self._show_switches()
        first = self._first_page
        if first is not None and first[0] == self.sort:
            # The unfiltered first page, as shown before the filter: no query (issue 13);
            # a look for other processes' changes since, in a worker (a change reloads).
            self._seq, self._wanted = self._seq + 1, 0
            self.workers.cancel_group(self, "catalog-load")
            self._asked = ("", self.sort, None)
            self.show_page(PageLoaded(self._seq, first[1].rows, 0, first[1].total))
            self.app.check_store()  # type: ignore[attr-defined]
            return
        self.load(0)

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.load(0)

    def action_token(self) -> None:
        names = [None, *self.token_names]
        self.token = names[(names.index(self.token) + 1) % len(names)] \
            if self.token in names else None
        self._show_switches()
        self.load(0)

    def _page_at(self, step: int) -> int:
        """The offset `step` pages away; a page back from a page that began mid-page (the
        terminal grew meanwhile) is the first one."""
        offset = self.page_offset + step * self.page_size
        return max(0, offset) if step < 0 and self.page_offset > 0 else offset

    def action_page(self, step: int) -> None:
        offset = self._page_at(step)
        if 0 <= offset < self.row_total:
            # Only the offset moved: the count shown stands (issue 13: no COUNT per page).
            same = self._shown_for == (self.filter_text, self.sort, self.token)
            self.load(offset, known_total=self.row_total if same else None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and parameters:
            offset = self._page_at(int(parameters[0]))  # type: ignore[call-overload]
            return 0 <= offset < self.row_total
        if action in ("details", "assign", "revoke") and self.is_mounted \
                and self.selected is None:
            return None
        selected = self.selected if self.is_mounted else None
        if super().check_action(action, parameters) is not True:
            return None
        return allowed_action(self.access, CATALOG_ACTIONS.get(action),
                              selected.token if selected else None)

    def action_export(self) -> None:
        """Every row the list shows, all pages, its filter, token and sort: the table's
        own query (`catalog.list_assets`) without a page limit, to a CSV file."""
        books, token, text, sort = self.BOOKS, self.token, self.filter_text or None, self.sort
        start_export(self, "ebooks" if books else "apps", lambda: [
            v.as_json() for v in catalog.list_assets(
                self.ctx, books=books, token=token, text=text, sort=sort, limit=None).rows],
            catalog.ASSET_FIELDS)

    # Details and license changes --------------------------------------------

    def action_details(self) -> None:
        view = self.selected
        if view is None:
            return

        def work_() -> None:
            # Imported on the first details (issue 13): its chart library (plotext) was
            # most of the section's first visit.
            from vpp_tui.services.usage import usage_history
            from vpp_tui.ui.screens.asset_details import AssetDetailsScreen

            report = licensing.licenses(self.ctx, f"{view.adam_id}:{view.pricing_param}",
                                        view.token)
            usage = usage_history(self.ctx, view.id)
            self.app.call_from_thread(self.app.push_screen,
                                      AssetDetailsScreen(view, report, usage))

        self.run_worker(work_, group="details", thread=True, exclusive=True,
                        exit_on_error=False)

    def action_assign(self) -> None:
        view = self.selected
        if view is None or self.job_busy():
            return

        def work_() -> None:
            from vpp_tui.services.catalog.queries import list_groups
            from vpp_tui.ui.screens.assign_form import AssignForm

            groups = list_groups(self.ctx, kind="user" if self.BOOKS else None,
                                 limit=None).rows
            self.app.call_from_thread(self._open_form, AssignForm(groups, item=view))

        self.run_worker(work_, group="groups", thread=True, exclusive=True,
                        exit_on_error=False)

    def _open_form(self, form: AssignForm) -> None:
        self.app.push_screen(form, lambda choice: self.assign_chosen(choice, form))

    def assign_chosen(self, choice: AssignChoice | None, form: AssignForm) -> None:
        if choice is None:
            return
        item = choice.item
        ref = f"{item.adam_id}:{item.pricing_param}"
        args = (ref, choice.group, choice.intent, choice.license_type, item.token)
        self.license_change(
            license_spec("license.assign", f"{ref}:{item.token}:{choice.group}",
                         _("Assign {item}").format(item=item.name)),
            lambda: licensing.plan_assign(self.ctx, *args),
            lambda ctx, _progress: licensing.apply_assign(ctx, *args),
            _("{item} → {group}").format(item=item.name, group=choice.group),
            back=lambda: self._open_form(form.again(choice)))

    def action_revoke(self) -> None:
        view = self.selected
        if view is None or self.BOOKS:
            return
        ref = f"{view.adam_id}:{view.pricing_param}"
        self.license_change(
            license_spec("license.revoke", f"{ref}:{view.token}",
                         _("Revoke {item}").format(item=view.name)),
            lambda: licensing.plan_revoke(self.ctx, item=ref, token=view.token),
            lambda ctx, _progress: licensing.apply_revoke(ctx, item=ref, token=view.token),
            _("{item}: licenses revoked").format(item=view.name))
