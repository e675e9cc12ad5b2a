"""`vpp-tui serve` end to end: a real server process, a real store, the simulator served on
loopback as Apple, and a real headless Chromium reading the console's screen (issue 10:
"serves a console that lists the tokens of X")."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import simserver
from tests.browser import Browser, chromium_path
from vpp_tui.cli import main

CHROMIUM = chromium_path()
# A bound for a loaded machine: the served console is a fresh Python process per page.
START_TIMEOUT = 180.0


def vpp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vpp_tui.cli", *args], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))


def wait_until_listening(port: int, process: subprocess.Popen, timeout: float) -> None:
    """Poll until something accepts on 127.0.0.1:`port` (deadline, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"vpp-tui serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)  # the poll interval of a deadline loop, not a wait for an event
    raise RuntimeError("vpp-tui serve did not listen in time")


@pytest.fixture
def served_store(tmp_path: Path):  # noqa: ANN201
    """A SQLite store holding one token of the simulator served on loopback."""
    sim = simserver.start(tmp_path / "tokens", "--event-delay", "0")
    try:
        entry = next(e for e in sim.manifest["tokens"] if e["location_name"] == "North Campus")
        db, key = f"sqlite:///{tmp_path / 'served.db'}", str(tmp_path / "served.key")
        assert main(["--db", db, "--apple", sim.base_url, "--key-file", key, "token", "add",
                     str(sim.tokens_dir / entry["file"]), "--name", "Harbour School",
                     "--apple-id", "admin@contoso.edu", "--consent"]) == 0
        yield db, sim.base_url, key
    finally:
        sim.stop()


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: the served console is "
                    "checked in a real headless browser (apt-get install chromium)")
def test_served_console_lists_the_tokens_of_its_store_in_a_browser(served_store) -> None:
    db, apple, key = served_store
    port = simserver.free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "vpp_tui.cli", "--db", db, "--apple", apple, "--key-file", key,
         "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
        start_new_session=True)  # its own group: textual-serve starts the console under it
    try:
        wait_until_listening(port, server, START_TIMEOUT)
        assert CHROMIUM is not None
        with Browser(CHROMIUM) as browser:
            browser.open(f"http://127.0.0.1:{port}/")
            # The served console decrypted the token with --key-file and asked --apple: its
            # row shows the location Apple named, not a key or connection error. (Waiting
            # for the token's name alone could return a frame whose details line showed it
            # while the browser had not yet drawn the table's row.)
            screen = browser.wait_for_screen("North Campus", timeout=START_TIMEOUT)
        assert "Harbour School" in screen, screen
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def test_serve_on_all_interfaces_is_refused_without_allow_remote() -> None:
    result = vpp("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1
    assert "--allow-remote" in result.stderr and "ssh -L" in result.stderr
    assert result.stdout == ""
