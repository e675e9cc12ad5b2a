"""Soak: N admin processes against the served simulator with faults on, for a fixed time.

Run: .venv/bin/python bench/soak.py [--db sqlite|postgresql|URL] [--processes N]
     [--seconds T] [--event-delay S] [--no-faults] [--seed K]

Starts `vpp-tui simulator --control` on loopback (demo world) and a store (a SQLite file, or
a throwaway PostgreSQL server as the tests use, or the URL given), imports the demo
directory, adds and syncs North. Then N workers each run real `vpp-tui` processes back to
back for T seconds, a random mix of assign, unassign, revoke, sync and directory import
(with members leaving and coming back), while the simulator answers some requests with
429 or 503, delays some by seconds, and events take from 0 to 3 s. At the end: operations
done by kind, errors by kind (`error:` lines grouped, tracebacks counted apart: any
traceback is a bug), whether the store equals Apple before and after a final full sync.
Exit status: 0 when no process crashed and the store equals Apple after the final sync.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: tests/ helpers

from tests.concurrency.agree import read_apple, store_problems  # noqa: E402
from tests.concurrency.crowd import Admin, Finished, error_kind  # noqa: E402
from tests.concurrency.served import ServedSimulator  # noqa: E402
from tests.pgserver import bench_store  # noqa: E402
from vpp_tui.simulator.worlds import demo_directory  # noqa: E402

NORTH_UID = "204902500043143901"
APPLE_ID = "vpp@appleid.contoso.edu"
# (item, group, licensing): North's items over small groups; the last two are short of
# licenses, so their members wait and the waitlist is served as licenses come back.
PAIRS = [
    ("Star Chart", "Loaner iPads", "device"), ("Field Notes", "Loaner iPads", "device"),
    ("Mind Map", "Mac Lab", "device"), ("PDF Markup", "Teacher iPads", "device"),
    ("Atlas of the World", "Staff", "user"), ("Code Garden", "Library Kiosks", "device"),
    ("Chem Lab 3D", "Science Staff", "user"), ("Music Maker Pro", "Music Macs", "device"),
    ("Translate Now", "Teacher iPads", "device"), ("Story Builder", "Music Students", "user"),
]
MIX = {"assign": 35, "unassign": 15, "revoke": 15, "sync": 20, "import": 15}
# Random faults: each hits a matching request with the given chance (simulator.faults).
FAULTS = ["429:count=*:chance=0.04:retry_after=1", "5xx:status=503:count=*:chance=0.03",
          "latency:ms=2000:chance=0.03"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite",
                        help="sqlite (a new file), postgresql (a throwaway server) or a URL")
    parser.add_argument("--processes", type=int, default=4, help="admin processes at once")
    parser.add_argument("--seconds", type=float, default=300, help="how long to run")
    parser.add_argument("--event-delay", type=float, default=1.0,
                        help="event delay at the start (it wanders between 0 and 3 s)")
    parser.add_argument("--no-faults", action="store_true", help="no 429/503/latency faults")
    parser.add_argument("--seed", type=int, default=None, help="seed of the operation mix")
    parser.add_argument("--op-timeout", type=float, default=600,
                        help="seconds after which a process counts as hung and is killed "
                             "(a kill mid-operation can leave the store behind Apple)")
    return parser.parse_args()


class Directory:
    """The demo directory, and variants where a few members of the soak's groups left."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.full = demo_directory()
        self.serial = 0
        self.lock = threading.Lock()

    def write(self, rng: random.Random) -> Path:
        doc = json.loads(json.dumps(self.full))
        if rng.random() < 0.6:
            groups = {g for _i, g, _l in PAIRS}
            for group in doc["groups"]:
                if group["name"] in groups and rng.random() < 0.3 and group["members"]:
                    for _ in range(rng.randint(1, min(3, len(group["members"])))):
                        group["members"].remove(rng.choice(group["members"]))
        with self.lock:
            self.serial += 1
            path = self.folder / f"directory-{self.serial}.json"
        path.write_text(json.dumps(doc))
        return path


def members(directory: dict, group: str) -> list[str]:
    return next(g["members"] for g in directory["groups"] if g["name"] == group)


def pick(rng: random.Random, directory: Directory) -> tuple[str, list[str]]:
    kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    item, group, licensing = rng.choice(PAIRS)
    if kind == "assign":
        return kind, ["assign", item, "--group", group, "--intent", "required",
                      "--license", licensing]
    if kind == "unassign":
        return kind, ["unassign", item, "--group", group]
    if kind == "revoke":
        who = rng.choice(members(directory.full, group))
        return kind, ["revoke", "--device" if licensing == "device" else "--user", who]
    if kind == "sync":
        return kind, ["sync", "--all", *(["--full"] if rng.random() < 0.3 else [])]
    return kind, ["directory", "import", str(directory.write(rng))]


