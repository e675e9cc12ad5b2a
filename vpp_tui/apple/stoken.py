"""The `.vpptoken` (sToken) codec.

A token file is the Base64 of a JSON object with `token`, `expDate` and
`orgName`. Apple's v2 example decodes to pretty-printed JSON and the legacy one
to compact JSON, so both are accepted. The bearer sent to Apple is the whole
file content, trimmed, never a re-encoding: re-serialising the JSON would change
the bytes Apple compares. A file an editor re-saved with a byte-order mark (UTF-8,
or UTF-16/UTF-32 text) is read in its encoding, the mark dropped like whitespace.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from vpp_tui.domain.limits import MAX_TOKEN_FILE_BYTES, datetime_problem, text_problem
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _

REQUIRED_FIELDS = ("token", "expDate", "orgName")


class TokenFileError(ValueError):
    """A token file that cannot be used. The message says what is wrong and what to do."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyTokenFile(TokenFileError):
    code = "empty"


class TokenFileTooLarge(TokenFileError):
    code = "too_large"


class TokenNotBase64(TokenFileError):
    code = "not_base64"


class TokenNotJson(TokenFileError):
    code = "not_json"


class TokenMissingField(TokenFileError):
    code = "missing_field"


class TokenBadField(TokenFileError):
    code = "bad_field"


class TokenBadExpiry(TokenFileError):
    code = "bad_expiry"


@dataclass(frozen=True)
class SToken:
    """A decoded token file. `bearer` is what goes into `Authorization: Bearer`."""

    bearer: str
    token: str
    expires_at: datetime
    org_name: str
    exp_date_raw: str

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the bearer: lets the store spot the same file loaded twice."""
        return hashlib.sha256(self.bearer.encode("ascii")).hexdigest()

    def masked(self) -> str:
        """A form of the secret that is safe to show: never the whole string."""
        return f"{self.bearer[:4]}…{self.bearer[-4:]}" if len(self.bearer) > 12 else "…"

    def __repr__(self) -> str:  # never let the secret reach a log or traceback
        return f"SToken(org_name={self.org_name!r}, expires_at={self.expires_at.isoformat()})"


def parse_exp_date(value: str) -> datetime:
    """Parse Apple's `expDate` (`2030-11-08T22:33:22+0000`, offset without a colon).

    Returns an aware UTC datetime; raises TokenBadExpiry (apple-api.md §1.1) for text that
    is not such a date, a date without a time zone, and a date outside the range the store
    keeps (`domain.limits.datetime_problem`: e.g. year 1 or 9999 with a ±14:00 offset)."""
    parsed = None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            parsed = datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise TokenBadExpiry(_(
                "the token's expDate {value} is not a date Apple writes "
                "(expected like 2030-11-08T22:33:22+0000); download the token again"
            ).format(value=quote(value))) from exc
    problem = datetime_problem(parsed)
    if problem:
        raise TokenBadExpiry(_(
            "the token's expDate {value} {problem}; download the token again"
        ).format(value=quote(value), problem=problem))
    return parsed.astimezone(UTC)


def format_exp_date(value: datetime) -> str:
    """Write a datetime the way Apple does (`+0000`, no colon)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


# Byte-order marks an editor may write when it re-saves the file (UTF-32 before UTF-16:
# the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _file_text(raw: str | bytes) -> bytes:
    """The file's text as UTF-8 bytes. A leading byte-order mark (UTF-8, UTF-16, UTF-32) is
    dropped and the rest read in the encoding it names; a str (a file the caller already
    decoded) may start with U+FEFF. Raises TokenNotBase64 when the text does not match its
    mark."""
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff").encode("utf-8", errors="replace")
    for bom, encoding, label in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise TokenNotBase64(_(
                    "the file starts with a {encoding} byte-order mark but is not {encoding} "
                    "text; choose the .vpptoken file from Apple Business or School Manager"
                ).format(encoding=label)) from exc
            return text.encode("utf-8", errors="replace")
    return raw


def decode_token(raw: str | bytes) -> SToken:
    """Decode and validate a token file's content; each fault has its own TokenFileError.

    `raw` is the file's bytes (or its text). Surrounding whitespace and a leading byte-order
    mark (a file re-saved by an editor, in UTF-8 or UTF-16) are ignored; the bearer is the
    Base64 text itself, never a re-encoding (apple-api.md §1.2, §1.3)."""
    raw_size = len(raw.encode("utf-8", errors="replace") if isinstance(raw, str) else raw)
    if raw_size > MAX_TOKEN_FILE_BYTES:
        raise TokenFileTooLarge(_(
            "the file is {size} bytes, far larger than a token file; "
            "choose the .vpptoken downloaded from Apple Business or School Manager"
        ).format(size=raw_size))
    text = _file_text(raw).strip()
    if not text:
        raise EmptyTokenFile(_(
            "the token file is empty; download it again from Apple Business or School Manager"
        ))
    try:
        bearer = text.decode("ascii")
        decoded = base64.b64decode(bearer, validate=True)
    except (UnicodeDecodeError, binascii.Error, ValueError) as exc:
        raise TokenNotBase64(_(
            "the file is not a token: its content is not Base64; "
            "choose the .vpptoken file from Apple Business or School Manager, unmodified"
        )) from exc
    try:
        payload = json.loads(decoded.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TokenNotJson(_(
            "the file is Base64 but does not decode to a token (no JSON inside); "
            "download the token again"
        )) from exc
    except (RecursionError, ValueError) as exc:  # nested too deep; a number too long
        raise TokenNotJson(_(
            "the file decodes to JSON no token has (nested too deep, or a number too "
            "long); download the token again"
        )) from exc
    if not isinstance(payload, dict):
        raise TokenNotJson(_(
            "the file decodes to JSON that is not a token object; download the token again"
        ))
    missing = [name for name in REQUIRED_FIELDS if name not in payload]
    if missing:
        raise TokenMissingField(_(
            "the token lacks {fields}; download the token again"
        ).format(fields=", ".join(missing)))
    for name in REQUIRED_FIELDS:
        value = payload[name]
        if not isinstance(value, str) or not value.strip():
            raise TokenBadField(_(
                "the token's {field} is empty or not text; download the token again"
            ).format(field=name))
        problem = text_problem(value)
        if problem:
            raise TokenBadField(_(
                "the token's {field} {problem}; download the token again"
            ).format(field=name, problem=problem))
    return SToken(
        bearer=bearer,
        token=payload["token"],
        expires_at=parse_exp_date(payload["expDate"]),
        org_name=payload["orgName"],
        exp_date_raw=payload["expDate"],
    )


def encode_token(token: str, expires_at: datetime, org_name: str, *, pretty: bool = True) -> str:
    """Build a token file's content, as Apple does (pretty JSON by default, like the v2 example)."""
    payload = {"token": token, "expDate": format_exp_date(expires_at), "orgName": org_name}
    text = json.dumps(payload, indent=4) if pretty else json.dumps(payload, separators=(",", ":"))
    return base64.b64encode(text.encode("utf-8")).decode("ascii")
