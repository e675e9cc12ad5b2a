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
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import select

from vpp_tui.i18n import _
from vpp_tui.store.engine import Store, data_dir, private_dir
from vpp_tui.store.models import Token

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
        Fernet(key)
    except ValueError as exc:
        raise SecretKeyError(_(
            "the key file {path} is not a vpp-tui key; restore it from your backup or "
            "point --key-file (VPP_KEY_FILE) at the right one").format(path=key_file)) from exc
    return key


def sample_secret(store: Store) -> bytes | None:
    """One encrypted token secret of the store, or None when it holds none."""
    with store.session() as session:
        return session.exec(select(Token.secret).limit(1)).first()


class SecretBox:
    """Encrypts and decrypts token secrets with one key file.

    `key` None: the key file does not exist yet and the store holds no secret; the first
    `encrypt` makes the key (0600, never replacing one another process made meanwhile).
    """

    def __init__(self, key_file: Path, key: bytes | None) -> None:
        self.key_file = key_file
        self._fernet = Fernet(key) if key is not None else None
        # Names the key without revealing it: what was decrypted with it may be cached
        # under this name (the token list's masked hints).
        self.key_id = hashlib.sha256(key).hexdigest() if key is not None else None

    def _box(self) -> Fernet:
        if self._fernet is None:
            self._fernet = Fernet(_create_key_file(self.key_file, Fernet.generate_key()))
        return self._fernet

    def encrypt(self, secret: str) -> bytes:
        """Ciphertext (Fernet token bytes) of `secret`; makes the key on first use."""
        return self._box().encrypt(secret.encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> str:
        """The secret; SecretKeyError when this key did not encrypt it."""
        if self._fernet is None:
            raise _missing(self.key_file)
        try:
            return self._fernet.decrypt(ciphertext).decode("utf-8")
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
    """The store's SecretBox, checked: the key file is safe and decrypts the store's secrets.

    Raises SecretKeyError (one line saying what to do) when the key file is missing while
    the store holds secrets, readable by other users, unreadable, not a key, or the wrong key.
    """
    path = resolve_key_file(store, key_file)
    sample = sample_secret(store)
    if not path.exists():
        if sample is not None:
            raise _missing(path)
        return SecretBox(path, None)
    box = SecretBox(path, read_key(path))
    if sample is not None:
        box.decrypt(sample)
    return box
