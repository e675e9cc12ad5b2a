"""Run `vpp-tui simulator` as a real process on loopback for CLI and end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServedSimulator:
    process: subprocess.Popen
    base_url: str
    tokens_dir: Path

    @property
    def manifest(self) -> dict:
        return json.loads((self.tokens_dir / "manifest.json").read_text())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start(tokens_dir: Path, *extra: str) -> ServedSimulator:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "vpp_tui.cli", "simulator", "--port", str(port),
         "--tokens-dir", str(tokens_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ),
    )
    # The server says where it listens once uvicorn is up; wait for that line, not a timer.
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if "Uvicorn running" in line or "Application startup complete" in line:
            break
    else:
        raise RuntimeError("simulator did not start:\n" + "".join(seen))
    return ServedSimulator(process=proc, base_url=f"http://127.0.0.1:{port}/mdm/v2",
                           tokens_dir=tokens_dir)
