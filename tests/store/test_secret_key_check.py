"""The key check without `cryptography` (issue 13, start-up): a Fernet token's HMAC is
verified with the standard library, as Fernet's decrypt verifies it first (Fernet spec,
"Verifying"); decrypting still goes through `cryptography`."""

from __future__ import annotations

import base64

import pytest
from cryptography.fernet import Fernet

from vpp_tui.store.secrets import SecretBox, SecretKeyError, authenticates, signing_key


def test_a_secret_authenticates_under_the_key_that_made_it_only() -> None:
    key, other = Fernet.generate_key(), Fernet.generate_key()
    secret = Fernet(key).encrypt(b"the token file")
    assert authenticates(key, secret)
    assert not authenticates(other, secret)


def test_a_tampered_or_malformed_secret_does_not_authenticate() -> None:
    key = Fernet.generate_key()
    raw = bytearray(base64.urlsafe_b64decode(Fernet(key).encrypt(b"the token file")))
    raw[30] ^= 1  # one bit of the ciphertext
    tampered = base64.urlsafe_b64encode(bytes(raw))
    raw[30] ^= 1
    raw[0] = 0x81  # an unknown version
    for secret in (tampered, base64.urlsafe_b64encode(bytes(raw)), b"", b"not base64 !",
                   base64.urlsafe_b64encode(b"\x80short")):
        assert not authenticates(key, secret), secret


@pytest.mark.parametrize("key", [b"", b"short", base64.urlsafe_b64encode(b"x" * 31),
                                 base64.urlsafe_b64encode(b"x" * 33), b"!" * 44])
def test_signing_key_refuses_what_fernet_refuses(key: bytes) -> None:
    with pytest.raises(ValueError):
        Fernet(key)
    with pytest.raises(ValueError):
        signing_key(key)


def test_signing_key_is_the_first_half_of_a_fernet_key() -> None:
    key = Fernet.generate_key()
    assert signing_key(key) == base64.urlsafe_b64decode(key)[:16]


def test_a_box_decrypts_what_authenticates_and_refuses_the_rest(tmp_path) -> None:  # noqa: ANN001
    key = Fernet.generate_key()
    box = SecretBox(tmp_path / "k.key", key)
    secret = box.encrypt("the token file")
    assert box.authenticates(secret) and box.decrypt(secret) == "the token file"
    stranger = Fernet(Fernet.generate_key()).encrypt(b"the token file")
    assert not box.authenticates(stranger)
    with pytest.raises(SecretKeyError):
        box.decrypt(stranger)
