"""Keeping the console's long-lived objects out of the garbage collector's full passes.

Python's cyclic collector walks every tracked object on a full (generation 2) pass. At
3,000 tokens the console holds about 120,000 of them (the shared token list, the built
sections and their rows), and a full pass, which new rows trigger every few pages, took
100-250 ms: as long as the whole page or section switch it landed in (issue 13). What is
alive once start-up is over, or once a section has painted its first rows, stays alive
until the console closes, so it is moved to the collector's permanent generation
(`gc.freeze`) and later passes walk only what was made since. Frozen objects are still
freed by reference counting when they are dropped (a replaced page of rows is); only a
reference cycle that was already garbage at a freeze stays until it is let go, and freezes
are few (start-up and each section's first paint).

The collector is the process's: only a console that owns its process (the `console` and
`demo` commands) freezes, and it lets everything go when it closes, or when a language
switch drops the built sections (they are built and frozen again on their next visit).

Start-up (issue 13): importing Textual and SQLAlchemy makes a few hundred thousand
objects and almost no garbage, yet the collector ran about 180 times over them (50-60 ms
of a 0.6 s start), and 30 more times while the first screen was built. Those commands
pause it from the moment they know they open the console (`paused_for_start`); the
console freezes what start-up made as it mounts, and resumes the collector once its
first rows are shown, or their load failed (`resume_collector`, when the app's own loads
start). However the command ends, the collector is running again when it returns.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_paused = False  # `paused_for_start` stopped the collector and nothing resumed it yet


@contextmanager
def paused_for_start() -> Iterator[None]:
    """Run the body with the cyclic collector paused until `resume_collector` (or the
    body's end, whichever comes first). Nothing when the collector is off already."""
    global _paused  # noqa: PLW0603 - the collector is the process's, so is its pause
    if not gc.isenabled():
        yield
        return
    gc.disable()
    _paused = True
    try:
        yield
    finally:
        resume_collector()


def resume_collector() -> None:
    """Resume the collector `paused_for_start` paused; nothing otherwise. The console
    calls it when its first section has shown its first rows (or failed to read them)."""
    global _paused  # noqa: PLW0603
    if _paused:
        _paused = False
        gc.enable()


class HeapKeeper:
    """Freezes the heap at the console's settled points, when `enabled`."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.freezes = 0  # how many times `keep` froze the heap (tests read it)

    def keep(self) -> None:
        """Move every object tracked now to the collector's permanent generation."""
        if self.enabled:
            gc.freeze()
            self.freezes += 1

    def let_go(self) -> None:
        """Return every frozen object to the collector: what was kept may be dropped."""
        if self.enabled:
            gc.unfreeze()
