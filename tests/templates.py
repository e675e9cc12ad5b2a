"""Stores that start at the schema head without running the migrations in each test.

A test's SQLite store is a copy of one file that `open_store` migrated once per test process
(milliseconds instead of a quarter second or more per store); PostgreSQL's equivalent is
`PgServer.migrated_database` (a TEMPLATE copy). The migrations themselves are still run from
an empty store by tests/store (`store_url`) and by every CLI test on a fresh file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from vpp_tui.store.engine import open_store


@cache
def sqlite_template() -> bytes:
    """The bytes of a SQLite store migrated to the head by `open_store`, WAL checkpointed
    into the main file; made on the first call in this process."""
    folder = Path(tempfile.mkdtemp(prefix="vpp-template-"))
    try:
        opened = open_store(f"sqlite:///{folder / 'store.db'}")
        with opened.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        opened.close()
        return (folder / "store.db").read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def migrated_sqlite_url(path: Path) -> str:
    """The URL of the SQLite store `path`; when there is no such file yet, it is first
    written as a copy of the migrated template (0600, as `open_store` creates a store file).
    An existing file is left as it is (two fixtures of one test share the store, as before)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return f"sqlite:///{path}"
    with os.fdopen(fd, "wb") as out:
        out.write(sqlite_template())
    return f"sqlite:///{path}"
