"""Reading a directory file (cli.md "Directory files"): JSON, or CSV one kind at a time.

Everything is validated before anything is written, and every bad record is reported with
its line number, so an admin fixes the file in one pass."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from vpp_tui.domain.text import nfc, quote
from vpp_tui.i18n import _
from vpp_tui.services.errors import InvalidInput
from vpp_tui.services.exports import csv_value
from vpp_tui.store import limits
from vpp_tui.store import models as m

PLATFORMS = ("iOS", "iPadOS", "macOS")
OWNERSHIPS = ("corporate", "personal")
ENROLLMENTS = ("device", "user", "automated")
GROUP_KINDS = ("user", "device")
KINDS = ("users", "devices", "groups")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class UserRecord:
    upn: str
    name: str = ""
    managed_apple_id: str | None = None
    personal_apple_id: bool = False
    active: bool = True


@dataclass(frozen=True)
class DeviceRecord:
    serial: str
    platform: str
    name: str = ""
    ownership: str = "corporate"
    supervised: bool = False
    enrollment: str = "device"
    kiosk: bool = False
    app_store_blocked: bool = False
    primary_user: str | None = None
    managed: bool = True


@dataclass(frozen=True)
class GroupRecord:
    name: str
    kind: str
    members: tuple[str, ...] = ()


@dataclass
class DirectoryFile:
    """What a file holds; a kind the file does not mention is None (left as it is)."""

    users: list[UserRecord] | None = None
    devices: list[DeviceRecord] | None = None
    groups: list[GroupRecord] | None = None
    lines: dict[tuple[str, str], int] = field(default_factory=dict)


class DirectoryFileError(InvalidInput):
    def __init__(self, filename: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(_("{file}: {n} bad records, nothing was imported").format(
            file=filename, n=len(problems)))


class DirectoryFileUnusable(InvalidInput):
    """The file as a whole cannot be imported (issue 9, item 1): it is empty, holds no
    records, its CSV header lacks a column the kind needs, or its quoting is broken. The
    message is one line naming the file (and line) and what to do; nothing was written."""


class _Bad(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _text(value: Any, name: str, *, required: bool, column: Any = None) -> str | None:
    """The field's text, stripped; `column` (a model attribute) sets what fits."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Bad(_("missing required field '{f}'").format(f=name))
        return None
    if not isinstance(value, str | int):
        raise _Bad(_("'{f}' must be text").format(f=name))
    text = nfc(str(value).strip())  # compared in NFC by filters (store.text_match)
    _fits(text, name, column)
    return text


def _fits(text: str, name: str, column: Any) -> None:
    """_Bad naming the field when `text` does not fit `column` (store.limits), e.g. a
    value longer than the column, a NUL or a lone surrogate."""
    problem = (limits.problem(column.class_, column.key, text) if column is not None
               else limits.check_value(_ANY_TEXT, text))
    if problem:
        raise _Bad(_("'{f}' {problem}").format(f=name, problem=problem))


_ANY_TEXT = limits.ColumnLimit("", "", "text")


def _bool(value: Any, name: str, default: bool) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default  # a blank CSV cell is the default: a blank `active` is not "left"
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _Bad(_("'{f}' must be true or false, not {v}").format(f=name, v=quote(value)))


def _choice(value: Any, name: str, choices: tuple[str, ...], default: str | None) -> str:
    text = _text(value, name, required=default is None)
    if text is None:
        return str(default)
    for choice in choices:
        if text.lower() == choice.lower():
            return choice
    raise _Bad(_("'{f}' must be one of {choices}, not {v}").format(
        f=name, choices=", ".join(choices), v=quote(text)))


def _user(raw: dict[str, Any]) -> UserRecord:
    return UserRecord(
        upn=str(_text(raw.get("upn"), "upn", required=True,
                      column=m.DirectoryUser.upn)).lower(),
        name=_text(raw.get("name"), "name", required=False, column=m.DirectoryUser.name) or "",
        managed_apple_id=_text(raw.get("managed_apple_id"), "managed_apple_id", required=False,
                               column=m.DirectoryUser.managed_apple_id),
        personal_apple_id=_bool(raw.get("personal_apple_id"), "personal_apple_id", False),
        active=_bool(raw.get("active"), "active", True),
    )


def _device(raw: dict[str, Any]) -> DeviceRecord:
    primary = _text(raw.get("primary_user"), "primary_user", required=False,
                    column=m.DirectoryDevice.primary_user)
    return DeviceRecord(
        serial=str(_text(raw.get("serial"), "serial", required=True,
                         column=m.DirectoryDevice.serial)).upper(),
        platform=_choice(raw.get("platform"), "platform", PLATFORMS, None),
        name=_text(raw.get("name"), "name", required=False,
                   column=m.DirectoryDevice.name) or "",
        ownership=_choice(raw.get("ownership"), "ownership", OWNERSHIPS, "corporate"),
        supervised=_bool(raw.get("supervised"), "supervised", False),
        enrollment=_choice(raw.get("enrollment"), "enrollment", ENROLLMENTS, "device"),
        kiosk=_bool(raw.get("kiosk"), "kiosk", False),
        app_store_blocked=_bool(raw.get("app_store_blocked"), "app_store_blocked", False),
        primary_user=primary.lower() if primary else None,
        managed=_bool(raw.get("managed"), "managed", True),
    )


