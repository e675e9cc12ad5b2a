"""Start-up of plain CLI commands on the demo store (issue 13: `vpp-tui token list` ≤ 0.5 s
on an idle machine).

Run: .venv/bin/python bench/cli_start.py [--runs N] [--wrapper]
Seeds a demo store in a temporary data directory once, then starts N fresh processes per
command (`vpp-tui --demo …` through the venv's console script) and prints, per command,
the median wall time and the median CPU time (user + system of the child process), and
their ratio to the floor: a process that only imports SQLAlchemy, httpx and sqlite3 and
runs one query on the same SQLite file. `--wrapper` adds `./run --demo token list` (the
repository's wrapper script in front of the same command).

On a shared, busy machine the wall times grow with the load; compare the CPU column.
Bytecode of the project is compiled first (as `./run` does at install), so no run pays for
compiling sources, even under PYTHONDONTWRITEBYTECODE.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.5
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FLOOR = ("import sqlite3, sys; import sqlalchemy, httpx; "
         "sqlite3.connect(sys.argv[1]).execute('select count(*) from sqlite_master').fetchall()")
COMMANDS = (("token list", ["token", "list"]), ("token list --json", ["token", "list", "--json"]),
            ("status", ["status"]), ("apps list", ["apps", "list"]))


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one fresh process running `command`; it must exit 0, or 1
    (`status` says "needs attention" on the demo), without a traceback."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def medians(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    samples = [timed(command, env) for _ in range(runs)]
    return (statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--wrapper", action="store_true",
                        help="also time ./run --demo token list")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "vpp_tui"), quiet=1)
    data = tempfile.mkdtemp(prefix="vpp-cli-bench-")
    env = {**os.environ, "VPP_DATA_DIR": data}
    for name in ("VPP_DB", "VPP_APPLE_URL", "VPP_KEY_FILE", "VPP_ADMIN"):
        env.pop(name, None)
    vpp = str(BIN / "vpp-tui")
    subprocess.run([vpp, "--demo", "token", "list"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # seeds the demo store
    rows = [("floor: import sqlalchemy+httpx, sqlite query",
             medians([sys.executable, "-c", FLOOR, str(Path(data) / "demo.db")], env,
                      args.runs))]
    for label, argv in COMMANDS:
        rows.append((label, medians([vpp, "--demo", *argv], env, args.runs)))
    if args.wrapper:
        rows.append(("./run --demo token list",
                     medians([str(ROOT / "run"), "--demo", "token", "list"], env, args.runs)))
    floor_wall, floor_cpu = rows[0][1]
    load = os.getloadavg()[0]
    print(f"{args.runs} fresh processes each, median; load average {load:.1f}; "
          f"target token list ≤ {TARGET_SECONDS} s wall on an idle machine")
    print(f"{'command':46} {'wall s':>7} {'cpu s':>7} {'wall/floor':>10} {'cpu/floor':>9}")
    for label, (wall, cpu) in rows:
        print(f"{label:46} {wall:7.3f} {cpu:7.3f} {wall / floor_wall:9.2f}× "
              f"{cpu / floor_cpu:8.2f}×")


if __name__ == "__main__":
    main()
