"""CSV exports: one format for the CLI's `--csv` and the console's `x` (issue 12).

The columns are the JSON field names of the same listing (docs/cli.md, "CSV"), one header
row, then one row per record, written with the standard `csv` module (RFC 4180 quoting,
`\\r\\n` line ends) so `csv.DictReader` reads back exactly the documented columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from vpp_tui.domain.text import terminal_safe

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection,
# OWASP): a name from Apple or a directory file must never do that in finance's copy.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


def csv_cell(value: Any) -> str:
    """One cell as text: None → "", booleans → "true"/"false" (as in JSON), dates in ISO
    8601, enums by value, lists joined with ";", other text cleaned of control characters
    and prefixed with "'" when a spreadsheet would take it for a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return csv_cell(value.value)
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.join(csv_cell(v) for v in value)
    text = terminal_safe(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_value(cell: str) -> str:
    """The value a `csv_cell` was written from: the "'" the formula guard put in front of
    a text starting with "=", "+", "-" or "@" is taken off again, so a file vpp-tui
    exported (`directory users --csv`) reads back as the same names (directory import)."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@":
        return cell[1:]
    return cell


def _as_mapping(row: Any) -> Mapping[str, Any]:
    if is_dataclass(row) and not isinstance(row, type):
        return asdict(row)
    return row


def write_csv(out: io.TextIOBase | Any, rows: Iterable[Any], columns: Sequence[str],
              line_end: str = "\r\n") -> int:
    """Write `columns` as the header, then each row's values for those columns (a mapping
    or a dataclass; a missing key is an empty cell) to the text stream `out`, each record
    ending in `line_end` (RFC 4180's CRLF for files; the CLI's stdout takes "\n", as a
    terminal and a pipe expect). Returns the number of data rows written."""
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow(columns)
    count = 0
    for row in rows:
        record = _as_mapping(row)
        writer.writerow([csv_cell(record.get(column)) for column in columns])
        count += 1
    return count


def csv_text(rows: Iterable[Any], columns: Sequence[str]) -> str:
    """The whole CSV document as one string (see `write_csv`)."""
    out = io.StringIO()
    write_csv(out, rows, columns)
    return out.getvalue()


#: names the folder exports go to instead of the documents folder (tests, kiosks, shares)
EXPORT_DIR_ENV = "VPP_EXPORT_DIR"


def export_folder() -> Path:
    """Where the console writes exports: the folder `VPP_EXPORT_DIR` names when set, else
    the user's documents folder (platformdirs: ~/Documents on macOS and Windows,
    XDG_DOCUMENTS_DIR on Linux), else the home folder."""
    import os

    from platformdirs import user_documents_dir

    if os.environ.get(EXPORT_DIR_ENV):
        return Path(os.environ[EXPORT_DIR_ENV]).expanduser()

    folder = Path(user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def export_csv(rows: Iterable[Any], columns: Sequence[str], stem: str,
               folder: Path | None = None, now: datetime | None = None) -> tuple[Path, int]:
    """Write a CSV export named `vpp-tui-<stem>-<YYYYMMDD-HHMMSS>.csv` (a counter is added
    when that name exists) to `folder` (default `export_folder()`).
    Returns (path, data rows). Raises OSError when the file cannot be written; a partly
    written file is removed, whatever stopped the writing."""
    folder = folder or export_folder()
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    safe_stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem) or "export"
    path = folder / f"vpp-tui-{safe_stem}-{stamp}.csv"
    counter = 1
    while path.exists():
        counter += 1
        path = folder / f"vpp-tui-{safe_stem}-{stamp}-{counter}.csv"
    out = path.open("x", encoding="utf-8", newline="")
    try:
        with out:
            count = write_csv(out, rows, columns)
    except BaseException:  # a full disk, a bad row, Ctrl-C: never leave half a file
        path.unlink(missing_ok=True)
        raise
    return path, count
