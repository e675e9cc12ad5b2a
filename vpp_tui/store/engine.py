"""Open a store: SQLite by default, PostgreSQL by URL; the schema is upgraded on open.

Files (issue 9, item 10): the data directory vpp-tui makes is 0700 and a new SQLite file is
created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database
file's mode); an existing store file loses any world access. Migrations are serialised
across processes: an exclusive transaction on SQLite, `pg_advisory_xact_lock` on
PostgreSQL, so any number of processes may open a fresh store at once. A store whose
revision this vpp-tui does not know was written by a newer one and is refused.

Start-up (issue 13): opening a store that is already at this vpp-tui's head costs one
query (`SELECT version_num FROM alembic_version`) against the head read from the
revision files' text; Alembic is imported only when that differs (or cannot be read).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.store.text_match import postgres_fold_collation, register_fold

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"
APP_NAME = "vpp-tui"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# pg_advisory_xact_lock key serialising schema upgrades ("vpptui" in ASCII).
MIGRATION_LOCK_ID = 0x7670_7074_7569


class StoreError(Exception):
    """The store cannot be opened; the message says what to do."""


class StoreUrlRefused(StoreError):
    """The store URL itself is bad input (not a URL, an unsupported database, an in-memory
    SQLite store): the CLI exits 2, as for any bad input. The message says what to do."""


def data_dir() -> Path:
    return Path(os.environ.get("VPP_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))


def private_dir(folder: Path) -> None:
    """Make `folder` (and missing parents) if needed; a folder made here is 0700. vpp-tui's
    own data directory is also tightened to 0700 when it exists with wider access; a folder
    the admin chose (e.g. with --db) keeps its mode."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if folder.resolve() == data_dir().resolve():
        _tighten(folder, 0o077)


def _tighten(path: Path, bits: int) -> None:
    """Remove permission `bits` from a file or folder of ours; nothing when not allowed."""
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & bits and path.stat().st_uid == os.geteuid():
            path.chmod(mode & ~bits)


def _private_sqlite_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal/-shm copy this mode);
    an existing database and its -wal/-shm lose any world access."""
    private_dir(path.parent)
    if not path.exists():  # several processes may race here: O_CREAT without O_EXCL is fine
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    for suffix in ("", "-wal", "-shm"):
        _tighten(path.with_name(path.name + suffix), 0o007)


def default_url(name: str = "vpp.db") -> str:
    return f"sqlite:///{data_dir() / name}"


def display_url(url: str) -> str:
    """The URL as shown to the admin: a path for SQLite, no password for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ":memory:"
        home = str(Path.home())
        return "~" + path[len(home):] if path.startswith(home + os.sep) else path
    return parsed.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    register_fold(dbapi_connection)  # filters: Unicode case on SQLite (store.text_match)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@dataclass
class Store:
    url: str
    engine: Engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        if self.dialect != "sqlite":
            return None
        db = make_url(self.url).database
        return Path(db) if db and db != ":memory:" else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error. An ORM (SQLModel)
        session: its flushes are checked against the columns (`store.limits`)."""
        from sqlmodel import Session

        from vpp_tui.store import limits

        limits.install()  # every row is checked against its column before it is written
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read on SQLAlchemy Core: a Connection for queries of `store.tables`, whose
        transaction is rolled back at the end (nothing run in it is kept). Unlike
        `session()` it imports neither SQLModel nor the ORM: what read-only commands use
        (issue 13, CLI start-up). Read helpers taking "a session or a connection" call
        `.execute(core query)`, which both have."""
        with self.engine.connect() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()


_upgrade_lock = threading.Lock()


