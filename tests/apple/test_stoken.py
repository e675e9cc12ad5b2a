"""The token-file codec: what Apple writes, and what an editor may have made of it."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime

import pytest

from vpp_tui.apple.stoken import (
    TokenNotBase64,
    decode_token,
    encode_token,
)

EXPIRES = datetime(2030, 11, 8, 22, 33, 22, tzinfo=UTC)
CONTENT = encode_token("VFdwTmQwMUVRWGxQVkVWNVRucE5NRTE2VlhoTmFtTjQ=", EXPIRES, "ORG12345")


def test_v2_pretty_and_legacy_compact_token_files_both_decode() -> None:
    for pretty in (True, False):
        content = encode_token("secret", EXPIRES, "Org", pretty=pretty)
        token = decode_token(content.encode("ascii"))
        assert (token.token, token.expires_at, token.org_name) == ("secret", EXPIRES, "Org")
        assert token.bearer == content


def test_surrounding_whitespace_is_trimmed_from_the_bearer() -> None:
    assert decode_token(f"\n  {CONTENT}\r\n".encode("ascii")).bearer == CONTENT


def test_token_file_with_utf8_bom_is_accepted() -> None:
    token = decode_token(codecs.BOM_UTF8 + CONTENT.encode("ascii") + b"\n")
    assert token.bearer == CONTENT and token.org_name == "ORG12345"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_token_file_in_utf16_with_bom_is_accepted(encoding: str) -> None:
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    raw = bom[encoding] + (CONTENT + "\r\n").encode(encoding)  # "utf-16" writes its own BOM
    token = decode_token(raw)
    assert token.bearer == CONTENT and token.expires_at == EXPIRES


def test_token_text_starting_with_a_bom_character_is_accepted() -> None:
    # A caller that read the file as UTF-8 text keeps U+FEFF at its start.
    assert decode_token("\ufeff" + CONTENT + "\n").bearer == CONTENT


def test_a_bom_whose_encoding_does_not_match_the_text_is_one_clear_error() -> None:
    with pytest.raises(TokenNotBase64, match="UTF-16 byte-order mark"):
        decode_token(codecs.BOM_UTF16_LE + b"abc")


def test_utf16_without_a_bom_is_still_not_a_token() -> None:
    with pytest.raises(TokenNotBase64, match="not Base64"):
        decode_token(CONTENT.encode("utf-16-le"))


def test_the_secret_never_shows_in_repr() -> None:
    token = decode_token(CONTENT)
    assert CONTENT not in repr(token) and token.token not in repr(token)
