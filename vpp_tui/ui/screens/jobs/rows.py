"""How one job reads in the jobs screen's table and in its details: plain Text, never
markup (a result quoting Apple with "[brackets]" reads as recorded). No I/O."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text

from vpp_tui.domain import jobs as rules
from vpp_tui.domain.labels import job_kind_label, job_state_label
from vpp_tui.domain.leases import owner_host
from vpp_tui.domain.text import cells, truncate_cells
from vpp_tui.i18n import _, shown
from vpp_tui.services.jobs import JobView
from vpp_tui.ui.format import ago, when

COLUMNS = ("id", "kind", "token", "admin", "state", "progress", "age", "worker")
# Columns cut (with "…") when the row is wider than the screen, widest first: names run
# long, the id, kind, state, progress and age are short and always shown whole.
ELASTIC = ("token", "admin", "worker")
ELASTIC_MIN = 6  # cells an elastic column keeps, heading included ("Admin…")

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
    """The state, translated (`domain.labels.job_state_label`; the stored value stays
    English) and coloured; a running job asked to stop says so."""
    text = job_state_label(view.state)
    if view.cancel_requested and view.state == rules.RUNNING:
        text = _("{state}, stopping").format(state=text)
    return Text(text, style=STATE_STYLES.get(view.state, ""), end="")


def job_cells(view: JobView, now: datetime) -> tuple[object, ...]:
    """The table's cells of `view`, in COLUMNS order; age counted from when it was
    queued. Progress is right-aligned, so a state never reads into it ("running 2/5")."""
    return (str(view.id), Text(job_kind_label(view.kind)), Text(view.token or "—"),
            Text(view.actor),
            state_label(view), Text(progress_label(view), justify="right"),
            ago(view.queued_at, now),
            Text(worker_label(view.claimed_by)))


def fit_widths(natural: list[int], room: int) -> list[int]:
    """Column widths (cells, in COLUMNS order) that fit `room` cells of content: the
    `natural` widths (the widest of heading and cells) when they fit, else the widest
    ELASTIC column cut one cell at a time, none below ELASTIC_MIN (so at 80 columns every
    column shows, in English, French or Chinese). Example: natural [2, 9, 12, 14, 9, 11,
    13, 9], room 70 -> [2, 9, 8, 9, 9, 11, 13, 9]: the admin and token columns are cut."""
    result = list(natural)
    elastic = [COLUMNS.index(key) for key in ELASTIC]
    while sum(result) > room:
        widest = max(elastic, key=lambda i: result[i])
        if result[widest] <= ELASTIC_MIN:
            break
        result[widest] -= 1
    return result


def fitted(labels: tuple[str, ...], rows: list[tuple[str, tuple[object, ...]]],
           room: int) -> tuple[tuple[str, ...], list[tuple[str, tuple[object, ...]]]]:
    """`labels` and `rows` (key, `job_cells`) cut to widths that fit `room` cells
    (`fit_widths`, measured in cells: a Chinese character takes two)."""
    natural = [cells(label) for label in labels]
    for _key, row in rows:
        for i, cell in enumerate(row):
            natural[i] = max(natural[i], _cell_len(cell))
    widths = fit_widths(natural, room)
    return (tuple(_cut_text(label, w) for label, w in zip(labels, widths, strict=True)),
            [(key, tuple(_cut(cell, w) for cell, w in zip(row, widths, strict=True)))
             for key, row in rows])


def _cell_len(cell: object) -> int:
    return cell.cell_len if isinstance(cell, Text) else cells(str(cell))


def _cut(cell: object, width: int) -> object:
    if _cell_len(cell) <= width:
        return cell
    if isinstance(cell, Text):
        return Text(_cut_text(cell.plain, width), style=cell.style, justify=cell.justify,
                    end="")
    return _cut_text(str(cell), width)


def _cut_text(text: str, width: int) -> str:
    # "North …" reads as two words: the blank before the "…" goes.
    cut = truncate_cells(text, width)
    return cut if cut == text else cut.replace(" …", "…")


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
        (_("Kind"), job_kind_label(view.kind)),
        (_("Token"), view.token or "—"),
        (_("State"), state_label(view).plain),
        (result_label, shown(view.result) or "—"),
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


def detail_text(view: JobView) -> Table:
    """The job, one field a row of a two-column grid: its label in bold (an error's in
    red), two cells apart from the value; a long value wraps inside its own column, its
    next lines under its first, never back at the label's edge. Values are plain Text
    (never markup)."""
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for label, value in detail_fields(view):
        grid.add_row(Text(label, style="bold red" if label == _("Error") else "bold"),
                     Text(value))
    return grid
