"""`vpp-tui key rotate`: every token secret re-encrypted under a new key in one transaction.

Order (a crash at any point leaves a key that opens the store, next to the file):
1. the old key is copied to `<key>.bak` (0600) and the new key written to `<key>.new` (0600);
2. in one transaction that no other writer can enter, every secret is re-encrypted;
3. still inside it, `<key>.new` is renamed over the key file (atomic);
4. the transaction commits; then `<key>.bak` is removed.
If anything fails before the commit, the old key is put back and both extra files go. A crash
between 3 and 4 leaves the new key in place and the store still on the old one: the error
then names `<key>.bak` and the `mv` that restores it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

from cryptography.fernet import Fernet
from sqlmodel import Session, select

from vpp_tui.store.models import Token
from vpp_tui.store.secrets import SecretBox, backup_path, read_key, write_key_file


class KeyRotation:
    """Context manager around the rotation's transaction; see the module's docstring.

    `box` is the store's checked SecretBox (its key file must exist). Use:
    `with KeyRotation(box) as r: (with session: lock; r.reencrypt(session); r.install())`.
    """

    def __init__(self, box: SecretBox) -> None:
        self.key_file = box.key_file
        self._old = box
        self._old_key = read_key(self.key_file)
        self._new_key = Fernet.generate_key()
        self._new = Fernet(self._new_key)
        self.count = 0
        self._installed = False

    @property
    def new_path(self) -> Path:
        return self.key_file.with_name(self.key_file.name + ".new")

    def __enter__(self) -> KeyRotation:
        write_key_file(backup_path(self.key_file), self._old_key)
        write_key_file(self.new_path, self._new_key)
        return self

    def reencrypt(self, session: Session) -> int:
        """Re-encrypt every token's secret in `session`; returns how many."""
        tokens = session.exec(select(Token)).all()
        for token in tokens:
            token.secret = self._new.encrypt(self._old.decrypt(token.secret).encode("utf-8"))
            session.add(token)
        session.flush()
        self.count = len(tokens)
        return self.count

    def install(self) -> None:
        """Put the new key in place (atomic rename); call it last inside the transaction."""
        os.replace(self.new_path, self.key_file)
        self._installed = True

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None and self._installed:
            write_key_file(self.key_file, self._old_key)  # the store kept the old secrets
        with contextlib.suppress(FileNotFoundError):
            self.new_path.unlink()
        # Committed with the new key in place, or rolled back with the old one: either way
        # the key file opens the store and the backup has done its job.
        with contextlib.suppress(FileNotFoundError):
            backup_path(self.key_file).unlink()
