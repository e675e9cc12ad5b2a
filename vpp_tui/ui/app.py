"""The console: one app, ten sections, switched by the number keys 1–9 and 0.

Sections are Textual MODES rather than panes of a ContentSwitcher: each section
keeps its own screen stack, so a wizard or details panel opened in Tokens is
still there after a look at Activity, and each screen owns its bindings, its
footer and its help without the app filtering them by hand. A section is built
the first time it is shown, so the console starts without querying every table.

Slow work runs in thread workers that call services and post messages; one
`Worker.StateChanged` handler here turns any worker error into an error modal, so
an exception never kills the console.

The sections tell one truth: a job that writes the store ends in `store_changed`, which
posts its store change events (`ui.jobs.JOB_CHANGES`) to every mounted section, shown or
not; each reloads what it shows. A section opened later reads the store when it mounts.
What other processes change on a shared store is noticed by `ui.store_watch` (a return to
a section, every CHECK_SECONDS while one is shown, the refresh key) and posted the same way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual._context import active_app
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from vpp_tui.domain.access import Permission
from vpp_tui.i18n import _
from vpp_tui.services import settings
from vpp_tui.services.access import check_action
from vpp_tui.services.access.snapshot import AccessSnapshot, access_snapshot
from vpp_tui.services.context import ServiceContext
from vpp_tui.ui.commands import Command, bindings, global_commands, sections
from vpp_tui.ui.errors import ReportsWorkerErrors
from vpp_tui.ui.heap import HeapKeeper
from vpp_tui.ui.jobs import Job, changes
from vpp_tui.ui.messages import AccessChanged, CatalogChanged, StoreChanged, TokensChanged
from vpp_tui.ui.providers import ConsoleCommands
from vpp_tui.ui.sections.base import GLANCE_FOLLOWS, SectionScreen, placeholder
from vpp_tui.ui.store_watch import CHECK_SECONDS, StoreWatch
from vpp_tui.ui.switch_mask import SwitchMask
from vpp_tui.ui.token_list import TokenList

if TYPE_CHECKING:
    import threading

    from vpp_tui.services.status import Glance

# Each section's screen class, by mode: its module is imported when the section is first
# shown (or the palette lists every section's commands), so the console paints Tokens
# without importing the other eight (issue 13).
SECTION_MODULES: dict[str, tuple[str, str]] = {
    "tokens": ("vpp_tui.ui.sections.tokens.section", "TokensSection"),
    "apps": ("vpp_tui.ui.sections.apps", "AppsSection"),
    "ebooks": ("vpp_tui.ui.sections.ebooks", "EbooksSection"),
    "assignments": ("vpp_tui.ui.sections.assignments", "AssignmentsSection"),
    "prompts": ("vpp_tui.ui.sections.prompts", "PromptsSection"),
    "directory": ("vpp_tui.ui.sections.directory", "DirectorySection"),
    "activity": ("vpp_tui.ui.sections.activity", "ActivitySection"),
    "access": ("vpp_tui.ui.sections.access.section", "AccessSection"),
    "settings": ("vpp_tui.ui.sections.settings", "SettingsSection"),
    "reconcile": ("vpp_tui.ui.sections.reconcile.section", "ReconcileSection"),
}


@cache
def section_class(mode: str) -> type[SectionScreen]:
    """The screen class of section `mode`, importing its module now; a placeholder screen
    for a section that has none yet."""
    found = SECTION_MODULES.get(mode)
    if found is None:
        return placeholder(mode)
    module, name = found
    return getattr(importlib.import_module(module), name)


def preload_section_modules() -> threading.Thread:
    """Import every section's module but Tokens' in a background thread, in number-key
    order (ui.preload); the console starts it once its first rows are shown."""
    from vpp_tui.ui.preload import import_in_background

    return import_in_background(module for mode, (module, _name) in SECTION_MODULES.items()
                                if mode != "tokens")


def section_classes() -> dict[str, type[SectionScreen]]:
    """Every section's screen class by mode, in number-key order (imports them all)."""
    return {s.mode: section_class(s.mode) for s in sections()}


def _built_on_first_visit(mode: str) -> Callable[[], SectionScreen]:
    def build() -> SectionScreen:
        screen = section_class(mode)()
        styled_now(screen)
        return screen

    return build


def styled_now(screen: Screen) -> None:
    """Mark a screen built now as styled with the stylesheet in use. Textual marks a new
    screen stale, and `switch_mode` then re-parses every CSS source and restyles a whole
    screen twice on a first visit and once more on the first return (issue 13: 40 % of a
    section switch at 3,000 tokens). A screen built now is styled as it mounts, from the
    stylesheet in use; a theme change still restyles it (Textual counts theme changes)."""
    screen._css_update_count = active_app.get()._css_update_count  # noqa: SLF001


