"""Real `vpp-tui` processes released together by a barrier.

Each process imports everything first, says `ready` on stderr, then blocks reading one byte
from its stdin: the barrier. `Crowd.go()` writes that byte to every waiting process (or to
the ones named), so their commands start within milliseconds of each other; no sleeps.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

WAIT_THEN_RUN = """
import sys
from vpp_tui.cli import main
import vpp_tui.services.licensing, vpp_tui.services.sync, vpp_tui.store.engine  # loaded first
sys.stderr.write("ready\\n"); sys.stderr.flush()
if sys.stdin.read(1) != "g":  # the barrier: one byte on stdin releases the process
    sys.exit(3)
sys.exit(main(sys.argv[1:]))
"""
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Violation|Exit)\b.*:")


@dataclass(frozen=True)
class Finished:
    """One process's end: its CLI arguments, exit status and output (text)."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr

    @property
    def clean(self) -> bool:
        """Exit 0, or 1/2 with an `error:` line and no traceback (README "Exit status")."""
        if self.traceback:
            return False
        if self.returncode == 0:
            return True
        return self.returncode in (1, 2) and any(
            line.startswith("error:") for line in self.stderr.splitlines())

    @property
    def exception(self) -> str | None:
        """The last `module.SomeError: message` line of a traceback, or None."""
        found = [line.strip() for line in self.stderr.splitlines()
                 if EXCEPTION_LINE.match(line.strip())] if self.traceback else []
        return found[-1] if found else None

    def summary(self) -> str:
        """One line: the command (without --db/--apple), exit status, what it said last."""
        lines = self.stderr.strip().splitlines()
        said = self.exception or (lines[-1] if lines else "")
        return f"{' '.join(self.args[4:])} -> exit {self.returncode}: {said[:300]}"


def error_kind(line: str) -> str:
    """An `error:` line with its numbers, names and quoted parts blanked, to group by kind."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", line.strip())
    text = re.sub(r"\b(?=[A-Za-z]*\d)\w+\b", "N", text)  # numbers, serials, event ids
    return text[:160]


class Admin:
    """Runs `vpp-tui --db DB --apple URL …` as the admin `ana`, with its own key file."""

    def __init__(self, db: str, apple: str, key_file: Path) -> None:
        self.db = db
        self.apple = apple
        self.env = dict(os.environ, VPP_KEY_FILE=str(key_file))
        self.env.pop("VPP_ADMIN", None)  # the OS login: it created the store, so it may act

    def argv(self, *args: str) -> list[str]:
        return ["--db", self.db, "--apple", self.apple, *args]

    def run(self, *args: str, timeout: float = 180) -> Finished:
        done = subprocess.run([sys.executable, "-m", "vpp_tui.cli", *self.argv(*args)],
                              capture_output=True, text=True, env=self.env, timeout=timeout)
        return Finished(tuple(self.argv(*args)), done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.summary()
        return done.stdout


class Crowd:
    """Processes started now and held at the barrier until `go`; `finish` collects them."""

    def __init__(self, admin: Admin, commands: Sequence[Sequence[str]]) -> None:
        self.args = [tuple(admin.argv(*c)) for c in commands]
        self.processes = [
            subprocess.Popen([sys.executable, "-c", WAIT_THEN_RUN, *args],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=admin.env)
            for args in self.args]
        self._ready = False

    def wait_ready(self) -> None:
        """Block until every process has loaded and waits at the barrier (the caller may set
        up the store meanwhile: the processes open it only once released)."""
        if self._ready:
            return
        for process in self.processes:
            assert process.stderr is not None
            line = process.stderr.readline()
            if line != "ready\n":
                raise RuntimeError(f"a crowd process did not start: {line}{process.stderr.read()}")
        self._ready = True

    def go(self, *which: int) -> None:
        """Release the processes at these indexes (all when none is named)."""
        self.wait_ready()
        for index in which or range(len(self.processes)):
            stdin = self.processes[index].stdin
            assert stdin is not None
            stdin.write("g")
            stdin.flush()

    def wait(self, index: int, timeout: float) -> bool:
        """Wait up to `timeout` seconds for one process to exit; True when it has."""
        try:
            self.processes[index].wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def finish(self, timeout: float = 120) -> list[Finished]:
        """Wait for every process; their ends in the order the commands were given."""
        out = []
        for args, process in zip(self.args, self.processes, strict=True):
            stdout, stderr = process.communicate(timeout=timeout)
            out.append(Finished(args, process.returncode, stdout, stderr))
        return out
