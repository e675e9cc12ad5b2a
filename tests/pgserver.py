"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temp dir, unix socket only.

The server refuses to run as root, so as root it runs as the `postgres` user
on a directory that user owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from vpp_tui.store.engine import open_store

CANDIDATE_BIN_DIRS = [Path(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def find_bin_dir() -> Path | None:
    for candidate in CANDIDATE_BIN_DIRS:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class PgServer:
    bin_dir: Path
    root: Path
    run_as: str | None
    _template: str | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                  "postgres", "--no-sync", "-E", "UTF8")
        opts = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-l",
                  str(self.root / "log"), "start")

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}"

    def create_database(self, template: str | None = None) -> str:
        """A new database's URL: empty, or a copy of database `template` (PostgreSQL copies
        its files, a few milliseconds; nobody may be connected to `template` meanwhile).
        Issued over one psycopg connection, not a psql process per database."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        clause = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(host=str(self.socket_dir), user="postgres", dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def migrated_database(self) -> str:
        """A new database already at the schema head: a copy of a template database that
        `open_store` migrated once for this server (the first call makes it)."""
        if self._template is None:
            url = self.create_database()
            open_store(url).close()  # the product's own migration, once per server
            self._template = make_url(url).database
        return self.create_database(template=self._template)


def start_server() -> PgServer | None:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return None
    root = Path(tempfile.mkdtemp(prefix="vpp-pg-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        info = pwd.getpwnam(run_as)
        os.chown(root, info.pw_uid, info.pw_gid)
        os.chmod(root, 0o700)
    server = PgServer(bin_dir=bin_dir, root=root, run_as=run_as)
    server.start()
    return server


def bench_store(choice: str, sqlite_file: Path) -> tuple[str, PgServer | None]:
    """The store a bench runs on: "sqlite" (a new file at `sqlite_file`), "postgresql" (a
    throwaway server, started as the tests start one; the caller stops it) or any store
    URL. Returns (url, server or None). Exits with one line when PostgreSQL is asked for
    and its binaries are missing."""
    import sys

    if choice == "sqlite":
        return f"sqlite:///{sqlite_file}", None
    if choice == "postgresql":
        server = start_server()
        if server is None:
            sys.exit("error: no PostgreSQL binaries found; pass --db sqlite or a URL")
        return server.create_database(), server
    return choice, None
