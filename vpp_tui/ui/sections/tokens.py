"""Tokens: the triage home screen. Most urgent first; the panel says what to do next.

Every change goes through `services.tokens` / `services.sync` in a thread worker;
the handlers here own the widgets. The table refreshes by diff, so the selection
survives a sync and little is repainted over SSH.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from vpp_tui.i18n import _, ngettext
from vpp_tui.services import sync, tokens
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.views import SyncResult, TokenView
from vpp_tui.ui.access import TOKEN_ACTIONS, allowed_action
from vpp_tui.ui.commands import bindings
from vpp_tui.ui.messages import (
    SyncFinished,
    SyncProgressed,
    TokenActionFailed,
    TokenChanged,
    TokensLoaded,
)
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.sections import tokens_rows
from vpp_tui.ui.sections.base import SectionScreen
from vpp_tui.ui.sections.tokens_actions import TokenActions
from vpp_tui.ui.sections.tokens_commands import TOKENS_COMMANDS
from vpp_tui.ui.widgets.inputs import TextField
from vpp_tui.ui.widgets.table import row_under_cursor

# How often an open console looks for tokens whose sync interval has passed; the interval
# itself (12 h by default) is a store setting decided in domain.tokens.sync_due.
SCHEDULE_CHECK_SECONDS = 300


class TokensSection(TokenActions, SectionScreen):
    MODE = "tokens"
    COMMANDS_LIST = TOKENS_COMMANDS
    BINDINGS = bindings(TOKENS_COMMANDS)
    AUTO_FOCUS = "#tokens-table"
    WORKER_ERROR_TITLES = {"sync": _("Sync failed"), "tokens-load": _("Cannot read tokens")}

    def __init__(self) -> None:
        super().__init__()
        self.views: list[TokenView] = []
        self.attention_only = False
        self.filter_text = ""
        self.syncing = False

    def about(self) -> str:
        return _("Every location token, most urgent first. The panel under the table says "
                 "why a token needs attention and what to do next. Tokens sync twice a day; "
                 "sync one (s) or all (S) at any time.")

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="tokens-bar", classes="section-status"):
            yield Label(_("Tokens"), id="tokens-count")
            yield Label("", id="tokens-switches")
        yield TextField(placeholder=_("filter: name, location, state, Apple ID… (esc clears)"),
                    id="tokens-filter")
        yield DataTable(id="tokens-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="sync-progress"):
            yield Label("", id="sync-label")
            yield ProgressBar(id="sync-bar", show_eta=False)
        yield Static("", id="tokens-advice")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in tokens_rows.columns():
            table.add_column(label, key=key)
        self._show_switches()
        self.load()
        self.set_interval(SCHEDULE_CHECK_SECONDS, self.scheduled_sync)

    def scheduled_sync(self) -> None:
        """Sync the tokens that are due, quietly, unless a sync is already running."""
        if self.syncing:
            return
        self.syncing = True
        self.refresh_bindings()
        self.run_due_sync()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync")
    def run_due_sync(self) -> None:
        results: list[SyncResult] = []
        try:
            results = sync.sync_all(self.ctx, due_only=True)
        finally:
            self.post_message(SyncFinished(results, scheduled=True))

    # Loading ----------------------------------------------------------------

    def load(self) -> None:
        # A thread worker cannot be stopped mid-query: number each load, show only the last.
        self._load_seq = getattr(self, "_load_seq", 0) + 1
        self._load(self._load_seq, self.attention_only, self.filter_text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="tokens-load")
    def _load(self, seq: int, attention_only: bool, filter_text: str) -> None:
        everything = tokens.list_tokens(self.ctx)
        if attention_only or filter_text:
            shown = tokens.list_tokens(self.ctx, attention_only=attention_only,
                                       text=filter_text or None)
        else:
            shown = everything
        orgs = {v.org_name for v in everything}
        self.post_message(TokensLoaded(
            seq, shown, len(everything), sum(1 for v in everything if v.needs_attention),
            orgs.pop() if len(orgs) == 1 else None))

    @on(TokensLoaded)
    def show_tokens(self, message: TokensLoaded) -> None:
        if message.seq != self._load_seq:
            return
        self.views = message.views
        table = self.query_one(DataTable)
        with self.app.batch_update():
            tokens_rows.show(table, message.views, self.ctx.clock.now())
        count = _("Tokens · {n} · {k} need attention").format(n=message.total,
                                                            k=message.attention)
        if self.attention_only or self.filter_text:
            count += " · " + _("showing {n}").format(n=len(message.views))
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

    @on(DataTable.RowHighlighted)
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
        box = self.query_one("#tokens-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#tokens-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.filter_text:
            self.filter_text = event.value.strip()
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
        self.syncing = True
        self.query_one("#sync-progress").display = True
        self.query_one("#sync-label", Label).update(_("Syncing…"))
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.refresh_bindings()
        self.run_sync(names)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync")
    def run_sync(self, names: list[str] | None) -> None:
        def post(label: str, done: int, total: int) -> None:
            self.post_message(SyncProgressed(label, done, total))

        results: list[SyncResult] = []
        try:
            if names and len(names) == 1:
                name = names[0]
                results.append(sync.sync_token(
                    self.ctx, name,
                    on_progress=lambda stage, done, total: post(
                        f"{name} · {stage}", done, total)))
            else:
                results.extend(sync.sync_all(self.ctx, names=names, on_progress=post))
        finally:
            # Also after an exception: the bar goes away, the error modal tells the rest.
            self.post_message(SyncFinished(results))

    @on(SyncProgressed)
    def _sync_progressed(self, message: SyncProgressed) -> None:
        label = message.label or _("finishing")
        self.query_one("#sync-label", Label).update(_("Syncing {what}").format(what=label))
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    @on(SyncFinished)
    def _sync_finished(self, message: SyncFinished) -> None:
        self.syncing = False
        self.query_one("#sync-progress").display = False
        self.refresh_bindings()
        if not message.results:
            return  # the worker stopped; its error (if any) opens the error modal
        self.load()
        if message.scheduled:
            # Nobody asked for this sync: a toast, never a modal in front of the admin.
            done = sum(r.status == "completed" for r in message.results)
            failed = [r.name for r in message.results if r.status == "failed"]
            text = _("Scheduled sync: {n} synced").format(n=done)
            if failed:
                text += _("; failed: {names}").format(names=", ".join(failed))
            self.notify(text, title=_("Sync"), severity="warning" if failed else "information")
            return
        self._report_sync(message.results)

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

    # Results of the other actions -------------------------------------------

    @on(TokenChanged)
    def _changed(self, message: TokenChanged) -> None:
        self.notify(message.text, title=_("Tokens"))
        self.load()

    @on(TokenActionFailed)
    def _failed(self, message: TokenActionFailed) -> None:
        self.app.push_screen(ErrorScreen(message.title, message.text))

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
        return allowed_action(self.ctx, TOKEN_ACTIONS.get(action),
                              view.id if view is not None else None)

    def call_service(self, group: str, title: str, call: Callable[[], object],
                     done: str) -> None:
        """Run one token change in a thread; a refusal shows its reason, success a toast."""

        def work_() -> None:
            try:
                call()
            except ServiceError as exc:
                self.post_message(TokenActionFailed(title, str(exc)))
                return
            self.post_message(TokenChanged(done))

        self.run_worker(work_, group=group, thread=True, exclusive=True, exit_on_error=False)
