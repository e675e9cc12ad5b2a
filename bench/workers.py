"""How sync work scales over 1, 2 and 4 `vpp-tui worker` processes sharing one PostgreSQL
store (issue 13, "Several hosts, one PostgreSQL").

Run: .venv/bin/python bench/workers.py [--tokens 300] [--workers 1,2,4] [--concurrency 2]
     [--db URL]

It serves a simulator world of N small locations over loopback (its own process: each
location has a few apps, users and assignments, and Apple's 15 requests/s per location),
starts a throwaway PostgreSQL server as the tests do (or uses --db), adds the N tokens, then
for each worker count W: queues one full sync per token (`sync --all --queue --full`),
starts W workers with `worker --once --no-due --concurrency C` at the same moment and times
until the last one exits (every job done). Prints each run's wall time, syncs per second,
and the scaling ratio (throughput of W workers / throughput of 1). All processes share this
machine's cores, so the ratio shows how the queue shares work, bounded by the CPU here; on
separate hosts each worker brings its own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_world(n: int):  # noqa: ANN201
    """N locations of 4 apps, 12 users and 20 assignments each, one token file each."""
    from datetime import timedelta

    from vpp_tui.apple.clock import SystemClock
    from vpp_tui.apple.stoken import encode_token
    from vpp_tui.simulator.core import Simulator
    from vpp_tui.simulator.lookup import make_result
    from vpp_tui.simulator.state import AssetRecord, Location, TokenRecord, UserRecord, id_hash

    sim = Simulator(SystemClock(), page_size=500, event_delay=0.0)
    store = sim.metadata.setdefault("us", {})
    for a in range(4):
        adam = str(1700000000 + a)
        store[adam] = make_result(adam_id=adam, name=f"Bench App {a}", cc="us", kind="software",
                                  platforms=["iOS"], artist="Bench", version="1.0",
                                  device_assignable=True, genre="Education", custom=False)
    for i in range(n):
        uid = f"2049025001{i:08d}"
        loc = sim.add_location(Location(uid=uid, name=f"Site {i:04d}",
                                        org_name="Bench District"))
        cids = [f"site{i}-user-{u}" for u in range(12)]
        for cid in cids:
            loc.add_user(UserRecord(client_user_id=cid, status="Associated",
                                    email=f"{cid}@bench.example.edu", id_hash=id_hash(cid)))
        for a in range(4):
            adam = str(1700000000 + a)
            loc.assets[(adam, "STDQ")] = AssetRecord(
                adam_id=adam, pricing_param="STDQ", product_type="App", total=50,
                platforms=["iOS"], device_assignable=True, revocable=True, unlimited=False)
            for cid in cids[:5]:
                loc.assignments[(adam, "STDQ", "user", cid)] = 0
        loc.reindex_assignments()
        secret = f"bench-secret-{i:06d}-" + "x" * 40
        expires = (sim.clock.now() + timedelta(days=300)).replace(microsecond=0)
        sim.add_token(TokenRecord(secret=secret, location_uid=uid, expires_at=expires,
                                  content=encode_token(secret, expires, "Bench District"),
                                  state="valid", reason="valid",
                                  filename=f"sToken_site_{i:04d}.vpptoken"))
    return sim


def serve_simulator(n: int, port: int, tokens_dir: str) -> None:
    """The child process: build the world, write the token files, serve it."""
    import uvicorn

    from vpp_tui.simulator.app import create_app
    from vpp_tui.simulator.serve import write_tokens

    sim = build_world(n)
    write_tokens(sim, tokens_dir, f"http://127.0.0.1:{port}/mdm/v2")
    print("serving", flush=True)
    uvicorn.run(create_app(sim), host="127.0.0.1", port=port, log_level="warning")


def vpp(db: str, apple: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vpp_tui.cli", "--db", db, "--apple", apple,
                           *args], capture_output=True, text=True, env=env, check=False)


def add_tokens(db: str, apple: str, key: str, tokens_dir: Path) -> int:
    """Add every token in-process (300 CLI processes would take minutes to start)."""
    from vpp_tui.cli.runtime import build_runtime
    from vpp_tui.services import tokens

    args = argparse.Namespace(apple=apple, actor=None, key_file=key, db=db)
    runtime = build_runtime(args)
    manifest = json.loads((tokens_dir / "manifest.json").read_text())
    try:
        for entry in manifest["tokens"]:
            content = (tokens_dir / entry["file"]).read_text().strip()
            tokens.add_token(runtime.ctx, tokens.NewToken(
                name=entry["location_name"], apple_id="bench@appleid.example.edu",
                content=content, consent=True, take_control=True))
    finally:
        runtime.close()
    return len(manifest["tokens"])


def run_workers(db: str, apple: str, env: dict, workers: int, concurrency: int) -> float:
    done = vpp(db, apple, env, "sync", "--all", "--full", "--queue", "--json")
    assert done.returncode == 0, done.stderr
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "vpp_tui.cli", "--db", db, "--apple",
                               apple, "worker", "--once", "--no-due", "--json",
                               "--concurrency", str(concurrency)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(workers)]
    reports = []
    for proc in procs:
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        reports.append(json.loads(out[out.index("{"):]))
    elapsed = time.perf_counter() - started
    print(f"  {workers} worker(s): jobs done per worker {[r['done'] for r in reports]}, "
          f"failed {sum(r['failed'] for r in reports)}", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--db", help="a PostgreSQL URL (default: a throwaway server)")
    parser.add_argument("--serve-sim", nargs=2, metavar=("PORT", "DIR"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_sim:
        serve_simulator(args.tokens, int(args.serve_sim[0]), args.serve_sim[1])
        return
    from tests.pgserver import start_server
    from tests.simserver import free_port

    server = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.db:
            db = args.db
        else:
            server = start_server()
            if server is None:
                sys.exit("error: no PostgreSQL binaries found; pass --db URL")
            db = server.create_database()
        port = free_port()
        sim = subprocess.Popen([sys.executable, __file__, "--tokens", str(args.tokens),
                                "--serve-sim", str(port), str(folder / "tokens")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert sim.stdout is not None
            for line in sim.stdout:
                if "serving" in line:
                    break
            time.sleep(1.0)  # a bench, not a test: let uvicorn bind
            apple = f"http://127.0.0.1:{port}/mdm/v2"
            key = str(folder / "store.key")
            env = dict(os.environ, VPP_KEY_FILE=key)
            t0 = time.perf_counter()
            n = add_tokens(db, apple, key, folder / "tokens")
            print(f"{n} tokens added in {time.perf_counter() - t0:.1f} s; "
                  f"{args.concurrency} job slots per worker; cores here: {os.cpu_count()}")
            base = None
            for workers in [int(w) for w in args.workers.split(",")]:
                elapsed = run_workers(db, apple, env, workers, args.concurrency)
                rate = n / elapsed
                base = base or rate
                print(f"{workers} worker(s): {n} full syncs in {elapsed:.1f} s = "
                      f"{rate:.1f} syncs/s; scaling ratio vs 1 worker {rate / base:.2f}x "
                      f"(ideal {workers}x)", flush=True)
        finally:
            sim.terminate()
            sim.wait(10)
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
