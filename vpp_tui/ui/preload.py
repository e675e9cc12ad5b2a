"""The other sections' modules, imported in a background thread once the console's first
rows are shown (issue 13).

The console paints Tokens without the ORM, the licensing services or any other section
(`tests/architecture/test_console_start.py`), so the first visit to Apps paid for all of
them: about 0.3 s of imports on an idle machine, twice the 150 ms a switch may take.
After the first rows, while the admin reads them, a thread imports those modules; a key
pressed before it is done waits on Python's import lock for what is left, no longer
than the visit would have taken anyway. The thread is not a daemon: a console that quits
at once waits for the import under way rather than being torn down inside it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable


def import_in_background(modules: Iterable[str]) -> threading.Thread:
    """Start a thread importing `modules` (dotted names) in order and return it. A module
    that fails to import is skipped: the section that needs it imports it again when it
    is shown, and that import reports the error where the admin sees it."""
    names = tuple(modules)

    def run() -> None:
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001,S112 - reported by the section's own import
                continue

    thread = threading.Thread(target=run, name="vpp-preload")
    thread.start()
    return thread