def _group(raw: dict[str, Any]) -> GroupRecord:
    kind = _choice(raw.get("kind"), "kind", GROUP_KINDS, None)
    members = raw.get("members")
    members = members.split(";") if isinstance(members, str) else members  # CSV: a;b;c
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise _Bad(_("'members' must be a list of UPNs or serials, not {v}; an empty "
                     "group is written []").format(v=quote(json.dumps(members))))
    norm = (str.lower if kind == "user" else str.upper)
    cleaned = tuple(dict.fromkeys(nfc(norm(m.strip())) for m in members if m.strip()))
    for member in cleaned:
        _fits(member, "members", m.GroupMember.member)
    return GroupRecord(name=str(_text(raw.get("name"), "name", required=True,
                                      column=m.DirectoryGroup.name)), kind=kind,
                       members=cleaned)


_BUILDERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "users": _user, "devices": _device, "groups": _group}
_KEYS = {"users": "upn", "devices": "serial", "groups": "name"}


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _json_records(text: str) -> Iterator[tuple[str, int, Any]]:
    """(kind, line, raw record) for each element of the top-level lists, in file order."""
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        raise _Bad(_("a directory JSON file is an object with users, devices and groups"))
    pos = _skip(text, pos + 1)
    while not text.startswith("}", pos):
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        pos = _skip(text, pos + 1)  # the colon
        if key in KINDS and text.startswith("[", pos):
            pos = _skip(text, pos + 1)
            while not text.startswith("]", pos):
                start = pos
                value, pos = decoder.raw_decode(text, pos)
                yield key, _line_of(text, start), value
                pos = _skip(text, pos)
                if text.startswith(",", pos):
                    pos = _skip(text, pos + 1)
            pos += 1
        else:
            value, pos = decoder.raw_decode(text, pos)
            if key in KINDS:
                raise _Bad(_("'{k}' must be a list").format(k=key))
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


# Columns a CSV file of each kind must name: without `members` every group would be
# emptied, without `upn` or `serial` every record would be bad (issue 9, item 1).
CSV_COLUMNS = {"users": ("upn",), "devices": ("serial", "platform"),
               "groups": ("name", "kind", "members")}


def _csv_records(text: str, kind: str, filename: str) -> Iterator[tuple[str, int, Any]]:
    """(kind, line, raw record) per CSV row. Raises DirectoryFileUnusable for a header
    without a needed column or naming one twice, a row whose values do not match the
    header's columns, or broken quoting: each would otherwise blank, shift or swallow
    values silently."""
    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] | None = None
    start = 1
    while True:
        start = reader.line_num + 1  # where the next record begins
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _quoting_error(filename, start, reader.line_num, exc) from exc
        if reader.line_num > start:
            raise DirectoryFileUnusable(f"{filename}:{start}: " + _(
                "a quoted value runs from line {a} to line {b}, so a quote is probably "
                "not closed; fix the quoting (a quote inside a value is written twice: \"\")"
            ).format(a=start, b=reader.line_num))
        if not row:
            continue
        if header is None:
            header = [name.strip() for name in row]
            missing = [c for c in CSV_COLUMNS[kind] if c not in header]
            if missing:
                raise DirectoryFileUnusable(f"{filename}:{start}: " + _(
                    "the header lacks {cols} (it names {found}); the first line of "
                    "a {kind} file names its columns, at least {needed}: check the file and "
                    "--kind").format(cols=", ".join(f"'{c}'" for c in missing),
                                     found=quote(", ".join(header)), kind=kind,
                                     needed=", ".join(CSV_COLUMNS[kind])))
            twice = sorted({c for c in header if c and header.count(c) > 1})
            if twice:
                raise DirectoryFileUnusable(f"{filename}:{start}: " + _(
                    "the header names {cols} twice, so one column would silently overwrite "
                    "the other; keep one of each").format(
                        cols=", ".join(quote(c) for c in twice[:5])))
            continue
        extra = row[len(header):]
        if len(row) < len(header) or any(v.strip() for v in extra):
            raise DirectoryFileUnusable(f"{filename}:{start}: " + _(
                "this row has {n} values but the header names {m} columns, so values would "
                "land in the wrong fields or be left blank; fix the row (a value with a "
                "comma in it is quoted)").format(n=len(row), m=len(header)))
        named = zip(header, row, strict=False)
        yield kind, reader.line_num, {k: csv_value(v) for k, v in named if k}


