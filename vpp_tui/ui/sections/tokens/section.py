"""Tokens: the triage home screen. Most urgent first; the panel says what to do next.

At 3,000 tokens the table pages (issue 13): the app's shared light list
(`tokens.token_briefs`) gives the order, the filter and the counts; full rows are read
(`tokens.token_views`, no secret decrypted: the table never shows one, the details read
their own) and rendered for the screen's rows plus a margin, and the next page as the
cursor comes near the last row read.

Every change goes through `services.tokens` / `services.sync` in a thread worker;
the handlers here own the widgets. The table refreshes by diff, so the selection
survives a sync and little is repainted over SSH.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Static

from vpp_tui.i18n import N_, _, ngettext
from vpp_tui.services import tokens
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.tokens import TokenBrief
from vpp_tui.services.views import SyncResult, TokenView
from vpp_tui.ui.access import TOKEN_ACTIONS, allowed_action
from vpp_tui.ui.commands import REFRESH, bindings
from vpp_tui.ui.jobs import JobSpec
from vpp_tui.ui.messages import CatalogChanged, TokensChanged, TokensLoaded
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.sections.base import SectionScreen
from vpp_tui.ui.sections.job_runner import JOB_COMMANDS, RunsJobs
from vpp_tui.ui.sections.tokens import rows as tokens_rows
from vpp_tui.ui.sections.tokens.actions import TokenActions
from vpp_tui.ui.sections.tokens.commands import TOKENS_COMMANDS
from vpp_tui.ui.widgets.inputs import FilterField
from vpp_tui.ui.widgets.job_bar import JobBar
from vpp_tui.ui.widgets.row_table import RowTable
from vpp_tui.ui.widgets.table import row_under_cursor

# How often an open console looks for tokens whose sync interval has passed; the interval
# itself (12 h by default) is a store setting decided in domain.tokens.sync_due.
SCHEDULE_CHECK_SECONDS = 300
# Rows read past what the screen shows, and how near the last row read the cursor comes
# before the next page is read.
MARGIN = 20


class TokensSection(RunsJobs, TokenActions, SectionScreen):
    MODE = "tokens"
    COMMANDS_LIST = (*TOKENS_COMMANDS, REFRESH, *JOB_COMMANDS)
    BINDINGS = bindings(COMMANDS_LIST)
    FOLLOWS = (TokensChanged, CatalogChanged)
    AUTO_FOCUS = "#tokens-table"
    WORKER_ERROR_TITLES = {"tokens-load": N_("Cannot read tokens"),
                           "tokens-more": N_("Cannot read tokens")}

    def __init__(self) -> None:
        super().__init__()
        self.views: list[TokenView] = []  # the rows read so far: the first of `matched`
        self.matched: list[TokenBrief] = []  # every token the filter lets through
        self._more_pending = False
        self._to_end = False  # End was pressed: read every row left, then go to the last
        self.attention_only = False
        self.filter_text = ""

    @property
    def syncing(self) -> bool:
        return self.job is not None and self.job.spec.kind == "sync"

    def about(self) -> str:
        return _("Every location token, most urgent first. The panel under the table says "
                 "why a token needs attention and what to do next. Tokens sync twice a day; "
                 "sync one (s) or all (S) at any time.")

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="tokens-bar", classes="section-status"):
            yield Label(_("Tokens"), id="tokens-count")
            yield Label("", id="tokens-switches")
        yield FilterField(placeholder=_("filter: name, location, state, Apple ID… (esc clears)"),
                    id="tokens-filter")
        yield RowTable(id="tokens-table", cursor_type="row", zebra_stripes=True)
        yield JobBar(id="job-progress")
        yield Static("", id="tokens-advice")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in tokens_rows.columns():
            table.add_column(label, key=key)
        self._show_switches()
        self.load()
        self.set_interval(SCHEDULE_CHECK_SECONDS, self.scheduled_sync)

    def scheduled_sync(self) -> None:
        """Sync the tokens that are due, quietly, unless a job is already running here."""
        from vpp_tui.services import sync

        if self.job is not None:
            return
        self.start_job(JobSpec("sync", "sync", _("Scheduled sync"), _("Sync failed"),
                               quiet=True),
                       lambda ctx, _progress: sync.sync_all(ctx, due_only=True),
                       self._scheduled_done)

    def _scheduled_done(self, results: list[SyncResult]) -> None:
        if not results:
            return
        # Nobody asked for this sync: a toast, never a modal in front of the admin.
        done = sum(r.status == "completed" for r in results)
        failed = [r.name for r in results if r.status == "failed"]
        text = _("Scheduled sync: {n} synced").format(n=done)
        if failed:
            text += _("; failed: {names}").format(names=", ".join(failed))
        self.notify(text, title=_("Sync"), severity="warning" if failed else "information")

    # Loading ----------------------------------------------------------------

    def reload(self) -> None:
        self.load(keep=True)

    def page_rows(self) -> int:
        """How many rows a page reads: the screen's height plus `MARGIN`."""
        return self.app.size.height + MARGIN

    def load(self, *, keep: bool = False) -> None:
        """Read the first page again (`keep`: as many rows as are read now, so the cursor
        stays on its row after a store change)."""
        # A thread worker cannot be stopped mid-query: number each load, show only the last.
        self._load_seq = getattr(self, "_load_seq", 0) + 1
        rows = max(self.page_rows(), len(self.views) if keep else 0)
        self._load(self._load_seq, self.attention_only, self.filter_text, rows)

    @work(thread=True, exclusive=True, exit_on_error=False, group="tokens-load")
    def _load(self, seq: int, attention_only: bool, filter_text: str, rows: int) -> None:
        if not self.after_typing():
            return
        # The app's one light token list (read once, shared with Apps and eBooks); the
        # filter and the attention switch pick from it without reading the store again.
        everything = self.app.token_list.views()  # type: ignore[attr-defined]
        shown = tokens.matching(everything, attention_only=attention_only,
                                text=filter_text or None)
        page = tokens.token_views(self.ctx, [b.id for b in shown[:rows]], hints=False)
        orgs = {v.org_name for v in everything}
        self.post_message(TokensLoaded(
            seq, page, len(everything), sum(1 for v in everything if v.needs_attention),
            orgs.pop() if len(orgs) == 1 else None, shown))

    def _read_more(self) -> None:
        """The next page, once the cursor comes within `MARGIN` rows of the last row read."""
        start = len(self.views)
        if self._more_pending or start >= len(self.matched) or \
                self.query_one(DataTable).cursor_row < start - MARGIN:
            return
        self._more_pending = True
        self._more(self._load_seq, start, self.matched[start:start + self.page_rows()])

    @work(thread=True, exclusive=True, exit_on_error=False, group="tokens-more")
    def _more(self, seq: int, start: int, briefs: list[TokenBrief]) -> None:
        page = tokens.token_views(self.ctx, [b.id for b in briefs], hints=False)
        self.app.call_from_thread(self._more_read, seq, start, page)

    def _more_read(self, seq: int, start: int, page: list[TokenView]) -> None:
        self._more_pending = False
        if seq != self._load_seq or start != len(self.views):
            return  # a newer load (filter, store change) replaced the rows meanwhile
        self.views = self.views + page
        table = self.query_one(DataTable)
        with self.app.batch_update():
            tokens_rows.show(table, self.views, self.ctx.clock.now())
        if self._to_end:  # End asked for the very last token
            self._to_end = False
            self._end()
            if not self._to_end:
                table.action_scroll_bottom()
                return
        self._read_more()  # the cursor may have run past this page too

    @on(TokensLoaded)
    def show_tokens(self, message: TokensLoaded) -> None:
        if message.seq != self._load_seq:
            return
        self.views = message.views
        self.matched = message.views if message.matched is None else message.matched
        self._more_pending = self._to_end = False
        table = self.query_one(DataTable)
        with self.app.batch_update():
            tokens_rows.show(table, message.views, self.ctx.clock.now())
        count = _("Tokens · {n} · {k} need attention").format(n=message.total,
                                                            k=message.attention)
        if self.attention_only or self.filter_text:
            count += " · " + _("showing {n}").format(n=len(self.matched))
        self.query_one("#tokens-count", Label).update(count)
        self.set_org(message.org)
        self._explain()
        self.refresh_bindings()

    def _show_switches(self) -> None:
        mark = "x" if self.attention_only else " "
        self.query_one("#tokens-switches", Label).update(
            _("[{mark}] needs attention only (n)   / filter").format(mark=mark))

    @property
    def selected(self) -> TokenView | None:
        return row_under_cursor(self.query_one(DataTable), self.views)

    @on(RowTable.EndReached)
    def _end(self) -> None:
        """End goes to the last token, not the last one read: read the rest now."""
        self._to_end = len(self.views) < len(self.matched)
        if self._to_end and not self._more_pending:
            self._more_pending = True
            self._more(self._load_seq, len(self.views), self.matched[len(self.views):])

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._explain()
        self._read_more()

    def _explain(self) -> None:
        view = self.selected
        panel = self.query_one("#tokens-advice", Static)
        if view is None:
            panel.update(_("No tokens yet. Press a to add one: download the .vpptoken file in "
                           "Apple Business/School Manager › Settings › Apps and Books.")
                         if not (self.attention_only or self.filter_text) else
                         _("No token matches. Press n or esc to show them all."))
            return
        panel.update(f"[b]{view.name}[/b] · {view.state_reason}. {view.advice}")
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_details()

    # Filter and attention ---------------------------------------------------

    def action_toggle_attention(self) -> None:
        self.attention_only = not self.attention_only
        self._show_switches()
        self.load()

    def action_filter(self) -> None:
        self.open_filter(self.query_one("#tokens-filter", Input))

    @on(Input.Changed, "#tokens-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.filter_text:
            self.filter_text = event.value.strip()
            self.typed()
            self.load()

    @on(Input.Submitted, "#tokens-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#tokens-filter", Input)
        if box.display:
            box.value = ""
            box.display = False
            self.filter_text = ""
            self.query_one(DataTable).focus()
            self.load()
        elif self.attention_only:
            self.action_toggle_attention()

    # Sync -------------------------------------------------------------------

    def action_sync(self) -> None:
        if self.selected is not None:
            self._start_sync([self.selected.name])

    def action_sync_all(self) -> None:
        self._start_sync(None)

    def _start_sync(self, names: list[str] | None) -> None:
        from vpp_tui.services import sync

        name = names[0] if names and len(names) == 1 else None

        def run(ctx: ServiceContext, progress) -> list[SyncResult]:  # noqa: ANN001
            if name is not None:
                return [sync.sync_token(ctx, name, on_progress=progress)]
            return sync.sync_all(ctx, names=names, on_progress=progress)

        title = _("Sync of {name}").format(name=name) if name else _("Sync of every token")
        self.start_job(JobSpec("sync", "sync", title, _("Sync failed")), run,
                       self._report_sync)

    def _report_sync(self, results: list[SyncResult]) -> None:
        failed = [r for r in results if r.status == "failed"]
        done = [r for r in results if r.status == "completed"]
        skipped = [r for r in results if r.status in ("skipped", "interrupted")]
        parts = []
        if done:
            parts.append(ngettext("{n} token synced", "{n} tokens synced", len(done))
                         .format(n=len(done)))
            if len(done) == 1 and len(results) == 1:
                r = done[0]
                parts[-1] = _("{name} synced: {assets} items, {assignments} assignments, "
                              "{requests} requests").format(
                    name=r.name, assets=r.assets, assignments=r.assignments,
                    requests=r.requests)
        if skipped:
            parts.append("; ".join(f"{r.name}: {r.error}" for r in skipped))
        if parts:
            self.notify(". ".join(parts), title=_("Sync"),
                        severity="warning" if skipped and not done else "information")
        if failed:
            text = "\n\n".join(f"{r.name}: {r.error}" for r in failed)
            self.app.push_screen(ErrorScreen(
                ngettext("{n} token failed to sync", "{n} tokens failed to sync", len(failed))
                .format(n=len(failed)), text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.selected if self.is_mounted else None
        if action in ("sync", "sync_all") and self.syncing:
            return None
        if action in ("renew", "sync", "edit", "delete", "details") and view is None:
            return None
        if action == "sync" and view is not None and not view.can_sync:
            return None
        if action == "take_control" and (view is None or not view.external_mdm_name):
            return None
        if super().check_action(action, parameters) is not True:
            return None
        return allowed_action(self.access, TOKEN_ACTIONS.get(action),
                              view.id if view is not None else None)

    def call_service(self, spec: JobSpec, call: Callable[[ServiceContext], object],
                     done: str) -> None:
        """Run one token change as a job; a refusal shows its reason, success a toast."""
        self.start_job(spec, lambda ctx, _progress: call(ctx),
                       lambda _result: self.notify(done, title=_("Tokens"), timeout=10))
