"""Token secrets at rest: Fernet-encrypted with a key kept outside the database.

The key file lives beside the SQLite file (or in the data directory for PostgreSQL) unless
`--key-file` names one; every admin sharing a PostgreSQL store needs the same key file.

Rules (issue 9, item 6):
- A key is made only for a store that holds no secret yet, on the first `encrypt` (the
  first token added). A store holding secrets never gets a new key silently: a missing key
  file is an error that says to restore it.
- A key file that other users may read (any "other" permission bit), that cannot be read,
  that is not a Fernet key, or that does not decrypt the store's secrets is refused with a
  one-line `SecretKeyError` saying what to do.
- Key files are written 0600 through a temporary file and an atomic rename or link.

Start-up (issue 13): checking that a key opens the store's secrets needs no cryptography
package: a Fernet token carries an HMAC-SHA256 of its contents under the key's signing
half, which `hmac` (standard library) verifies, as Fernet's own decrypt does first (Fernet
spec, "Verifying"). `cryptography` is imported only to encrypt or decrypt a secret.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.store.engine import Store, data_dir, private_dir

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

KEY_MODE = 0o600
BACKUP_SUFFIX = ".bak"


class SecretKeyError(Exception):
    """The key file is missing, unsafe, unreadable or wrong; the message says what to do."""


def default_key_file(store: Store) -> Path:
    """`<db>.key` beside a SQLite file; `<data dir>/store.key` for PostgreSQL."""
    path = store.sqlite_path
    if path is not None:
        return path.with_name(path.name + ".key")
    return data_dir() / "store.key"


def backup_path(key_file: Path) -> Path:
    """Where `key rotate` keeps the old key until its transaction commits."""
    return key_file.with_name(key_file.name + BACKUP_SUFFIX)


def _temp_path(key_file: Path) -> Path:
    return key_file.with_name(f".{key_file.name}.{os.getpid()}.tmp")


def _write_temp(key_file: Path, key: bytes) -> Path:
    """The key in a fresh 0600 file beside `key_file`, synced to disk; returns its path."""
    private_dir(key_file.parent)
    tmp = _temp_path(key_file)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return tmp


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_key_file(key_file: Path, key: bytes) -> None:
    """Replace `key_file` with `key` atomically (temp file 0600, fsync, rename)."""
    tmp = _write_temp(key_file, key)
    os.replace(tmp, key_file)
    _sync_dir(key_file.parent)


def _create_key_file(key_file: Path, key: bytes) -> bytes:
    """Install `key` unless another process made one first; returns the key now in place."""
    tmp = _write_temp(key_file, key)
    try:
        os.link(tmp, key_file)  # atomic, and never replaces a key that is already there
    except FileExistsError:
        return read_key(key_file)
    finally:
        tmp.unlink()
    _sync_dir(key_file.parent)
    return key


def read_key(key_file: Path) -> bytes:
    """The key in `key_file`, after checking that only its owner (and group) may read it.

    Raises SecretKeyError when the file is readable by others, unreadable or not a key.
    """
    try:
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o007:
            raise SecretKeyError(_(
                "the key file {path} can be read by other users (mode {mode:04o}); "
                "run: chmod 600 {path}").format(path=key_file, mode=mode))
        key = key_file.read_bytes().strip()
    except OSError as exc:
        raise SecretKeyError(_(
            "cannot read the key file {path} ({why}); check its owner and that it is mode 0600"
        ).format(path=key_file, why=exc.strerror or exc)) from exc
    try:
        signing_key(key)
    except ValueError as exc:
        raise SecretKeyError(_(
            "the key file {path} is not a vpp-tui key; restore it from your backup or "
            "point --key-file (VPP_KEY_FILE) at the right one").format(path=key_file)) from exc
    return key


# Fernet (https://github.com/fernet/spec, Spec.md): token = version 0x80 | timestamp (8) |
# IV (16) | ciphertext | HMAC-SHA256 (32) of everything before it, base64url; key =
# base64url of signing key (16) | encryption key (16).
FERNET_VERSION = 0x80
_HMAC_BYTES = 32
_MIN_TOKEN_BYTES = 1 + 8 + 16 + 16 + _HMAC_BYTES  # one AES block of ciphertext at least


def signing_key(key: bytes) -> bytes:
    """The signing half (16 bytes) of Fernet key `key` (44 base64url characters); raises
    ValueError when `key` is not a Fernet key, as `cryptography.fernet.Fernet(key)` does."""
    raw = base64.urlsafe_b64decode(key)  # binascii.Error is a ValueError
    if len(raw) != 32:
        raise ValueError("a Fernet key is 32 url-safe base64-encoded bytes")
    return raw[:16]


def authenticates(key: bytes, ciphertext: bytes) -> bool:
    """True when Fernet token `ciphertext` was made with `key`: its HMAC-SHA256 verifies
    under the key's signing half (Fernet spec, "Verifying"; constant-time compare). What
    Fernet's decrypt checks before decrypting, without importing `cryptography`: a token
    that authenticates decrypts with that key. `key` must pass `signing_key`."""
    try:
        data = base64.urlsafe_b64decode(ciphertext)
    except (binascii.Error, ValueError, TypeError):
        return False
    if len(data) < _MIN_TOKEN_BYTES or data[0] != FERNET_VERSION:
        return False
    mac = hmac.new(signing_key(key), data[:-_HMAC_BYTES], hashlib.sha256).digest()
    return hmac.compare_digest(mac, data[-_HMAC_BYTES:])


def sample_secret(store: Store) -> bytes | None:
    """One encrypted token secret of the store, or None when it holds none."""
    from vpp_tui.store import tables

    with store.reading() as db:  # Core: checking the key imports no SQLModel nor ORM
        return db.execute(select(tables.tokens.c.secret).limit(1)).scalar()


class SecretBox:
    """Encrypts and decrypts token secrets with one key file.

    `key` None: the key file does not exist yet and the store holds no secret; the first
    `encrypt` makes the key (0600, never replacing one another process made meanwhile).
    """

    def __init__(self, key_file: Path, key: bytes | None) -> None:
        self.key_file = key_file
        self._key = key
        self._fernet: Fernet | None = None  # made on the first encrypt or decrypt
        # Names the key without revealing it: what was decrypted with it may be cached
        # under this name (the token list's masked hints).
        self.key_id = hashlib.sha256(key).hexdigest() if key is not None else None

    def _box(self) -> Fernet:
        from cryptography.fernet import Fernet

        if self._fernet is None:
            if self._key is None:
                self._key = _create_key_file(self.key_file, Fernet.generate_key())
            self._fernet = Fernet(self._key)
        return self._fernet

    def authenticates(self, ciphertext: bytes) -> bool:
        """True when this box's key made `ciphertext` (`authenticates`; no decryption)."""
        return self._key is not None and authenticates(self._key, ciphertext)

    def encrypt(self, secret: str) -> bytes:
        """Ciphertext (Fernet token bytes) of `secret`; makes the key on first use."""
        return self._box().encrypt(secret.encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> str:
        """The secret; SecretKeyError when this key did not encrypt it."""
        from cryptography.fernet import InvalidToken

        if self._key is None:
            raise _missing(self.key_file)
        try:
            return self._box().decrypt(ciphertext).decode("utf-8")
        except InvalidToken as exc:
            raise _wrong(self.key_file) from exc

    def opens(self, ciphertext: bytes) -> bool:
        """True when this key decrypts `ciphertext`."""
        try:
            self.decrypt(ciphertext)
        except SecretKeyError:
            return False
        return True


def _missing(key_file: Path) -> SecretKeyError:
    return SecretKeyError(_(
        "the key file {path} is missing and this store holds encrypted token secrets; "
        "restore the key file from your backup (or point --key-file / VPP_KEY_FILE at it); "
        "a new key cannot decrypt them").format(path=key_file))


def _wrong(key_file: Path) -> SecretKeyError:
    backup = backup_path(key_file)
    if backup.exists():
        return SecretKeyError(_(
            "the key file {path} does not decrypt this store's token secrets; a key rotation "
            "was interrupted: restore the old key with: mv {backup} {path}").format(
            path=key_file, backup=backup))
    return SecretKeyError(_(
        "the key file {path} does not decrypt this store's token secrets; use the key this "
        "store was created with (--key-file / VPP_KEY_FILE)").format(path=key_file))


def resolve_key_file(store: Store, key_file: str | None = None) -> Path:
    """`key_file` (`~` expanded) or the store's default key file."""
    return Path(key_file).expanduser() if key_file else default_key_file(store)


def secret_box(store: Store, key_file: str | None = None) -> SecretBox:
    """The store's SecretBox, checked: the key file is safe and made the store's secrets
    (one sample's HMAC verifies under it: `authenticates`, no decryption).

    Raises SecretKeyError (one line saying what to do) when the key file is missing while
    the store holds secrets, readable by other users, unreadable, not a key, or the wrong key.
    """
    path = resolve_key_file(store, key_file)
    sample = sample_secret(store)
    try:
        present = path.exists()
    except OSError as exc:  # a name too long for the file system (ENAMETOOLONG), …
        raise SecretKeyError(_(
            "cannot use the key file {path} ({why}); point --key-file (VPP_KEY_FILE) at the "
            "key file this store was created with").format(
                path=quote(path), why=exc.strerror or exc)) from exc
    if not present:
        if sample is not None:
            raise _missing(path)
        return SecretBox(path, None)
    box = SecretBox(path, read_key(path))
    if sample is not None and not box.authenticates(sample):
        raise _wrong(path)
    return box
