"""How one job reads in the jobs screen's table and in its details: plain Text, never
markup (a result quoting Apple with "[brackets]" reads as recorded). No I/O."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from vpp_tui.domain import jobs as rules
from vpp_tui.domain.leases import owner_host
from vpp_tui.domain.text import cells, pad_cells
from vpp_tui.i18n import _
from vpp_tui.services.jobs import JobView
from vpp_tui.ui.format import ago, when

COLUMNS = ("id", "kind", "token", "admin", "state", "progress", "age", "worker")

STATE_STYLES = {rules.FAILED: "bold red", rules.RUNNING: "bold", rules.CANCELLED: "dim",
                rules.DONE: "green"}


def column_labels() -> tuple[str, ...]:
    """The headings of COLUMNS, translated when shown."""
    return (_("ID"), _("Kind"), _("Token"), _("Admin"), _("State"), _("Progress"),
            _("Age"), _("Worker"))


def worker_label(claimed_by: str | None) -> str:
    """`host:pid` of a worker name (rule: `domain.leases.owner_host`)."""
    return owner_host(claimed_by)


def progress_label(view: JobView) -> str:
    """"done/total" once the job has said how much there is, "" before."""
    return f"{view.progress_done}/{view.progress_total}" if view.progress_total else ""


def state_label(view: JobView) -> Text:
    """The state, coloured; a running job asked to stop says so."""
    text = view.state
    if view.cancel_requested and view.state == rules.RUNNING:
        text = _("{state}, stopping").format(state=view.state)
    return Text(text, style=STATE_STYLES.get(view.state, ""), end="")


def job_cells(view: JobView, now: datetime) -> tuple[object, ...]:
    """The table's cells of `view`, in COLUMNS order; age counted from when it was
    queued."""
    return (str(view.id), Text(view.kind), Text(view.token or "—"), Text(view.actor),
            state_label(view), progress_label(view), ago(view.queued_at, now),
            Text(worker_label(view.claimed_by)))


def payload_text(payload: dict[str, object]) -> str:
    """The job's arguments as "name: value" words (lists joined with ", "), empty ones
    left out, separated by "; "."""
    parts = []
    for key, value in payload.items():
        if value in (None, "", False, [], ()):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts) or "—"


def detail_fields(view: JobView) -> list[tuple[str, str]]:
    """(label, value) of every field of the job, most telling first; "—" for none. A
    failed job's result is its error, shown right under its state."""
    def at(moment: datetime | None) -> str:
        return when(moment) if moment is not None else "—"

    progress = progress_label(view) or "—"
    if view.stage and view.progress_total:
        progress += f" ({view.stage})"
    result_label = _("Error") if view.state == rules.FAILED else _("Result")
    return [
        (_("Kind"), view.kind),
        (_("Token"), view.token or "—"),
        (_("State"), state_label(view).plain),
        (result_label, view.result or "—"),
        (_("What"), payload_text(view.payload)),
        (_("Queued by"), view.actor),
        (_("Progress"), progress),
        (_("Worker"), view.claimed_by or "—"),
        (_("Attempts"), str(view.attempts)),
        (_("Queued"), at(view.queued_at)),
        (_("Started"), at(view.started_at)),
        (_("Finished"), at(view.finished_at)),
        (_("Exit status"), "—" if view.exit_status is None else str(view.exit_status)),
    ]


def detail_text(view: JobView) -> Text:
    """The job as plain text, one field a line: its label in bold (an error's in red),
    padded to the longest label, then the value (wrapped by the dialog)."""
    fields = detail_fields(view)
    width = max(cells(label) for label, _value in fields) + 2
    text = Text()
    for index, (label, value) in enumerate(fields):
        if index:
            text.append("\n")
        text.append(pad_cells(label, width), style="bold red" if label == _("Error") else "bold")
        text.append(value)
    return text