class Tally:
    """Every finished operation, counted by kind, outcome, error line and exception."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ops: Counter[tuple[str, str]] = Counter()
        self.errors: Counter[tuple[str, str]] = Counter()
        self.tracebacks: Counter[tuple[str, str]] = Counter()
        self.crash_text: dict[tuple[str, str], str] = {}  # the first stderr of each kind
        self.hung = 0
        self.seconds: Counter[str] = Counter()

    def add(self, kind: str, end: Finished | None, seconds: float) -> None:
        with self.lock:
            self.seconds[kind] += seconds
            if end is None:
                self.hung += 1
                self.ops[(kind, "hung")] += 1
                return
            outcome = "crash" if end.traceback else (
                "ok" if end.returncode == 0 else f"exit {end.returncode}")
            self.ops[(kind, outcome)] += 1
            if end.traceback:
                key = (kind, end.exception or "(no exception line)")
                self.tracebacks[key] += 1
                self.crash_text.setdefault(key, end.stderr)
            for line in end.stderr.splitlines():
                if line.startswith("error:"):
                    self.errors[(kind, error_kind(line))] += 1


def worker(admin: Admin, deadline: float, rng: random.Random, directory: Directory,
           tally: Tally, op_timeout: float) -> None:
    while time.monotonic() < deadline:
        kind, args = pick(rng, directory)
        began = time.monotonic()
        try:
            end = admin.run(*args, timeout=op_timeout)
        except subprocess.TimeoutExpired:  # the process hung
            end = None
        tally.add(kind, end, time.monotonic() - began)


def wander(sim: ServedSimulator, stop: threading.Event, rng: random.Random) -> None:
    """Events get slower and faster: a new delay (0-3 s) every 10-20 s until `stop`."""
    while not stop.wait(rng.uniform(10, 20)):
        sim.control(event_delay=rng.choice([0, 0.5, 1, 2, 3]))




def compare(sim: ServedSimulator, admin: Admin) -> list[str]:
    return store_problems(admin.db, NORTH_UID,
                          read_apple(sim.base_url, sim.token_file().read_text()))


def report(tally: Tally, before: list[str], after: list[str], final: Finished,
           seconds: float, processes: int, faults: dict) -> None:
    kinds = sorted({k for k, _o in tally.ops})
    total = sum(tally.ops.values())
    print(f"\n{total} operations by {processes} processes in {seconds:.0f} s")
    print(f"{'KIND':10} {'DONE':>5} {'OK':>5} {'EXIT 1':>6} {'EXIT 2':>6} {'CRASH':>5} "
          f"{'HUNG':>4} {'MEAN S':>6}")
    for kind in kinds:
        row = [tally.ops[(kind, o)] for o in ("ok", "exit 1", "exit 2", "crash", "hung")]
        done = sum(n for (k, _o), n in tally.ops.items() if k == kind)
        print(f"{kind:10} {done:5} {row[0]:5} {row[1]:6} {row[2]:6} {row[3]:5} "
              f"{row[4]:4} {tally.seconds[kind] / done:6.1f}")
    print("\nfaults fired: " + ", ".join(
        f"{f['kind']}{':' + f['path'] if f['path'] else ''} {f['fired']}/{f['seen']}"
        for f in faults.get("faults", [])) if faults.get("faults") else "\nfaults: none")
    print("\nerrors by kind (error: lines):")
    for (kind, text), n in tally.errors.most_common():
        print(f"  {n:5}  {kind:9} {text}")
    print(f"\ntracebacks (each one a bug): {sum(tally.tracebacks.values())}")
    for (kind, text), n in tally.tracebacks.most_common():
        print(f"  {n:5}  {kind:9} {text[:200]}")
        for line in tally.crash_text[(kind, text)].strip().splitlines()[-12:]:
            print(f"         | {line[:200]}")
    print(f"\nstore equals Apple before the final sync: {'yes' if not before else 'no'}"
          f" ({len(before)} differences)")
    for line in before[:8]:
        print(f"  {line[:200]}")
    print(f"final sync --all --full: exit {final.returncode}"
          f"{' (traceback)' if final.traceback else ''}")
    print(f"store equals Apple after the final sync: {'yes' if not after else 'no'}"
          f" ({len(after)} differences)")
    for line in after[:8]:
        print(f"  {line[:200]}")


def main() -> int:
    args = parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    with tempfile.TemporaryDirectory(prefix="vpp-soak-") as tmp:
        folder = Path(tmp)
        url, server = bench_store(args.db, folder / "soak.db")
        sim = ServedSimulator(folder / "tokens", "--event-delay", str(args.event_delay))
        try:
            admin = Admin(url, sim.base_url, folder / "soak.key")
            directory = Directory(folder)
            admin.ok("directory", "import", str(_full(directory)))
            admin.ok("token", "add", str(sim.token_file()), "--name", "North", "--apple-id",
                     APPLE_ID, "--consent", "--take-control")
            admin.ok("sync", "North")
            if not args.no_faults:
                sim.control(faults=FAULTS)
            print(f"soak: {args.processes} processes x {args.seconds:.0f} s on {args.db}, "
                  f"seed {seed}, faults {'off' if args.no_faults else 'on'}", flush=True)
            tally = Tally()
            started = time.monotonic()
            deadline = started + args.seconds
            threads = [threading.Thread(target=worker, args=(
                admin, deadline, random.Random(seed + i), directory, tally, args.op_timeout))
                for i in range(args.processes)]
            stop = threading.Event()
            wanderer = threading.Thread(target=wander, args=(sim, stop, random.Random(~seed)))
            for thread in [*threads, wanderer]:
                thread.start()
            for thread in threads:
                thread.join()
            stop.set()
            wanderer.join()
            elapsed = time.monotonic() - started
            faults = sim.control()  # what fired, before they go
            sim.control(clear_faults=True, event_delay=0)
            before = compare(sim, admin)
            final = admin.run("sync", "--all", "--full")
            after = compare(sim, admin)
            report(tally, before, after, final, elapsed, args.processes, faults)
            return 0 if not tally.tracebacks and not after and not tally.hung else 1
        finally:
            sim.stop()
            if server is not None:
                server.stop()  # type: ignore[attr-defined]


def _full(directory: Directory) -> Path:
    path = directory.folder / "directory-full.json"
    path.write_text(json.dumps(directory.full))
    return path


if __name__ == "__main__":
    sys.exit(main())
