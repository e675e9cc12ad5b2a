"""`sync --all` over thousands of tokens (issue 13): nothing due, and every token a delta.

Run: .venv/bin/python bench/sync_all.py [--tokens N] [--delta K] [--workers W]
An in-process simulator (no sockets, FakeClock: Apple's pacing costs no wall time, so the
figures are this process's own cost) holds N locations with one app each; a tenth of the
token files have expired. Setup (not timed): every token is added as an admin adds one;
K of them get a first full sync; then every token is marked synced just now (one UPDATE).

1. `sync_all(due_only=True)` with nothing due and the expired tokens among them, as the
   scheduler runs it: target ≤ 10 s at 3,000 tokens (61 s before issue 13).
2. (`--everyone`) `sync_all()` over every token.
3. `sync_all(names=the K)` with every one needing a delta that finds no change: the
   process's time against what Apple's limits alone impose on the pool
   (ceil(K / W) tokens in a row × 4 gaps ÷ maxRequestPerSecond); below 1 means Apple,
   not the process, bounds it.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vpp_tui.apple.client import AppleClient  # noqa: E402
from vpp_tui.apple.clock import FakeClock  # noqa: E402
from vpp_tui.services import sync, tokens  # noqa: E402
from vpp_tui.services.context import ServiceContext  # noqa: E402
from vpp_tui.simulator import catalog  # noqa: E402
from vpp_tui.simulator.core import Simulator  # noqa: E402
from vpp_tui.simulator.state import AssetRecord, Location  # noqa: E402
from vpp_tui.simulator.transport import SimulatorTransport  # noqa: E402
from vpp_tui.simulator.worlds import _add_metadata  # noqa: E402
from vpp_tui.store import models as m  # noqa: E402
from vpp_tui.store.engine import open_store  # noqa: E402

BASE = "http://vpp-sim.invalid/mdm/v2"
RATE = 15


def world(clock: FakeClock, n: int) -> Simulator:
    sim = Simulator(clock, rate_limit=False)
    for i in range(n):
        loc = sim.add_location(Location(uid=f"2049{i:014d}", name=f"Site {i:04d}",
                                        org_name=f"District {i:04d}"))
        loc.assets[("1700000000", "STDQ")] = AssetRecord(
            adam_id="1700000000", pricing_param="STDQ", product_type="App", total=10,
            platforms=["iOS"], device_assignable=True, revocable=True)
        sim.issue_token(loc.name, expires_in_days=-1 if i % 10 == 9 else 300)
    _add_metadata(sim, [catalog.Item("1700000000", "Bench App", "Vendor")])
    return sim


def _clone_tokens(store, total: int, clock: FakeClock) -> None:  # noqa: ANN001
    """Fill the store up to `total` tokens with copies of the first token's row (new name,
    location and fingerprint; every tenth expired), all marked synced just now: adding
    thousands through Apple's admission is the setup, not what is measured."""
    table = m.Token.__table__
    with store.session() as session:
        count = len(session.exec(select(m.Token.id)).all())
        template = dict(session.execute(select(table)).mappings().first())
        template.pop("id")
        rows = []
        for i in range(count, total):
            row = dict(template, name=f"Copy {i:05d}", location_id=f"2050{i:014d}",
                       location_name=f"Copy {i:05d}", secret_sha256=f"copy-{i:08d}")
            if i % 10 == 9:
                row["expires_at"] = clock.now() - timedelta(days=1)
            rows.append(row)
        if rows:
            session.execute(table.insert(), rows)
        session.exec(update(m.Token).values(last_sync_at=clock.now()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=3000)
    parser.add_argument("--delta", type=int, default=300, help="tokens synced by delta")
    parser.add_argument("--workers", type=int, default=8,
                        help="tokens at once (the store here is SQLite, whose default is 1)")
    parser.add_argument("--everyone", action="store_true",
                        help="also time `sync --all` over every token (never synced: slow)")
    args = parser.parse_args()
    clock = FakeClock()
    sim = world(clock, args.tokens)
    transport = SimulatorTransport(sim)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        ctx = ServiceContext(store=store, actor="bench", clock=clock,
                             key_file=str(Path(tmp) / "k.key"))
        ctx.apple = lambda bearer, **kw: AppleClient(
            bearer, base_url=BASE, transport=transport, clock=clock, poll_interval=1.0,
            **{k: v for k, v in kw.items() if k != "clock"})
        t0 = time.perf_counter()
        names = []
        for f in sim.token_files()[:max(args.delta, 10)]:
            try:
                tokens.add_token(ctx, tokens.NewToken(
                    name=f.location_name, apple_id="b@appleid.example.edu",
                    content=f.content, consent=True))
                names.append(f.location_name)
            except Exception:  # noqa: BLE001 - an expired file: stored as the demo stores it
                tokens.seed_demo_token(ctx, tokens.NewToken(
                    name=f.location_name, apple_id="b@appleid.example.edu",
                    content=f.content, consent=True))
        chosen = names[:args.delta]
        first = sync.sync_all(ctx, names=chosen, workers=args.workers)
        assert all(r.status == "completed" for r in first), first[:3]
        _clone_tokens(store, args.tokens, clock)
        print(f"setup: {args.tokens} tokens (a tenth expired; {len(chosen)} added through "
              f"Apple and synced, the rest copies of their rows), "
              f"in {time.perf_counter() - t0:.1f} s")
        clock.advance(60)
        t0 = time.perf_counter()
        due = sync.sync_all(ctx, due_only=True, workers=args.workers)
        idle_s = time.perf_counter() - t0
        print(f"sync --all --due, nothing due: {len(due)} results in {idle_s:.2f} s "
              f"(target <= 10 s: {idle_s / 10:.2f} of it; 61 s before)")
        if args.everyone:
            t0 = time.perf_counter()
            everyone = sync.sync_all(ctx, workers=args.workers)
            all_s = time.perf_counter() - t0
            skipped = sum(r.status == "skipped" for r in everyone)
            print(f"sync --all: {len(everyone)} tokens ({skipped} skipped) in {all_s:.2f} s")
        workers = args.workers
        t0 = time.perf_counter()
        deltas = sync.sync_all(ctx, names=chosen, workers=args.workers)
        delta_s = time.perf_counter() - t0
        requests = sum(r.requests for r in deltas)
        bound = math.ceil(len(chosen) / workers) * 4 / RATE
        print(f"{len(chosen)} no-change deltas: {requests} requests in {delta_s:.2f} s; "
              f"Apple's limits alone: {bound:.1f} s with {workers} at once; "
              f"process/Apple ratio {delta_s / bound:.2f} (below 1: Apple bounds it)")
        store.close()


if __name__ == "__main__":
    main()