def _quoting_error(filename: str, start: int, line: int, exc: csv.Error) -> InvalidInput:
    if "field larger than field limit" in str(exc):  # csv's 128 KiB: not a directory value
        return DirectoryFileUnusable(f"{filename}:{line}: " + _(
            "a value is longer than 128 KiB, more than any field of the directory holds; "
            "fix the line and try again"))
    if "unexpected end of data" in str(exc):
        return DirectoryFileUnusable(f"{filename}:{start}: " + _(
            "a quote opened on this line is never closed, so the rest of the file would be "
            "read as one value; close the quote (a quote inside a value is written twice: "
            "\"\")"))
    return DirectoryFileUnusable(f"{filename}:{line}: " + _(
        "broken quoting ({why}); quote the whole value and write a quote inside it twice: "
        "\"\"").format(why=exc))


def parse_directory(text: str, *, filename: str = "FILE", kind: str | None = None,
                    fmt: str | None = None) -> DirectoryFile:
    """Parse and validate a whole file; raise DirectoryFileError listing every bad record.

    `kind` (users, devices, groups) means CSV; without it a name ending .csv is CSV and
    anything else JSON. Raises DirectoryFileUnusable (one line) for a file that cannot be
    imported as a whole:
    empty, no records, a CSV header without a needed column (`CSV_COLUMNS`), broken
    quoting; InvalidInput for a CSV without `kind`.
    """
    # `kind` names what a CSV file holds, so it makes the file CSV whatever its name
    # (`users.txt --kind users`); without it, the name decides.
    fmt = fmt or ("csv" if kind is not None or filename.lower().endswith(".csv") else "json")
    if fmt == "csv" and kind not in KINDS:
        raise InvalidInput(_("a CSV file holds one kind: add --kind users, devices or groups"))
    if not text.strip():
        raise DirectoryFileUnusable(_(
            "{file} is empty: there is nothing to import; check that the export finished, "
            "then import again").format(file=filename))
    result = DirectoryFile()
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    if fmt == "json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise DirectoryFileError(filename, [f"{filename}:{exc.lineno}: " + _(
                "not valid JSON ({msg})").format(msg=exc.msg)]) from exc
        except (RecursionError, ValueError) as exc:  # nested too deep; a number too long
            raise DirectoryFileError(filename, [pathological_json(text, filename)]) from exc
        records = _json_records(text)
        result.users, result.devices, result.groups = _present_kinds(text)
    else:
        records = _csv_records(text, str(kind), filename)
        setattr(result, str(kind), [])
    try:
        for rec_kind, line, raw in records:
            try:
                if not isinstance(raw, dict):
                    raise _Bad(_("each entry must be an object"))
                record = _BUILDERS[rec_kind](raw)
            except _Bad as exc:
                problems.append(f"{filename}:{line}: {rec_kind}: {exc}")
                continue
            key = (rec_kind, getattr(record, _KEYS[rec_kind]))
            if key in seen:
                problems.append(f"{filename}:{line}: {rec_kind}: " + _(
                    "{id} appears twice (first on line {first})").format(
                        id=quote(key[1]), first=seen[key]))
                continue
            seen[key] = line
            getattr(result, rec_kind).append(record)
    except _Bad as exc:
        where = f"{filename}:{exc.line}" if exc.line else filename
        problems.append(f"{where}: {exc}")
    result.lines = seen
    if problems:
        raise DirectoryFileError(filename, problems)
    if not seen:
        raise DirectoryFileUnusable((f"{filename}:1: " + _(
            "only a header, no records: there is nothing to import; check that the export "
            "finished, then import again")) if fmt == "csv" else _(
            "{file}: no records (no users, devices or groups in it): there is nothing to "
            "import; check the file").format(file=filename))
    return result


def _present_kinds(text: str) -> tuple[list | None, list | None, list | None]:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        return None, None, None
    return tuple([] if k in doc else None for k in KINDS)  # type: ignore[return-value]


# What the JSON reader chokes on: brackets nested this deep, integers this long (Python
# refuses to read integers of more than 4,300 digits). A directory record is flat.
MAX_NESTING = 64
MAX_DIGITS = 4300
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|\d+')


def pathological_json(text: str, filename: str) -> str:
    """`FILE:LINE: what` for JSON the reader could not take (nested more than MAX_NESTING
    levels, or an integer of more than MAX_DIGITS digits), found by a light scan of the text
    (strings skipped); the first such place."""
    depth = 0
    for token in _TOKENS.finditer(text):
        first = token.group()[0]
        if first in "[{":
            depth += 1
            if depth > MAX_NESTING:
                problem = _("nested more than {n} levels deep; a directory record is flat")
                return f"{filename}:{_line_of(text, token.start())}: " + problem.format(
                    n=MAX_NESTING)
        elif first in "]}":
            depth -= 1
        elif first != '"' and len(token.group()) > MAX_DIGITS:
            problem = _("a number of {n} digits; write it as text, or leave it out")
            return f"{filename}:{_line_of(text, token.start())}: " + problem.format(
                n=len(token.group()))
    return f"{filename}: " + _("not JSON this import can read; check the file")
