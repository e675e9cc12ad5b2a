"""The simulator over real loopback HTTP, and the `vpp-tui simulator` glue."""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading

import httpx
import uvicorn

from vpp_tui.cli.arguments.simulator import add_arguments
from vpp_tui.simulator import serve
from vpp_tui.simulator.app import create_app
from vpp_tui.simulator.worlds import build_world


def test_create_app_serves_service_config_over_loopback(clock) -> None:
    sim = build_world("demo", clock=clock)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)  # connections queue until uvicorn accepts: no start-up wait needed
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(sim), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}/mdm/v2"
        r = httpx.get(f"{base}/service/config", timeout=10)
        assert r.status_code == 200
        assert r.json()["urls"]["getAssets"] == f"{base}/assets"
        north = next(f for f in sim.token_files() if f.location_name == "North Campus")
        r = httpx.post(f"{base}/client/config", timeout=10,
                       headers={"Authorization": f"Bearer {north.content}"},
                       json={"mdmInfo": {"id": "i", "name": "n", "metadata": "m"}})
        assert r.status_code == 200 and r.json()["mdmInfo"]["id"] == "i"
        r = httpx.put(f"{base}/assets", timeout=10)
        assert (r.status_code, r.json()["errorNumber"]) == (405, 9726)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_write_tokens_writes_one_file_per_token_and_a_manifest(clock, tmp_path) -> None:
    sim = build_world("demo", clock=clock)
    serve.write_tokens(sim, tmp_path, "http://127.0.0.1:8787/mdm/v2")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert len(manifest["tokens"]) == len(sim.token_files()) == 7
    for entry in manifest["tokens"]:
        assert set(entry) >= {"file", "location_name", "location_id", "state", "reason"}
        content = (tmp_path / entry["file"]).read_text().strip()
        assert content in {f.content for f in sim.token_files()}


def test_cli_options_and_defaults() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([])
    assert (args.host, args.port, args.world, args.fault) == ("127.0.0.1", 8787, "demo", [])
    args = parser.parse_args(["--world", "scale", "--size", "50", "--fault", "429:count=2",
                              "--fault", "latency:ms=5", "--event-delay", "0.5"])
    assert args.fault == ["429:count=2", "latency:ms=5"] and args.event_delay == 0.5


def test_a_bad_fault_is_exit_2_before_serving(tmp_path, capsys) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--tokens-dir", str(tmp_path), "--fault", "teapot"])
    assert serve.run_from_args(args) == 2
    assert capsys.readouterr().err.startswith("error:")
    assert not (tmp_path / "manifest.json").exists()


def test_serve_module_imports_cheaply() -> None:
    code = ("import sys, vpp_tui.simulator.serve; "
            "print(sorted(m for m in ('uvicorn', 'starlette', 'vpp_tui.simulator.worlds') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_token_files_written_by_the_simulator_end_without_a_newline(clock, tmp_path) -> None:
    sim = build_world("demo", clock=clock)
    serve.write_tokens(sim, tmp_path, "http://127.0.0.1:8787/mdm/v2")
    for f in sim.token_files():
        raw = (tmp_path / f.filename).read_bytes()
        assert raw == f.content.encode("ascii") and not raw.endswith(b"\n")
