"""How commands speak: JSON on stdout, one `error:` line on stderr, exit codes 0/1/2."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TextIO

from vpp_tui.domain.text import cells, pad_cells, terminal_safe
from vpp_tui.i18n import _

EXIT_OK = 0  # everything asked for was done
EXIT_FAILED = 1  # the operation failed or was only partly done (see `exit_status`)
EXIT_USAGE = 2  # bad usage or bad input; nothing was changed
EXIT_INTERRUPTED = 130  # Ctrl-C (the shell's 128 + SIGINT); the work is recorded as interrupted
EXIT_BROKEN_PIPE = 141  # the reader closed stdout (`| head`): the shell's 128 + SIGPIPE
SHOWN_PROBLEMS = 3  # problems named on the one error line; the rest are counted


class CommandFailed(Exception):
    """The operation failed (exit 1); the message is the one-line error."""

    exit_code = EXIT_FAILED


class BadInput(Exception):
    """Bad input (exit 2): a broken file, an unknown name."""

    exit_code = EXIT_USAGE


class OutputFailed(Exception):
    """stdout could not be written (a full disk, an I/O error): exit 1 with one `error:`
    line. The work the command did is done and recorded; only its report was lost.
    A closed pipe is not this: it stays BrokenPipeError (quiet, exit 141)."""

    exit_code = EXIT_FAILED

    def __init__(self, cause: OSError) -> None:
        self.why = cause.strerror or str(cause)
        super().__init__(_("cannot write output: {why}").format(why=self.why))


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


# json.dumps escapes C0 controls itself; these it would write raw (ensure_ascii=False).
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def print_json(document: Any) -> None:
    """One JSON document on stdout. Strings come cleaned from the services; as a last guard,
    any control character left is written as a `\\uXXXX` escape, never as a raw byte."""
    text = json.dumps(document, default=_default, indent=2, ensure_ascii=False)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def print_csv(rows: Any, columns: Sequence[str]) -> None:
    """`--csv`: a header row of `columns` (the JSON field names of the same listing), then
    one row per record, on stdout (services/exports.py decides the cell format). Lines end
    in "\n": stdout is a terminal or a pipe, and the CLI's terminal guard would turn a
    carriage return into a space (a cell never holds a line break: `csv_cell`)."""
    from vpp_tui.services.exports import write_csv

    with _output_errors():
        write_csv(sys.stdout, rows, columns, line_end="\n")


def error(message: str) -> None:
    first_line = " ".join(terminal_safe(str(message)).split())
    sys.stderr.write(f"error: {first_line}\n")


def warning(message: str) -> None:
    """One `warning: …` line on stderr: something the admin should know; the command
    went on (the exit status is not changed)."""
    first_line = " ".join(terminal_safe(str(message)).split())
    sys.stderr.write(f"warning: {first_line}\n")


def exit_status(undone: Sequence[str]) -> int:
    """The one exit rule of every command that does work (README "Exit status").

    `undone` holds one short line per thing asked for that was not done (a token not
    synced, members without a license, …; `domain.outcomes` decides what counts). Empty:
    exit 0. Otherwise one `error:` line on stderr naming the first few and counting the
    rest, and exit 1; the command has already printed its full report (JSON) on stdout.
    Bad usage never gets here: it raises `BadInput` (exit 2) before anything is done.
    """
    if not undone:
        return EXIT_OK
    line = "; ".join(undone[:SHOWN_PROBLEMS])
    if len(undone) > SHOWN_PROBLEMS:
        line += "; " + _("and {n} more").format(n=len(undone) - SHOWN_PROBLEMS)
    error(line)
    return EXIT_FAILED


class _SafeWriter:
    """A text stream that passes lines and tabs but no other control character (the CLI's
    last guard: every text a command prints goes through `terminal_safe`)."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        lines = text.split("\n")
        with _output_errors():
            self._inner.write("\n".join(
                "\t".join(terminal_safe(part) for part in line.split("\t"))
                for line in lines))
        return len(text)

    def flush(self) -> None:
        with _output_errors():
            self._inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextmanager
def _output_errors() -> Iterator[None]:
    """An OSError writing stdout becomes OutputFailed; a closed pipe stays BrokenPipeError."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputFailed(exc) from exc


@contextmanager
def terminal_guard() -> Iterator[None]:
    """While a scriptable command runs, stdout never carries control characters."""
    saved = sys.stdout
    sys.stdout = _SafeWriter(saved)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = saved


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain aligned text table for humans (scripts use --json)."""
    rows = [[terminal_safe(cell) for cell in row] for row in rows]
    widths = [cells(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cells(cell))
    lines = ["  ".join(pad_cells(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    for row in rows:
        lines.append("  ".join(pad_cells(c, widths[i]) for i, c in enumerate(row)).rstrip())
    return "\n".join(lines)

