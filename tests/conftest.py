from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgserver import PgServer, start_server
from tests.templates import migrated_sqlite_url
from vpp_tui.i18n import set_language
from vpp_tui.store.engine import Store, open_store


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test ever touches the admin's real data directory or environment."""
    monkeypatch.setenv("VPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("VPP_DB", "VPP_APPLE_URL", "VPP_ADMIN", "VPP_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    # English unless a test asks for another language (the machine's locale must not leak in).
    for name in ("VPP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    required = os.environ.get("VPP_TEST_POSTGRES") == "required"
    try:
        server = start_server()
    except Exception as exc:  # a broken install is a failure when CI asks for PostgreSQL
        if required:
            pytest.fail(f"VPP_TEST_POSTGRES=required but PostgreSQL did not start: {exc}")
        server = None
    if server is None and required:
        pytest.fail("VPP_TEST_POSTGRES=required but no PostgreSQL binaries were found")
    yield server
    if server is not None:
        server.stop()


def _pg(request: pytest.FixtureRequest) -> PgServer:
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("PostgreSQL binaries not installed (set VPP_TEST_POSTGRES=required to fail)")
    return server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_url(store_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store URL on each store_backend."""
    if store_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return _pg(request).create_database()


@pytest.fixture
def store(store_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An open store at the schema head on each store_backend: a copy of a migrated template
    (a test that also asks for `store_url` gets that empty store, migrated on open)."""
    if "store_url" in request.fixturenames:
        url = request.getfixturevalue("store_url")
    elif store_backend == "sqlite":
        url = migrated_sqlite_url(tmp_path / "store.db")
    else:
        url = _pg(request).migrated_database()
    opened = open_store(url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """An open SQLite store at the schema head (a copy of the migrated template)."""
    opened = open_store(migrated_sqlite_url(tmp_path / "store.db"))
    yield opened
    opened.close()
