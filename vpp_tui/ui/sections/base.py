"""What every section screen shares: header, section bar, body, footer, commands, and
following the store: a section lists the store change events it `FOLLOWS` and reloads
what it shows when one arrives, whether it is on screen or not."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual._context import NoActiveAppError
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from vpp_tui.services.access.snapshot import AccessSnapshot
from vpp_tui.services.context import ServiceContext
from vpp_tui.ui.commands import Command, Section, sections
from vpp_tui.ui.errors import ReportsWorkerErrors
from vpp_tui.ui.heap import resume_collector
from vpp_tui.ui.messages import (
    AccessChanged,
    CatalogChanged,
    SettingsChanged,
    StoreChanged,
    TokensChanged,
)
from vpp_tui.ui.widgets.footer import Footer, SectionFooter
from vpp_tui.ui.widgets.header import HeaderLine, SectionBar

if TYPE_CHECKING:
    from vpp_tui.services.status import Glance


def section_by_mode(mode: str) -> Section:
    return next(s for s in sections() if s.mode == mode)


#: the store change events that change the header's notices (expiry, low licenses)
GLANCE_FOLLOWS = (TokensChanged, CatalogChanged, SettingsChanged, AccessChanged)

#: worker groups that are not part of a section's loading: a long job (sync, revoke all)
#: runs beside the section's commands, so a command from the palette never waits for it
BACKGROUND_GROUPS = frozenset({"job"})

#: the app's own loads every section shows (the header's notices, the admin's access)
APP_LOADS = frozenset({"glance", "access"})


# A filter's query runs once typing pauses this long (issue 13: one query per key press
# made clearing a filter over 20k apps take 0.6 s).
TYPING_PAUSE_SECONDS = 0.15

#: the fewest rows a page of a section's table holds, whatever the terminal's height
MIN_PAGE = 50


def rows_per_page(height: int, most: int, least: int = MIN_PAGE) -> int:
    """Rows a page of a section's table holds: the terminal's `height` (rows), at least
    `least`, at most `most` (the section's PAGE_SIZE). Every row of a page is read,
    prepared, measured and added to the table, but only a screen's worth shows: 200 rows
    a page made a visit and a page change over 20k apps or 50k users slow (issue 13)."""
    return min(most, max(least, height))


class SectionScreen(ReportsWorkerErrors, Screen[None]):
    """A top-level section. Subclasses set MODE, COMMANDS_LIST (with BINDINGS from them)
    and implement `compose_body`. The commands are the class's: the palette offers every
    section's commands without building its screen (`section_commands`)."""

    MODE: ClassVar[str] = ""
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = ()
    #: the store change events that make this section read its rows again
    FOLLOWS: ClassVar[tuple[type[StoreChanged], ...]] = ()
    _reload_pending = False
    _first_rows_shown = False
    _app_loads_due = False  # the app's loads start after the next refresh
    _shown_before = False  # a later ScreenResume is a return (`_on_screen_resume`)

    def __init__(self) -> None:
        super().__init__(id=f"section-{self.MODE}",
                         classes=" ".join(("section", *self._breakpoints())))

    def _breakpoints(self) -> tuple[str, ...]:
        """The app's breakpoint classes for its present size ("-wide", "-tall"…), given
        before the screen mounts: Textual sets them on the screen's first resize, and a
        class changed then restyled every widget just styled (issue 13: a tenth of a
        section's first visit). Textual's own rule (`Screen._get_breakpoint_classes`)."""
        try:
            app = self.app
        except NoActiveAppError:
            return ()
        found = []
        for mine, theirs, size in (
                (self.HORIZONTAL_BREAKPOINTS, app.HORIZONTAL_BREAKPOINTS, app.size.width),
                (self.VERTICAL_BREAKPOINTS, app.VERTICAL_BREAKPOINTS, app.size.height)):
            for edge, name in sorted((theirs if mine is None else mine) or [], reverse=True):
                if size >= edge:
                    found.append(name)
                    break
        return tuple(found)

    @property
    def ctx(self) -> ServiceContext:
        return self.app.ctx  # type: ignore[attr-defined]

    @property
    def access(self) -> AccessSnapshot | None:
        """What the acting admin may do (None until first loaded): greys actions."""
        return self.app.access  # type: ignore[attr-defined]

    @property
    def section(self) -> Section:
        return section_by_mode(self.MODE)

    def about(self) -> str:
        """One paragraph for the help screen."""
        return self.section.summary

    @classmethod
    def section_title(cls) -> str:
        return section_by_mode(cls.MODE).title

    @classmethod
    def section_commands(cls) -> tuple[Command, ...]:
        """The section's commands, read from the class: keys, footer, help and palette."""
        return cls.COMMANDS_LIST

    def commands(self) -> tuple[Command, ...]:
        return self.section_commands()

    def open_filter(self, box: Widget) -> None:
        """Show the section's filter `box` and focus it now. `Widget.focus()` defers the
        focus to a callback queued behind the keys already typed, so "/amir" typed in
        one burst sent "a m i r" to the section's bindings ("i" opened the import
        dialog; breaker5)."""
        box.display = True
        self.set_focus(box)

    async def loaded(self) -> None:
        """Return once the section shows what it read: it is mounted (its `on_mount`
        started its loads) and no load worker of its own (nor the app's `APP_LOADS`) is
        running, and the rows those workers posted were handled. Long jobs (`BACKGROUND_GROUPS`) are not waited for."""
        while True:
            loading = [w for w in self.app.workers if not w.is_finished and (
                (w.node is self and w.group not in BACKGROUND_GROUPS)
                or (w.node is self.app and w.group in APP_LOADS))]
            if not loading and self.is_mounted and not self._app_loads_due:
                return
            await asyncio.gather(*(w.wait() for w in loading), return_exceptions=True)
            # What the workers posted waits in this screen's queue: a callback queued now
            # runs after it, and it may have started a further load (looped for); the
            # app's loads start once the first rows are painted (`_first_load_done`).
            handled = asyncio.get_running_loop().create_future()
            if self._app_loads_due:
                self.call_after_refresh(handled.set_result, None)
            else:
                self.call_later(handled.set_result, None)
            await handled

    @on(Worker.StateChanged)
    def _first_load_done(self, event: Worker.StateChanged) -> None:
        if event.worker.node is not self or event.worker.group in BACKGROUND_GROUPS:
            return
        if (event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
                and not self._app_loads_due and self._app_loads_needed()):
            # The first rows are shown (or the load failed): the rest once they are painted.
            self._app_loads_due = True
            self.call_after_refresh(self._start_app_loads)
        # The rows the load posted were handled before this message (one queue): the
        # section and its first rows are built, and stay (ui.heap).
        if not self._first_rows_shown and event.state == WorkerState.SUCCESS:
            self._first_rows_shown = True
            self.app.heap.keep()  # type: ignore[attr-defined]
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self._first_load_ended()

    def after_first_load(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the section's first load has ended and the rows it posted
        were handled (now if no load of its own is running): `VppApp.switch_mode` paints
        a first visit then, not its empty table before."""
        self._first_load_callbacks = [*getattr(self, "_first_load_callbacks", ()), callback]
        self._first_load_ended()

    def _first_load_ended(self) -> None:
        if self._own_load_running():
            return
        callbacks, self._first_load_callbacks = getattr(self, "_first_load_callbacks", []), []
        for callback in callbacks:
            callback()

    def typed(self) -> None:
        """A filter changed: a load started within TYPING_PAUSE_SECONDS waits for typing to
        pause (`after_typing`)."""
        self._typing_until = time.monotonic() + TYPING_PAUSE_SECONDS

    def after_typing(self) -> bool:
        """In a load worker (a thread): wait until typing has paused; False when a newer
        load superseded this one meanwhile (an exclusive worker group cancels the older
        worker), so the superseded query never runs."""
        while (left := getattr(self, "_typing_until", 0.0) - time.monotonic()) > 0:
            time.sleep(left)
        return not get_current_worker().is_cancelled

    def compose(self) -> ComposeResult:
        yield HeaderLine(self.ctx, demo=self.app.demo)  # type: ignore[attr-defined]
        yield SectionBar(self.MODE)
        yield from self.compose_body()
        # Compact below 100 columns: every key keeps its whole label ("del delete").
        yield SectionFooter(compact=self.app.size.width < 100, fit=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    # Following the store ------------------------------------------------------

    def on_mount(self) -> None:
        # Runs after the subclass's `on_mount` (Textual calls the most derived first), so
        # the section's own first load has started by now.
        self.app.live_sections.add(self)  # type: ignore[attr-defined]
        # The app's loads (the admin's access, the header's notices) wait for the first
        # rows of a section that is reading them: the console paints its first token row
        # before anything else reads the store or imports their services (issue 13).
        if not self._own_load_running():
            self._start_app_loads()

    def _own_load_running(self) -> bool:
        return any(w.node is self and w.group not in BACKGROUND_GROUPS and not w.is_finished
                   for w in self.app.workers)

    def _app_loads_needed(self) -> bool:
        return self.app.access is None or self.app.glance is None  # type: ignore[attr-defined]

    def _start_app_loads(self) -> None:
        """Read what the app shares if nobody has yet: the acting admin's access
        (`VppApp.load_access`) and the header's notices (`VppApp.load_glance`, read once:
        a section opened later shows them from its header's first paint); and start
        importing the other sections (`VppApp.preload_sections`)."""
        resume_collector()  # the console's start is over (ui.heap.paused_for_start)
        self._app_loads_due = False
        app = self.app
        preload = getattr(app, "preload_sections", None)
        if preload is not None:
            preload()  # the other sections' modules, while the admin reads (ui.preload)
        if app.access is None and not self._app_loading("access"):  # type: ignore[attr-defined]
            app.load_access()  # type: ignore[attr-defined]
        if app.glance is None and not self._app_loading("glance"):  # type: ignore[attr-defined]
            app.load_glance()  # type: ignore[attr-defined]

    def _app_loading(self, group: str) -> bool:
        return any(w.group == group and w.node is self.app and not w.is_finished
                   for w in self.app.workers)

    def show_glance(self, seen: Glance) -> None:
        """Show the header's notices the app read (services.status.glance)."""
        if self.is_mounted:
            self.query_one(HeaderLine).set_notices(seen)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (the subclass first). Textual restyles every
        # widget of a resumed screen, and a restyled table drops every cached line and
        # cell: a return to a section re-rendered its whole table (issue 13, most of a
        # switch at 3,000 tokens). Classes and pseudo-classes changed while the section
        # was hidden are restyled as they change, and a theme changed since is restyled
        # by `switch_mode` (the screen's CSS count, `ui.app.styled_now`): nothing is left.
        if self._css_update_count == self.app._css_update_count:  # noqa: SLF001
            event.refresh_styles = False
        # Shown again: another process may have changed the store meanwhile (one look in
        # a worker, `VppApp.check_store`; the sections it changed reload).
        if self._shown_before:
            self.app.check_store()  # type: ignore[attr-defined]
        self._shown_before = True

    @on(events.Resize)
    def _footer_fits(self, event: events.Resize) -> None:
        for footer in self.query(Footer):
            footer.compact = event.size.width < 100

    def on_unmount(self) -> None:
        self.app.live_sections.discard(self)  # type: ignore[attr-defined]

    @on(StoreChanged)
    def _store_changed(self, message: StoreChanged) -> None:
        # One job posts several events at once: the section reads its rows once.
        if isinstance(message, self.FOLLOWS) and not self._reload_pending:
            self._reload_pending = True
            self.call_later(self._reload_now)

    def _reload_now(self) -> None:
        self._reload_pending = False
        self.reload()

    def action_refresh(self) -> None:
        """The refresh key (`commands.REFRESH`): read again what the section shows and
        what the app shares (the token list, the header's notices), and look for what
        other processes changed, for the other sections (`VppApp.check_store`)."""
        app = self.app
        app.token_list.forget()  # type: ignore[attr-defined]
        app.load_glance()  # type: ignore[attr-defined]
        self.reload()
        app.check_store()  # type: ignore[attr-defined]

    def store_moved(self) -> bool:
        """In a load worker: whether a part of the store this section FOLLOWS changed
        since the app last looked (another process's commit; `ui.store_watch`), so a
        count it keeps is stale. The app's mark is left for its own look, which the
        caller then asks for (`VppApp.check_store`, from the thread)."""
        watch = self.app.store_watch  # type: ignore[attr-defined]
        return any(issubclass(e, self.FOLLOWS) for e in watch.changed(keep=True))

    def count_moved(self, known_total: int | None, offset: int, size: int) -> bool:
        """In a load worker: whether the count kept (`known_total`) is read again for the
        page at `offset` (`size` rows): it is the last page by that count and what the
        section FOLLOWS changed elsewhere since (`store_moved`). The caller then reads the
        count, posts the page and calls `look_from_thread` (breaker fault 11)."""
        return (known_total is not None and offset + size >= known_total
                and self.store_moved())

    def look_from_thread(self) -> None:
        """From a worker, after posting its page: the app looks for other processes'
        changes (`VppApp.check_store`): every section learns of them, this one after its
        page is shown."""
        self.app.call_from_thread(self.app.check_store)  # type: ignore[attr-defined]

    def reload(self) -> None:
        """Read again what the section shows (same page, filter and sort), keeping the
        cursor on the same row key when that row is still there."""

    def set_org(self, org: str | None) -> None:
        self.app.org_name = org  # type: ignore[attr-defined]
        self.query_one(HeaderLine).set_org(org)


class PlaceholderSection(SectionScreen):
    """A section whose screen is not built yet: it says what will be there."""

    def compose_body(self) -> ComposeResult:
        yield Static(self.section.coming, classes="placeholder")


def placeholder(mode: str) -> type[SectionScreen]:
    return type(f"{mode.title()}Section", (PlaceholderSection,), {"MODE": mode})
