"""Generated token files and directory files: garbage, and near-valid ones built from the
valid examples (`docs/cli.md`, Apple's token format) with values mutated.

Values that `json.dumps` cannot write (integers of thousands of digits, nesting a
thousand deep) are drawn as placeholders and spliced into the text afterwards.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

# Text that has broken a store or a reader: NUL, lone surrogates, controls, escapes,
# right-to-left overrides, the column lengths ± 1, CSV specials.
SPECIAL_TEXT = ["", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "\udcff", "\x1b[31mRED",
                "\r\n", "\u202e", "é", "東京", "🎉", ";", ",", '"', "A" * 64, "A" * 65,
                "A" * 128, "A" * 129, "A" * 200, "A" * 201, "A" * 300, "A" * 301, "A" * 320,
                "A" * 321, "<BIG-FIELD>"]
BIG_INT = "<BIG-INT>"
DEEP = "<DEEP>"
BIG_FIELD = "<BIG-FIELD>"

texts = st.one_of(st.sampled_from(SPECIAL_TEXT), st.text(max_size=40),
                  st.builds(lambda a, b: a + b, st.sampled_from(SPECIAL_TEXT),
                            st.text(max_size=10)))
json_values = st.one_of(texts, st.integers(min_value=-(2**70), max_value=2**70),
                        st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                        st.none(), st.sampled_from([BIG_INT, DEEP]),
                        st.lists(texts, max_size=3))


def splice(text: str) -> str:
    """Replace the placeholders json.dumps wrote as strings by what they stand for."""
    return (text.replace(json.dumps(BIG_INT), "9" * 4400)
            .replace(json.dumps(DEEP), "[" * 1100 + "]" * 1100)
            .replace(BIG_FIELD, "F" * (130 * 1024)))


def _offset(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """`good` three times in four, else `bad`: near-valid files must reach the store."""
    return st.integers(min_value=0, max_value=3).flatmap(lambda i: bad if i == 0 else good)


# Valid for the harness's FakeClock (2026-11-23): such a file reaches Apple and the store.
A_GOOD_DATE = "2027-11-08T22:33:22+0000"
bad_exp_dates = st.one_of(
    st.builds(lambda d, m: d.replace(tzinfo=_offset(m)).strftime("%Y-%m-%dT%H:%M:%S%z"),
              st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
              st.integers(min_value=-14 * 60, max_value=14 * 60)),
    st.sampled_from(["0001-01-01T00:00:00+1400", "9999-12-31T23:59:59-1400",
                     "2030-11-08T22:33:22", "2030-11-08T22:33:22Z", "2030-02-30T00:00:00+0000",
                     "2030-11-08T22:33:22+0000"]),
    texts)


@st.composite
def token_payloads(draw: Any) -> tuple[str, dict | None]:
    """(the JSON text inside a token file, the dict when it is one)."""
    payload: dict[str, Any] = {
        "token": draw(mostly(st.builds("c2VjcmV0-{}".format, st.integers(0, 10**9)),
                             texts)),
        "expDate": draw(mostly(st.sampled_from([A_GOOD_DATE, "2027-11-08T22:33:22-1400"]),
                               bad_exp_dates)),
        "orgName": draw(mostly(st.just("Contoso School"), texts)),
    }
    if draw(st.integers(0, 3)) == 0:
        payload[draw(st.sampled_from(sorted(payload)))] = draw(json_values)  # wrong kind
    if draw(st.integers(0, 5)) == 0:
        del payload[draw(st.sampled_from(sorted(payload)))]
    if draw(st.booleans()):
        payload["extra"] = draw(json_values)
    pretty = draw(st.booleans())
    text = json.dumps(payload, indent=4 if pretty else None)
    return splice(text), payload


@st.composite
def token_files(draw: Any) -> tuple[bytes, dict | None]:
    """(a token file's bytes, its payload dict when it decodes to one)."""
    kind = draw(mostly(st.just("near-valid"), st.sampled_from(["json", "text", "bytes"])))
    if kind == "bytes":
        return draw(st.binary(max_size=200)), None
    if kind == "text":
        raw = draw(texts)
    elif kind == "json":
        raw = splice(json.dumps(draw(json_values)))
    else:
        raw, payload = draw(token_payloads())
        content = base64.b64encode(raw.encode("utf-8", "surrogatepass"))
        if draw(st.integers(0, 3)) == 0:  # damaged on the way
            content = draw(st.sampled_from([content[:-2], content.replace(b"A", b"*")]))
        return draw(st.sampled_from([content, content + b"\n",
                                     b"\xef\xbb\xbf" + content])), payload
    return base64.b64encode(raw.encode("utf-8", "surrogatepass")), None


# The valid example of cli.md, one record per kind, field by field.
EXAMPLE = {
    "users": {"upn": "ana@contoso.com", "name": "Ana Ruiz",
              "managed_apple_id": "ana@appleid.contoso.com", "personal_apple_id": False,
              "active": True},
    "devices": {"serial": "F9FXK2ABCD12", "name": "Ana's iPad", "platform": "iPadOS",
                "ownership": "corporate", "supervised": True, "enrollment": "automated",
                "kiosk": False, "app_store_blocked": False, "primary_user": "ana@contoso.com",
                "managed": True},
    "groups": {"name": "Sales iPads", "kind": "device", "members": ["F9FXK2ABCD12"]},
}


@st.composite
def records(draw: Any, kind: str) -> list[dict[str, Any]]:
    """One to three records of `kind`: the example with some values mutated."""
    out = []
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        record = dict(EXAMPLE[kind])
        key = {"users": "upn", "devices": "serial", "groups": "name"}[kind]
        record[key] = f"{index}{record[key]}"
        for field in draw(st.sets(st.sampled_from(sorted(record)), max_size=3)):
            record[field] = draw(json_values)
        out.append(record)
    return out


@st.composite
def directory_json(draw: Any) -> str:
    kinds = draw(st.sets(st.sampled_from(sorted(EXAMPLE)), min_size=1))
    doc: dict[str, Any] = {kind: draw(records(kind)) for kind in sorted(kinds)}
    if draw(st.booleans()):
        doc[draw(st.sampled_from(["users", "other"]))] = draw(json_values)
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(st.one_of(texts, st.just(splice(json.dumps([DEEP])))))
    return splice(json.dumps(doc, indent=draw(st.sampled_from([None, 1]))))


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


@st.composite
def directory_csv(draw: Any, kind: str) -> str:
    rows = draw(records(kind))
    header = list(EXAMPLE[kind])
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in header])
    return out.getvalue().replace(BIG_FIELD, "F" * (130 * 1024))


def a_year_after(now: datetime) -> datetime:
    return (now + timedelta(days=365)).astimezone(UTC).replace(microsecond=0)
