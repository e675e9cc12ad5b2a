"""The simulator as a real process on loopback, its log read as it runs.

Unlike tests/simserver.py this drains the server's output in a thread (a soak run makes
thousands of requests, and an unread pipe would stall the server once full) and lets the
caller wait for a line, e.g. the access-log line of a request, instead of sleeping. It is
started with `--control`, so faults and the event delay can change while it runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.simserver import free_port

ORIGIN = "http://127.0.0.1:{port}"


class ServedSimulator:
    """`vpp-tui simulator --control …` on a free loopback port.

    `base_url` is Apple's base URL (…/mdm/v2); `tokens_dir` holds the .vpptoken files and
    manifest.json. Raises RuntimeError when the server exits before it listens.
    """

    def __init__(self, tokens_dir: Path, *extra: str) -> None:
        self.port = free_port()
        self.tokens_dir = tokens_dir
        self.origin = ORIGIN.format(port=self.port)
        self.base_url = f"{self.origin}/mdm/v2"
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "vpp_tui.cli", "simulator", "--port", str(self.port),
             "--tokens-dir", str(tokens_dir), "--control", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ))
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        if not self.wait_for("Uvicorn running", timeout=180):  # a bound; loaded CI is slow
            self.stop()
            raise RuntimeError("simulator did not start:\n" + "".join(self.lines))

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def wait_for(self, text: str, *, start: int = 0, timeout: float = 30.0) -> bool:
        """Block until a log line at index >= `start` contains `text`; False on timeout or
        when the server has exited. Access-log lines are written when a response is sent,
        e.g. `"GET /mdm/v2/assignments?pageIndex=0 HTTP/1.1" 200`."""
        def found() -> bool:
            return any(text in line for line in self.lines[start:]) or (
                self.process.poll() is not None)

        with self._seen:
            self._seen.wait_for(found, timeout=timeout)
            return any(text in line for line in self.lines[start:])

    def mark(self) -> int:
        """The index of the next log line (a `start` for `wait_for`)."""
        with self._seen:
            return len(self.lines)

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.tokens_dir / "manifest.json").read_text())

    def token_file(self, location: str = "North Campus", state: str = "valid") -> Path:
        entry = next(e for e in self.manifest["tokens"]
                     if e["location_name"] == location and e["expected_state"] == state)
        return self.tokens_dir / entry["file"]

    def control(self, **body: Any) -> dict[str, Any]:
        """POST /_simulator/control (simulator.control): clear_faults, faults, event_delay."""
        answer = httpx.post(f"{self.origin}/_simulator/control", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._reader.join(timeout=5)
