"""Time a full and a delta sync of one token on the simulator's scale world.

Run: .venv/bin/python bench/sync_scale.py [--size N]
The scale world holds N assets and about 300 assignments per asset on one location. The
simulator runs in-process (no sockets) on a FakeClock, so the figures are the client's paging,
the sync's apply into a real SQLite store, and the simulator's own work; Apple's latency and
rate limit are not in them. Prints seconds, rows per second, requests, and the delta/full ratio.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from vpp_tui.apple.client import AppleClient
from vpp_tui.apple.clock import FakeClock
from vpp_tui.services import sync, tokens
from vpp_tui.services.context import ServiceContext
from vpp_tui.simulator.transport import SimulatorTransport
from vpp_tui.simulator.worlds import build_world
from vpp_tui.store.engine import open_store

BASE = "http://vpp-sim.invalid/mdm/v2"


def _rss() -> int:
    """This process's resident set now, in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    clock = FakeClock()
    started = time.perf_counter()
    sim = build_world("scale", clock=clock, size=args.size, rate_limit=False)
    print(f"world: {args.size} assets built in {time.perf_counter() - started:.2f} s")
    transport = SimulatorTransport(sim)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        ctx = ServiceContext(store=store, actor="bench", clock=clock,
                             key_file=str(Path(tmp) / "k.key"))
        ctx.apple = lambda bearer, **kw: AppleClient(
            bearer, base_url=BASE, transport=transport, clock=clock, poll_interval=1.0,
            **{k: v for k, v in kw.items() if k != "clock"})
        token_file = sim.token_files()[0]
        tokens.add_token(ctx, tokens.NewToken(name="Scale", apple_id="bench@appleid.example.edu",
                                              content=token_file.content, consent=True))
        before = _rss()  # the simulator's world is built: what the sync adds comes on top
        t0 = time.perf_counter()
        full = sync.sync_token(ctx, "Scale", full=True)
        full_s = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        clock.advance(60)
        t0 = time.perf_counter()
        delta = sync.sync_token(ctx, "Scale")
        delta_s = time.perf_counter() - t0
        store.close()
    print(f"full sync: {full.status}, {full.assets} assets, {full.assignments} assignments, "
          f"{full.users} users, {full.requests} requests in {full_s:.2f} s "
          f"({full.assignments / full_s:,.0f} assignments/s), peak RSS (simulator included) "
          f"{peak / 2**20:.0f} MiB, {(peak - before) / 2**20:.0f} MiB above the RSS before "
          f"the sync ({before / 2**20:.0f} MiB: the simulator's world and the libraries)")
    print(f"delta sync: {delta.status}, {delta.assignments} assignments, {delta.requests} "
          f"requests in {delta_s:.2f} s; delta/full time ratio {delta_s / full_s:.3f}")


if __name__ == "__main__":
    main()
