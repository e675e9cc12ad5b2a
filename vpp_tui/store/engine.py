"""Open a store: SQLite by default, PostgreSQL by URL; the schema is upgraded on open."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
APP_NAME = "vpp-tui"


class StoreError(Exception):
    """The store cannot be opened; the message says what to do."""


def data_dir() -> Path:
    return Path(os.environ.get("VPP_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))


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


def alembic_config() -> Config:
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
        """A unit of work: committed on success, rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


_upgrade_lock = threading.Lock()


def upgrade(engine: Engine) -> None:
    with _upgrade_lock, engine.begin() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"the store URL {url!r} is not valid; use sqlite:///PATH or postgresql+psycopg://…"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, poolclass=NullPool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    elif backend == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
    else:
        raise StoreError(f"unsupported store {backend!r}; use SQLite or PostgreSQL")
    if migrate:
        try:
            upgrade(engine)
        except Exception as exc:
            engine.dispose()
            raise StoreError(f"cannot open the store {display_url(url)}: {exc}") from exc
    return Store(url=url, engine=engine)
