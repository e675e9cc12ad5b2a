"""Noticing what other processes changed in the store (breaker fault 11).

A job of this console posts its store change events when it ends (`ui.jobs`); another
admin's console, a `vpp-tui` command or `vpp-tui serve` on the same store posts nothing.
The console keeps the store's mark (`services.changes`) and looks again when a section is
shown again, while one is shown (every CHECK_SECONDS), when a page goes past what a
section's count says, and on the refresh key: the parts that changed since are posted to
the sections as store change events, as a job's are, and each reloads what it shows.
"""

from __future__ import annotations

import threading

from vpp_tui.services.changes import StoreMark, changes_since, store_mark
from vpp_tui.services.context import ServiceContext
from vpp_tui.ui.jobs import audited_changes
from vpp_tui.ui.messages import StoreChanged

#: how often the shown section looks for other processes' changes (seconds)
CHECK_SECONDS = 15.0


class StoreWatch:
    """The console's store mark and the look for changes since; thread-safe (the looks run
    in workers). The console's own changes are seen too: its sections read them once more."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._mark: StoreMark | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Read the store's mark now: before the first section reads its rows, so what is
        committed after that read is noticed. A failed read is retried by `changed`."""
        try:
            mark = store_mark(self.ctx)
        except Exception:  # noqa: BLE001 - the first section reports the store's error
            return
        with self._lock:
            self._mark = mark

    def changed(self, *, keep: bool = False) -> tuple[type[StoreChanged], ...]:
        """The store change events for what was committed since the last look (none on
        the first look, which only reads the mark); `keep`: look without moving the mark
        (a section checking its own count; the app posts the events). Store errors
        propagate."""
        with self._lock:
            if self._mark is None:
                self._mark = store_mark(self.ctx)
                return ()
            found = changes_since(self.ctx, self._mark)
            if not keep:
                self._mark = found.mark
        return audited_changes(found.actions) if found.actions else ()