def current_revision(engine: Engine) -> str | None:
    """The store's Alembic revision, or None for a fresh store."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_ASSIGNED = r"^{name}\s*(?::[^=\n]*)?=\s*(?:None|['\"]([^'\"]+)['\"])\s*$"


@cache
def head_from_files(folder: Path = MIGRATIONS / "versions") -> str | None:
    """The head revision named by the revision files' text (`revision = "…"` and
    `down_revision = "…" | None` at the start of a line), without importing Alembic: the
    one revision no other names as its down_revision. None when the files cannot be read
    that way (several heads, a merge revision's tuple, a file without both lines): the
    caller then asks Alembic."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        source = path.read_text(encoding="utf-8")
        rev = re.search(_ASSIGNED.format(name="revision"), source, re.M)
        down = re.search(_ASSIGNED.format(name="down_revision"), source, re.M)
        if rev is None or rev.group(1) is None or down is None:
            return None
        revisions.add(rev.group(1))
        if down.group(1) is not None:
            downs.add(down.group(1))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def stored_revision(engine: Engine) -> str | None:
    """The store's revision from its alembic_version table in one query; None when the
    table is missing or holds no single row (a fresh store, or one Alembic must look at)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return None
    return rows[0][0] if len(rows) == 1 else None


def _lock_schema(connection: Connection) -> None:
    """Hold the store's schema lock until `connection`'s transaction ends: the first
    statement of the transaction. SQLite: BEGIN EXCLUSIVE; PostgreSQL: an advisory lock."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
    else:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_ID})


def upgrade(engine: Engine) -> None:
    """Bring the schema to this vpp-tui's head, serialised across processes.

    Raises StoreError when the store's revision is unknown here (a newer vpp-tui wrote it).
    A store already at the head costs one query (`stored_revision`); only otherwise is
    Alembic imported.
    """
    head = head_from_files()
    if head is not None and stored_revision(engine) == head:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    with _upgrade_lock:
        current = current_revision(engine)
        if current is not None and current == script.get_current_head():
            return
        known = {revision.revision for revision in script.walk_revisions()}
        if current is not None and current not in known:
            raise StoreError(_("this store was written by a newer vpp-tui (revision {rev}); "
                               "upgrade vpp-tui").format(rev=current))
        with engine.begin() as connection:
            _lock_schema(connection)
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")


def begin_writer(session: Session) -> None:
    """Start `session`'s transaction as a writer (call it first).

    SQLite: BEGIN IMMEDIATE, so what the transaction reads stays true until it commits (no
    other writer meanwhile; readers go on; a deferred transaction that read first could
    not write once another writer committed). PostgreSQL: nothing (read committed; a
    unique-key race surfaces as IntegrityError).
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_for_writing(session: Session) -> None:
    """Make `session`'s transaction the only writer until it ends (call it first).

    SQLite: `begin_writer`. PostgreSQL: the tokens table in SHARE ROW EXCLUSIVE mode (no
    token added or changed meanwhile; readers go on).
    """
    begin_writer(session)
    if session.connection().dialect.name != "sqlite":
        session.connection().exec_driver_sql("LOCK TABLE tokens IN SHARE ROW EXCLUSIVE MODE")


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUrlRefused(_(
            "the store URL {url} is not valid; use sqlite:///PATH or postgresql+psycopg://…"
        ).format(url=quote(url))) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite" and (parsed.database or ":memory:") == ":memory:":
        # Each connection (NullPool) would get its own empty database: the schema made on
        # one is missing on the next ("no such table"), and nothing would be kept.
        raise StoreUrlRefused(_("an in-memory SQLite store cannot be used: nothing would be "
                                "kept between connections; give a file, sqlite:///PATH"))
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                _private_sqlite_file(Path(parsed.database).expanduser())
            except OSError as exc:
                raise StoreError(_("cannot create the store {path}: {why}; check the path "
                                   "and its permissions").format(
                    path=quote(display_url(url)), why=exc.strerror or exc)) from exc
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, poolclass=NullPool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    elif backend == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)

        def _fold_collation(dbapi_connection, _record) -> None:  # noqa: ANN001
            engine.dialect.vpp_fold_collation = postgres_fold_collation(dbapi_connection)

        event.listen(engine, "first_connect", _fold_collation)
    else:
        raise StoreUrlRefused(_("unsupported store {backend}; use SQLite or PostgreSQL").format(
            backend=quote(backend)))
    if migrate:
        try:
            upgrade(engine)
        except StoreError:
            engine.dispose()
            raise
        except Exception as exc:
            engine.dispose()
            # The driver's own words, without SQLAlchemy's "(Background on this error…)".
            why = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StoreError(_("cannot open the store {path}: {why}; check the path and its "
                               "permissions, or give the right store with --db").format(
                path=display_url(url), why=why)) from exc
    return Store(url=url, engine=engine)
