"""`vpp-tui simulator`: serve a world over HTTP and write its token files.

Cheap to import (the CLI parser imports it at start-up): uvicorn, Starlette and the world
builders load only when the server runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from vpp_tui.i18n import _


def write_tokens(sim, tokens_dir: str | Path, base_url: str | None = None) -> Path:  # noqa: ANN001
    """One file per token plus manifest.json: what each file should look like in the console."""
    target = Path(tokens_dir)
    target.mkdir(parents=True, exist_ok=True)
    entries = []
    for f in sim.token_files():
        # No trailing newline: Apple's downloaded .vpptoken files end with the token itself,
        # and outside clients that read the file whole send a newline as part of the bearer.
        (target / f.filename).write_text(f.content, encoding="ascii")
        entries.append({"file": f.filename, "location_name": f.location_name,
                        "location_id": f.location_id, "state": f.state,
                        "expected_state": f.state, "reason": f.reason})
    manifest = {"base_url": base_url, "tokens": entries}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                          encoding="utf-8")
    return target / "manifest.json"


def run(host: str = "127.0.0.1", port: int = 8787, world: str = "demo", size: int = 1000,
        tokens_dir: str | Path = ".", faults: list[str] | tuple[str, ...] = (),
        event_delay: float = 2.0, control: bool = False) -> int:
    import uvicorn

    from vpp_tui.apple.clock import SystemClock
    from vpp_tui.simulator.app import create_app
    from vpp_tui.simulator.faults import parse_fault
    from vpp_tui.simulator.worlds import build_world

    parsed = []
    for spec in faults:
        try:
            parsed.append(parse_fault(spec))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    sim = build_world(world, clock=SystemClock(), event_delay=event_delay, size=size)
    for fault in parsed:
        sim.add_fault(fault)
    sim.control = control
    base = f"http://{host}:{port}/mdm/v2"
    manifest = write_tokens(sim, tokens_dir, base)
    print(_("Simulator world {world}: {n} token files and {m} in {d}").format(
        world=world, n=len(sim.token_files()), m=manifest.name, d=manifest.parent), flush=True)
    print(_("Apple base URL: {url}").format(url=base), flush=True)
    pump = start_pump(sim)
    try:
        uvicorn.run(create_app(sim), host=host, port=port, log_level="info")
    finally:
        pump.set()
        sim.notifier.close()
    return 0


def start_pump(sim, every: float = 0.5) -> threading.Event:  # noqa: ANN001
    """Finish due events every `every` seconds, as Apple does without being polled, so their
    notifications go out (simulator.notify); set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            sim.tick_all()

    threading.Thread(target=loop, name="sim-event-pump", daemon=True).start()
    return stop


def run_from_args(args: argparse.Namespace) -> int:
    return run(host=args.host, port=args.port, world=args.world, size=args.size,
               tokens_dir=args.tokens_dir, faults=args.fault, event_delay=args.event_delay,
               control=args.control)
