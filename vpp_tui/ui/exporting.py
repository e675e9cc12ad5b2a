"""`x` on a list: every row it shows (all pages, its filter applied) to a CSV file.

The rows come from the service query that fills the table, called without a page limit
(one query function, so the file and the screen cannot disagree about the filter); the file
is written by `services.exports.export_csv` in a worker, and a notification says where.
A failure is one line; the export never leaves half a file (`export_csv` removes it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from textual.dom import DOMNode

from vpp_tui.i18n import N_, _, ngettext
from vpp_tui.services.access import AccessDenied
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.exports import export_csv, export_folder
from vpp_tui.ui.commands import Command


def export_command(prefix: str) -> Command:
    """The `x` command of a list whose commands are named `prefix.*`."""
    return Command(f"{prefix}.export", "x", "export", N_("export"),
                   N_("Write every row of the list (all pages, filter applied) to a CSV file "
                     "in your documents folder"))


def start_export(node: DOMNode, stem: str, rows: Callable[[], Iterable[Any]],
                 columns: Sequence[str]) -> None:
    """Read `rows()` and write them as `vpp-tui-<stem>-<time>.csv` with `columns`, in a
    thread worker of `node`; then notify the path and the row count, or one line saying
    why nothing was written (a folder that cannot be written, access refused)."""
    app = node.app

    def work() -> None:
        try:
            path, count = export_csv(list(rows()), columns, stem)
        except OSError as exc:
            app.call_from_thread(app.notify, _("Nothing was written to {path}: {why}").format(
                why=exc.strerror or str(exc), path=exc.filename or export_folder()),
                title=_("Export failed"), severity="error", timeout=15)
            return
        except (ServiceError, AccessDenied) as exc:
            app.call_from_thread(app.notify, str(exc), title=_("Export failed"),
                                 severity="error", timeout=15)
            return
        app.call_from_thread(app.notify, ngettext(
            "{n} row written to {path}", "{n} rows written to {path}", count).format(
            n=count, path=path), title=_("Exported"), timeout=15)

    node.run_worker(work, group="export", thread=True, exclusive=True, exit_on_error=False)
