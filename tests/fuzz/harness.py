"""The CLI run in-process, as an admin runs it, against the in-process simulator.

`Cli.run(*argv)` calls `vpp_tui.cli.main` with stdout and stderr captured and returns the
exit code and both streams; a traceback shows as an exception escaping `main`, which the
caller reports. Every command of one `Cli` shares one store, one key file, one FakeClock
and one simulator, so a token file registered with the simulator is one Apple accepts.
`dump()` reads every table of the store, to show that a refused command changed nothing.
"""

from __future__ import annotations

import contextlib
import io
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from vpp_tui.apple.clock import FakeClock
from vpp_tui.apple.stoken import encode_token
from vpp_tui.simulator.state import TokenRecord
from vpp_tui.simulator.worlds import build_world
from vpp_tui.store.models import ALL_TABLES

APPLE_ID = "vpp@appleid.contoso.edu"


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    crash: str | None = None  # the traceback of an exception that escaped main()

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


class Cli:
    """One admin's CLI on one store (`store_url`) in `tmp`, Apple being `self.sim`."""

    def __init__(self, store_url: str, tmp: Path) -> None:
        self.store_url = store_url
        self.tmp = tmp
        self.clock = FakeClock()
        self.sim = build_world("demo", clock=self.clock, event_delay=0.0)
        self.key_file = str(tmp / "store.key")
        self._files = 0

    @contextlib.contextmanager
    def _patched(self) -> Iterator[None]:
        from vpp_tui.cli import runtime
        from vpp_tui.cli.commands import common

        original = common.build_runtime
        common.build_runtime = partial(runtime.build_runtime, simulator=self.sim,
                                       clock=self.clock)
        try:
            yield
        finally:
            common.build_runtime = original

    def run(self, *argv: str) -> Outcome:
        from vpp_tui.cli import main

        out, err = io.StringIO(), io.StringIO()
        crash = None
        with self._patched(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--db", self.store_url, "--key-file",
                             self.key_file, "--apple", "sim", *argv])
            except BaseException:  # noqa: BLE001 - a traceback is what the caller looks for
                code, crash = -1, traceback.format_exc()
        return Outcome(code, out.getvalue(), err.getvalue(), crash)

    def write(self, name: str, content: str | bytes) -> str:
        """Write `content` to a fresh file named after `name`; its path."""
        self._files += 1
        path = self.tmp / f"{self._files:05d}-{name}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        return str(path)

    def register_token(self, token: str, expires_at: datetime, org_name: str,
                       location: str = "North Campus") -> str:
        """A token file Apple (the simulator) issued for `location`; its content."""
        loc = self.sim.location(location)
        content = encode_token(token, expires_at, org_name)
        self.sim.add_token(TokenRecord(secret=token, location_uid=loc.uid,
                                       expires_at=expires_at, content=content,
                                       state="valid", reason="fuzz", filename="fuzz.vpptoken"))
        return content

    def a_year_from_now(self) -> datetime:
        return (self.clock.now() + timedelta(days=365)).replace(microsecond=0)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in a stable order (audit entries included)."""
        engine = create_engine(self.store_url)
        try:
            with engine.connect() as connection:
                tables = {}
                for model in ALL_TABLES:
                    name = model.__tablename__
                    rows = connection.execute(text(f"SELECT * FROM {name}")).all()
                    tables[name] = sorted(tuple(map(repr, row)) for row in rows)
                return tables
        finally:
            engine.dispose()


def token_file(payload: str) -> str:
    """A token file whose Base64 holds `payload` as written (lone surrogates kept)."""
    import base64

    return base64.b64encode(payload.encode("utf-8", "surrogatepass")).decode("ascii")


def without_refusals(dump: dict) -> dict:
    """The store, less the audit entries of refusals (every refusal is audited, result
    "refused": design, "Refuse first, then log")."""
    return {table: rows if table != "audit_entries" else
            [row for row in rows if "'refused'" not in row] for table, rows in dump.items()}


def assert_refused(outcome: Outcome, before: dict, after: dict, *, one_line: bool = True,
                   mentions: str = "") -> None:
    """Exit 2, no traceback, only `error:` lines on stderr (exactly one when `one_line`),
    `mentions` in the first, and the store exactly as it was but for at most one audit
    entry of the refusal (none when it came before the store was opened)."""
    assert outcome.crash is None, outcome.crash
    assert outcome.code == 2, (outcome.code, outcome.stderr)
    lines = outcome.stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), outcome.stderr
    if one_line:
        assert len(lines) == 1, outcome.stderr
    assert mentions in lines[0], lines[0]
    assert without_refusals(after) == without_refusals(before), \
        "a refused command changed the store"
    added = len(after["audit_entries"]) - len(before["audit_entries"])
    assert added in (0, 1), f"{added} audit entries for one refusal"
