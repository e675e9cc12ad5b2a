"""Directory: the users, devices and groups assignments target; imported, never edited.
Each tab is paged and filtered in SQL (`services.catalog.queries`); `i` imports a file in a
worker, reclaims the licenses of members who left and gives them to the waitlist (as
`vpp-tui directory import`), showing progress, then the summary, or every bad line when
nothing was imported. An import that would remove more than the directory's limit asks
first, stating the counts (the CLI's --allow-mass-removal)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from vpp_tui.domain.limits import MAX_DIRECTORY_FILE_BYTES
from vpp_tui.i18n import N_, _
from vpp_tui.services import directory, licensing
from vpp_tui.services.catalog import queries
from vpp_tui.services.directory.file import DirectoryFileError
from vpp_tui.services.errors import InvalidInput
from vpp_tui.services.user_files import read_user_file
from vpp_tui.ui.commands import REFRESH, Command, bindings
from vpp_tui.ui.exporting import export_command, start_export
from vpp_tui.ui.format import rows_range
from vpp_tui.ui.jobs import JobSpec
from vpp_tui.ui.messages import DirectoryChanged, LedgerChanged
from vpp_tui.ui.screens.confirm import ConfirmScreen
from vpp_tui.ui.screens.import_form import ImportForm
from vpp_tui.ui.sections.base import MIN_PAGE, SectionScreen, rows_per_page
from vpp_tui.ui.sections.catalog.messages import PageLoaded
from vpp_tui.ui.sections.job_runner import JOB_COMMANDS, JobRefused, RunsJobs
from vpp_tui.ui.widgets import table as table_rows
from vpp_tui.ui.widgets.inputs import FilterField
from vpp_tui.ui.widgets.job_bar import JobBar
from vpp_tui.ui.widgets.paged_table import PagedTable

DIRECTORY_COMMANDS = (
    Command("directory.details", "enter", "details", N_("details"),
            N_("Open the selected user, device or group: licenses, groups, members")),
    Command("directory.import", "i", "import_file", N_("import"),
            N_("Import users, devices and groups from a file")),
    Command("directory.filter", "slash", "filter", N_("filter"),
            N_("Filter the shown tab"), key_display="/"),
    export_command("directory"),
    Command("directory.next", "n", "page(1)", N_("next page"), N_("Show the next rows")),
    Command("directory.previous", "p", "page(-1)", N_("previous page"),
            N_("Show the previous rows")),
    Command("directory.clear", "escape", "clear_filter", N_("clear filter"),
            N_("Clear the filter"), show=False, key_display="esc"),
    REFRESH,
) + JOB_COMMANDS

TABS = ("users", "devices", "groups")
LISTS = {"users": queries.list_users, "devices": queries.list_devices,
         "groups": queries.list_groups}


def _mark(value: bool) -> Text:
    return Text("✓", style="green") if value else Text("—", style="dim")


def columns(tab: str) -> tuple[str, ...]:
    return {
        "users": (_("UPN"), _("Name"), _("Managed Apple ID"), _("Personal Apple ID"),
                  _("Active")),
        "devices": (_("Serial"), _("Name"), _("Platform"), _("Ownership"), _("Supervised"),
                    _("Enrolment"), _("Kiosk"), _("App Store blocked"), _("Primary user"),
                    _("Managed")),
        "groups": (_("Name"), _("Kind"), _("Members")),
    }[tab]


def cells(tab: str, row) -> tuple[str, tuple[object, ...]]:  # noqa: ANN001
    if tab == "users":
        return row.upn, (row.upn, row.name, row.managed_apple_id or "—",
                         _mark(row.personal_apple_id), _mark(row.active))
    if tab == "devices":
        return row.serial, (row.serial, row.name, row.platform, row.ownership,
                            _mark(row.supervised), row.enrollment, _mark(row.kiosk),
                            _mark(row.app_store_blocked), row.primary_user or "—",
                            _mark(row.managed))
    return row.name, (row.name, row.kind, Text(str(row.members), justify="right"))


class DirectorySection(RunsJobs, SectionScreen):
    MODE = "directory"
    COMMANDS_LIST = DIRECTORY_COMMANDS
    BINDINGS = bindings(DIRECTORY_COMMANDS)
    FOLLOWS = (DirectoryChanged, LedgerChanged)
    #: the most rows a page holds; a page is about a screen's worth (`page_size`)
    PAGE_SIZE = 200
    AUTO_FOCUS = "#directory-users"
    DEFAULT_CSS = """
    #directory-filter { height: 3; display: none; }
    #directory-tabs { height: 1fr; }
    #directory-tabs TabPane { padding: 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.offsets, self.totals = dict.fromkeys(TABS, 0), dict.fromkeys(TABS, 0)
        # Per tab: only the last answer is shown; the offset last asked for (`reload`).
        self._seqs, self._wanted = dict.fromkeys(TABS, 0), dict.fromkeys(TABS, 0)
        self.loaded_tabs: set[str] = set()  # read at least once (a tab: when first shown)
        self._asked = dict.fromkeys(TABS, "")  # per tab: the filter its last load reads
        self._shown_for: dict[str, str | None] = dict.fromkeys(TABS)  # `totals` counts it
        # Per tab, the unfiltered first page: esc shows it again (forgotten by `reload`).
        self._first_pages: dict[str, PageLoaded] = {}
        self._counts: directory.DirectoryCounts | None = None  # shown in the status line

    def about(self) -> str:
        return _("The users, devices and groups that assignments target, as last imported. "
                 "The directory is never edited here: import a new file (i) to change it.")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Directory"), id="directory-status", classes="section-status")
        yield JobBar(id="job-progress")
        yield FilterField(placeholder=_("filter the shown tab… (esc clears)"),
                        id="directory-filter")
        with TabbedContent(id="directory-tabs"):
            for tab, title in zip(TABS, (_("Users"), _("Devices"), _("Groups")), strict=True):
                with TabPane(title, id=f"tab-{tab}"):
                    if tab == "users":  # the others when first shown (`_tab_changed`)
                        yield self._new_table(tab)

    def _new_table(self, tab: str) -> PagedTable:
        """The tab's table with its columns; built when the tab is first shown (issue 13:
        each table is styled part by part as it mounts)."""
        table = PagedTable(id=f"directory-{tab}", cursor_type="row", zebra_stripes=True)
        for index, label in enumerate(columns(tab)):
            table.add_column(label, key=str(index))
        return table

    def on_mount(self) -> None:
        # The first page is read before the first paint: laid out, painted and its footer
        # built once, with the rows (issue 13); a failed read is redone in a worker.
        self.loaded_tabs.add(tab := self.tab)
        try:
            first = self._read(self._seqs[tab], tab, 0, "", None, True, self.page_size)
        except Exception:  # noqa: BLE001
            self.reload()
            return
        self.show_page(first)
        self._first_rows_shown = True  # the section and its rows stay (ui.heap)
        self.app.heap.keep()  # type: ignore[attr-defined]

    @property
    def page_size(self) -> int:
        """Rows per page: a screen's height (at least MIN_PAGE, at most PAGE_SIZE): only
        a screen's worth shows (issue 13: 200 rows made a visit and a page slow)."""
        return rows_per_page(self.app.size.height, self.PAGE_SIZE, MIN_PAGE)

    @property
    def tab(self) -> str:
        active = self.query_one(TabbedContent).active or "tab-users"
        return active.removeprefix("tab-")

    def reload(self) -> None:
        """Read again the shown tab and every tab read before (same page and filter), and
        the directory's counts; the cached first pages are forgotten."""
        self._first_pages.clear()
        shown = self.tab
        for tab in TABS:
            if tab == shown or tab in self.loaded_tabs:
                self.load(tab, self._wanted[tab], counts=tab == shown)

    def load(self, tab: str, offset: int, *, known_total: int | None = None,
             counts: bool = False) -> None:
        """Read the tab's page at `offset` in a worker. `known_total`: the count already
        read for the same filter (a page change), not read again; `counts`: read the
        directory's counts too (they change only with the store)."""
        self.loaded_tabs.add(tab)
        self._seqs[tab] += 1
        self._wanted[tab] = offset  # a reload meanwhile reads this page, not the last shown
        self._asked[tab] = self.filter_text if tab == self.tab else ""
        counts = counts or self._counts is None  # none shown yet
        self._load(self._seqs[tab], tab, offset, self._asked[tab], known_total, counts,
                   self.page_size)

    @work(thread=True, exit_on_error=False, group="directory-load")
    def _load(self, seq: int, tab: str, offset: int, text: str, known_total: int | None,
              counts: bool, size: int) -> None:
        # Not an exclusive group (each tab loads on its own): a newer load of the tab wins.
        if not self.after_typing() or seq != self._seqs[tab]:
            return
        # The last page by the count kept, or a filter beside the directory's counts: both
        # are read again if another process changed the directory (breaker fault 11).
        moved = ((known_total is not None and offset + size >= known_total)
                 or (text and not counts)) and self.store_moved()
        self.post_message(self._read(seq, tab, offset, text, None if moved else known_total,
                                     counts or moved, size))
        if moved:  # the other sections (and this one's other tabs) learn of it too
            self.look_from_thread()

    def _read(self, seq: int, tab: str, offset: int, text: str, known_total: int | None,
              counts: bool, size: int) -> PageLoaded:
        read = directory.counts(self.ctx) if counts else None
        if read is not None and not text and known_total is None:
            known_total = getattr(read, tab)  # the tab's unfiltered count: read just now
        page = LISTS[tab](self.ctx, text=text or None, offset=offset, limit=size,
                          known_total=known_total)
        if known_total is not None and not page.rows and offset:  # the count was stale
            page = LISTS[tab](self.ctx, text=text or None, offset=offset, limit=size)
        return PageLoaded(seq, [read, *page.rows], page.offset, page.total, tab=tab)

    @on(PageLoaded)
    def show_page(self, message: PageLoaded) -> None:
        if message.seq != self._seqs[message.tab]:
            return
        (counts, *rows), tab = message.rows, message.tab
        self.offsets[tab], self.totals[tab] = message.offset, message.total
        self._shown_for[tab] = self._asked[tab]
        if message.offset == 0 and not self._asked[tab]:
            self._first_pages[tab] = message
        table = self.query_one(f"#directory-{tab}", DataTable)
        with self.app.batch_update():
            table_rows.update(table, [cells(tab, r) for r in rows],
                              [str(i) for i in range(len(columns(tab)))])
        self._counts = self._counts if counts is None else counts
        self._show_status()
        self.refresh_bindings()

    def _show_status(self) -> None:
        if (counts := self._counts) is None:
            return
        text = _("Directory · {u} users · {d} devices · {g} groups · {rows}").format(
            u=counts.users, d=counts.devices, g=counts.groups,
            rows=rows_range(self.offsets[self.tab], min(
                self.page_size, self.totals[self.tab] - self.offsets[self.tab]),
                self.totals[self.tab]))
        if self.filter_text:
            text += _(" · filter: {f}").format(f=self.filter_text)
        self.query_one("#directory-status", Static).update(text)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        if not self.query(f"#directory-{(tab := self.tab)}"):
            self.query_one(f"#tab-{tab}", TabPane).mount(self._new_table(tab))
        if self.filter_text or tab not in self.loaded_tabs:
            self.load(tab, 0)
        self._show_status()
        self.refresh_bindings()

    # Filter and pages -------------------------------------------------------------

    def action_filter(self) -> None:
        self.open_filter(self.query_one("#directory-filter", Input))

    @on(Input.Changed, "#directory-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.filter_text:
            self.filter_text = event.value.strip()
            self.typed()
            self.load(self.tab, 0)

    @on(Input.Submitted, "#directory-filter")
    def _filter_done(self) -> None:
        self.query_one(f"#directory-{self.tab}", DataTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#directory-filter", Input)
        box.value, box.display, self.filter_text = "", False, ""
        if (first := self._first_pages.get(tab := self.tab)) is None:
            self.load(tab, 0)
            return
        # The unfiltered first page, as shown before the filter: no query (issue 13); a
        # look for other processes' changes since, in a worker (a change reloads it).
        self._seqs[tab], self._wanted[tab], self._asked[tab] = self._seqs[tab] + 1, 0, ""
        self.show_page(PageLoaded(self._seqs[tab], [None, *first.rows[1:]], 0, first.total,
                                  tab=tab))
        self.app.check_store()  # type: ignore[attr-defined]

    def action_page(self, step: int) -> None:
        tab = self.tab
        offset = self.offsets[tab] + step * self.page_size
        if 0 <= offset < self.totals[tab]:
            # Only the offset moved: the count shown stands (issue 13: no COUNT per page).
            same = self._shown_for[tab] == self.filter_text
            self.load(tab, offset, known_total=self.totals[tab] if same else None)

    def action_export(self) -> None:
        """Every row of the shown tab with its filter, all pages: the tab's own query
        without a page limit, to a CSV file (`vpp-tui directory TAB --csv`)."""
        tab, text = self.tab, self.filter_text or None
        start_export(self, f"directory-{tab}", lambda: [queries.directory_json(r) for r in LISTS[
            tab](self.ctx, text=text, limit=None).rows], queries.DIRECTORY_FIELDS[tab])

    # Details ----------------------------------------------------------------------

    def selected_key(self) -> str | None:
        """The UPN, serial or group name under the cursor of the shown tab."""
        found = self.query(f"#directory-{self.tab}")  # none until the tab is first shown
        table = found.first(DataTable) if found else None
        if table is None or not table.row_count or table.cursor_row < 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    def action_details(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        kind = {"users": "user", "devices": "device", "groups": "group"}[self.tab]
        # Imported when first opened: it brings the Apple client (a third of the first
        # visit to Directory, issue 13).
        from vpp_tui.ui.screens.directory import DirectoryDetailsScreen

        self.app.push_screen(DirectoryDetailsScreen(kind, key, page_size=self.PAGE_SIZE))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "details" and self.is_mounted:
            return True if self.selected_key() is not None else None
        if action == "page" and parameters and self.is_mounted:
            offset = self.offsets[self.tab] + int(parameters[0]) * self.page_size  # type: ignore[call-overload]
            return 0 <= offset < self.totals[self.tab]
        return super().check_action(action, parameters)

    # Import -----------------------------------------------------------------------

    def action_import_file(self) -> None:
        if self.job_busy("directory.import"):
            return

        def chosen(path: str | None) -> None:
            if path:
                self.run_import(path)

        self.app.push_screen(ImportForm(), chosen)

    def run_import(self, path: str, allow_mass_removal: bool = False) -> None:
        """Import the file as a job: progress while importing, then per item reclaimed. A
        mass removal is refused by the service; the admin is asked, stating the counts."""
        file = Path(path).expanduser()

        def run(ctx, progress) -> licensing.DirectoryUpdate | directory.MassRemoval:  # noqa: ANN001
            def stage(what: str, done: int, total: int) -> None:
                if total == 0:
                    progress("", 0, 0)  # reading and writing the file: the title says so
                elif what:
                    progress(_("reclaiming licenses of members who left: {item}").format(
                        item=what), done + 1, total)
                else:
                    progress(_("reclaimed; reloading the directory"), done, total)

            try:
                raw = read_user_file(str(file), MAX_DIRECTORY_FILE_BYTES)
                text = raw.decode("utf-8-sig")
                return licensing.import_and_reclaim(ctx, text, filename=file.name,
                                                    allow_mass_removal=allow_mass_removal,
                                                    on_progress=stage)
            except DirectoryFileError as exc:
                raise JobRefused(_("Nothing was imported"),
                                 "\n".join([str(exc), "", *exc.problems])) from exc
            except directory.MassRemoval as exc:
                return exc  # not an error: a question for the admin
            except (InvalidInput, UnicodeDecodeError) as exc:
                why = exc.message if isinstance(exc, InvalidInput) else _(
                    "{file} is not UTF-8 text; save it as UTF-8").format(file=file.name)
                raise JobRefused(_("Nothing was imported"), why) from exc
            except OSError as exc:
                raise JobRefused(_("Cannot read {path}").format(path=path),
                                 exc.strerror or str(exc)) from exc

        self.start_job(JobSpec("directory.import", "directory.import",
                               _("Importing {file}").format(file=file.name),
                               _("Import failed"), False, refusal=("directory.import", path)),
                       run, lambda done: self._confirm_mass_removal(path, done)
                       if isinstance(done, directory.MassRemoval) else self._imported(done))

    def _confirm_mass_removal(self, path: str, refused: directory.MassRemoval) -> None:
        """Say what the import would remove and import only on an explicit yes."""
        lines = "\n".join(f"  • {directory.describe_removals((r,))}" for r in refused.removals)
        body = _("Importing {file} would remove\n{lines}\n\nThat is more than {p:g} % of the "
                 "directory (and more than {f}). Users who are gone lose their licenses, "
                 "which are reclaimed at Apple. Nothing has been imported yet: check the "
                 "file, or confirm the mass removal.").format(
            file=refused.filename, lines=lines, p=refused.limit.percent, f=refused.limit.floor)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_import(path, allow_mass_removal=True)

        self.app.push_screen(ConfirmScreen(_("Mass removal"), body, yes=_("Remove them"),
                                           danger=True), answered)

    def _imported(self, update: licensing.DirectoryUpdate) -> None:
        self.notify(update.summary(), title=_("Directory imported"), timeout=10)
        if update.error:
            self.notify(_("{why}; they stay pending and the next import tries again").format(
                why=update.error), title=_("Licenses not reclaimed"), severity="warning",
                timeout=15)