def _section_screens() -> dict[str, Callable[[], SectionScreen]]:
    return {s.mode: _built_on_first_visit(s.mode) for s in sections()}


class VppApp(SwitchMask, ReportsWorkerErrors, App[None]):
    TITLE = "vpp-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS = App.COMMANDS | {ConsoleCommands}
    BINDINGS = bindings(global_commands())
    MODES = _section_screens()  # type: ignore[assignment]
    # Screen classes for small terminals (app.tcss "Small terminals").
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012

    def __init__(self, ctx: ServiceContext, *, demo: bool = False,
                 cursor_blink: bool = True, notice: str | None = None,
                 keep_heap: bool = False) -> None:
        self.ctx = ctx
        self.demo = demo
        self.notice = notice  # shown once at start, e.g. where the demo's token files are
        # Tests turn blinking off so snapshots do not depend on when they are taken.
        self.cursor_blink = cursor_blink
        self._saved_theme: str | None = None
        self._preloading: threading.Thread | None = None  # preload_sections
        self.org_name: str | None = None  # learnt from the tokens, shown in every header
        self.glance: Glance | None = None  # the header's notices (`load_glance`)
        # The tokens every section shows or chooses from: read once, shared (issue 13).
        self.token_list = TokenList(ctx)
        self.jobs: dict[str, Job] = {}  # running jobs by key: the same job never twice
        self.live_sections: set[SectionScreen] = set()  # mounted: they follow the store
        self._stale_mode: str | None = None  # built in the old language (rebuild_sections)
        # What the acting admin may do: loaded in a worker, read by every check_action.
        self.access: AccessSnapshot | None = None
        # Long-lived objects frozen out of full collections (ui.heap): only a console
        # that owns its process (`keep_heap`, the console command) touches the collector.
        self.heap = HeapKeeper(keep_heap)
        # What other processes commit to the store (`check_store`).
        self.store_watch = StoreWatch(ctx)
        super().__init__()

    def on_mount(self) -> None:
        self.heap.keep()  # what start-up imported and built stays (ui.heap)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.load_theme()
        self.store_watch.start()  # before the first section reads its rows
        self.set_interval(CHECK_SECONDS, self._periodic_check)
        self.switch_mode("tokens")
        if self.notice:
            self.notify(self.notice, timeout=20)

    def global_commands(self) -> tuple[Command, ...]:
        return global_commands()

    def section_screens(self) -> dict[str, type[SectionScreen]]:
        """Every section's screen class by mode, in number-key order: the palette reads
        their commands from these (`SectionScreen.section_commands`)."""
        return section_classes()

    def get_loading_widget(self) -> Widget:
        # A still widget: a spinner would repaint over SSH and make snapshots flaky.
        return Static(_("Loading…"), classes="loading")

    # Sections ---------------------------------------------------------------

    def action_switch_section(self, mode: str) -> None:
        self.switch_mode(mode)
        stale, self._stale_mode = self._stale_mode, None
        if stale is not None and stale != mode:
            self.call_after_refresh(self._rebuild_mode, stale)

    def rebuild_sections(self) -> None:
        """After a language switch: every built section but the current one is dropped and
        built again, in the language now in use, on its next visit; the current one once
        it is left (a mode cannot be removed while shown). The shared token list is read
        again too: its reasons and advice are worded when read (`token_health`)."""
        self.token_list.forget()
        for section in sections():
            if section.mode != self.current_mode:
                self._rebuild_mode(section.mode)
        self._stale_mode = self.current_mode

    def _rebuild_mode(self, mode: str) -> None:
        if mode == self.current_mode or mode not in self._screen_stacks:
            return  # shown (rebuilt once left) or never built (built in the new language)
        for screen in self._screen_stacks[mode]:
            self.live_sections.discard(screen)  # type: ignore[arg-type]  # being removed
        self.remove_mode(mode)
        self.heap.let_go()  # the dropped screen was frozen with its first rows (ui.heap)
        self.add_mode(mode, _built_on_first_visit(mode))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("switch_section", "help", "show_jobs") and isinstance(
                self.screen, ModalScreen):
            return False  # a dialog is open: answer it first
        return True

    def action_show_jobs(self) -> None:
        """The jobs screen over the current section (once: `j` on it does nothing)."""
        from vpp_tui.ui.screens.jobs.screen import JobsScreen

        if not isinstance(self.screen, JobsScreen):
            self.push_screen(JobsScreen())

    def action_help(self) -> None:
        from vpp_tui.ui.screens.help import HelpScreen

        screen = self.screen
        # A section, or a screen of one that says what it is (the directory details).
        if not isinstance(screen, SectionScreen) and not hasattr(screen, "about"):
            return
        self.push_screen(HelpScreen(
            screen.section.title, screen.about(), screen.commands(),
            [c for c in self.global_commands() if c.id != "palette"] + [
                c for c in self.global_commands() if c.id == "palette"],
            self._keymap,
        ))

    # Store change events -----------------------------------------------------

    def store_changed(self, kind: str, result: object = None) -> None:
        """A job of `kind` ended (`result`: what its service returned, or None): post its
        store change events to every mounted section."""
        self._post_changes(changes(kind, result), kind)

    def _post_changes(self, events: tuple[type[StoreChanged], ...], job: str) -> None:
        """Post `events` (of `job`: a JOB_CHANGES key, or "store" for other processes'
        changes) to every mounted section; forget or read again what the app shares (the
        token list, the admin's access, the header's notices) they change."""
        if any(issubclass(e, (AccessChanged, TokensChanged, CatalogChanged)) for e in events):
            self.token_list.forget()  # states, counts or who sees which token changed
        if any(issubclass(e, (AccessChanged, TokensChanged)) for e in events):
            self.load_access()
        if any(issubclass(e, GLANCE_FOLLOWS) for e in events):
            self.load_glance()
        for event in events:
            for screen in list(self.live_sections):
                screen.post_message(event(job))

    def _periodic_check(self) -> None:
        if isinstance(self.screen, SectionScreen):
            self.check_store()

    def check_store(self) -> None:
        """Look, in a worker, for what other processes committed since the last look
        (`StoreWatch.changed`) and post it to the sections as a job's changes are; once
        at a time (a look asked for while one runs is that look)."""
        if not any(w.group == "store" and w.node is self and not w.is_finished
                   for w in self.workers):
            self._check_store()

    @work(thread=True, exit_on_error=False, group="store")
    def _check_store(self) -> None:
        try:
            found = self.store_watch.changed()
        except Exception:  # noqa: BLE001 - quiet: the sections' own reads report the store
            return
        if found:
            self.call_from_thread(self._post_changes, found, "store")

    # The header's notices ------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="glance")
    def load_glance(self) -> None:
        """Read the header's notices (services.status.glance) once for every section's
        header; a store change that alters them reads them again (`store_changed`)."""
        from vpp_tui.services.status import glance

        seen = glance(self.ctx)
        self.call_from_thread(self._glance_loaded, seen)

    def _glance_loaded(self, seen: Glance) -> None:
        self.glance = seen
        for screen in list(self.live_sections):
            show = getattr(screen, "show_glance", None)  # sections; details screens: none
            if show is not None:
                show(seen)

    def preload_sections(self) -> None:
        """Once per console: import the other sections' modules in the background
        (`preload_section_modules`), after the first rows are shown."""
        if self._preloading is None:
            self._preloading = preload_section_modules()

    # Who may do what ---------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="access")
    def load_access(self) -> None:
        """Read the acting admin's AccessSnapshot; sections grey their actions from it."""
        snapshot = access_snapshot(self.ctx)
        self.call_from_thread(self._access_loaded, snapshot)

    def _access_loaded(self, snapshot: AccessSnapshot) -> None:
        self.access = snapshot
        for screen in list(self.live_sections):
            screen.refresh_bindings()

    def stop_jobs(self) -> None:
        """Every running job stops at its next Apple call."""
        self.ctx.cancel.set()
        for job in list(self.jobs.values()):
            job.cancel.set()

    # Theme ------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="theme")
    def load_theme(self) -> None:
        name = settings.get_setting(self.ctx, "theme")
        self.call_from_thread(self._apply_saved_theme, name)

    def apply_theme(self, name: str) -> None:
        """Show theme `name` now (saved already, by the Settings section)."""
        self._apply_saved_theme(name)

    def _apply_saved_theme(self, name: str | None) -> None:
        self._saved_theme = name
        if name and name in self.available_themes and name != self.theme:
            self.theme = name

    def _theme_changed(self, theme) -> None:  # noqa: ANN001
        if self._saved_theme is not None and theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self.save_theme(theme.name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="theme")
    def save_theme(self, name: str) -> None:
        # Without Settings update the theme changes on this screen only.
        if check_action(self.ctx, Permission.SETTINGS_UPDATE):
            settings.set_setting(self.ctx, "theme", name)
            self.call_from_thread(self.store_changed, "settings")

    async def action_quit(self) -> None:
        self.stop_jobs()  # stop syncs and other jobs between Apple calls
        self.exit()

    def on_unmount(self) -> None:
        # However the console closes (quit, a dropped session, app.exit), work still
        # running in threads stops at its next Apple call and records itself interrupted;
        # `App.run` returns once those threads have finished.
        self.stop_jobs()
        self.heap.let_go()
