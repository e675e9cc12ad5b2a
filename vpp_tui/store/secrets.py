"""Token secrets at rest: Fernet-encrypted with a key kept outside the database.

The key file is created with mode 0600 beside the SQLite file (or in the data
directory for PostgreSQL) unless `--key-file` names one. Every admin sharing a
PostgreSQL store needs the same key file.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from vpp_tui.store.engine import Store, data_dir


class SecretKeyError(Exception):
    """The key file is missing, unreadable or wrong; the message says what to do."""


def default_key_file(store: Store) -> Path:
    path = store.sqlite_path
    if path is not None:
        return path.with_name(path.name + ".key")
    return data_dir() / "store.key"


class SecretBox:
    def __init__(self, key_file: Path, *, create: bool = True) -> None:
        self.key_file = key_file
        self._fernet = Fernet(self._load_or_create(create))

    def _load_or_create(self, create: bool) -> bytes:
        path = self.key_file
        if path.exists():
            try:
                key = path.read_bytes().strip()
                Fernet(key)
            except (OSError, ValueError) as exc:
                raise SecretKeyError(
                    f"the key file {path} is unreadable or not a key; restore it from backup"
                ) from exc
            return key
        if not create:
            raise SecretKeyError(f"the key file {path} is missing; pass --key-file")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key

    def encrypt(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(ciphertext).decode("utf-8")
        except InvalidToken as exc:
            raise SecretKeyError(
                f"token secrets cannot be decrypted with {self.key_file}; "
                "use the key file this store was created with (--key-file)"
            ) from exc


def secret_box(store: Store, key_file: str | None = None) -> SecretBox:
    return SecretBox(Path(key_file).expanduser() if key_file else default_key_file(store))
