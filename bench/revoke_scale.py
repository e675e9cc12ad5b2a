"""Time every bulk plan over a 100k-row license ledger (issue 13: target ≤ 1 s each; they
were quadratic: a dry-run revoke by user took 35 s at 13k rows).

Run: .venv/bin/python bench/revoke_scale.py [--rows N] [--group N] [--db sqlite|postgresql|URL]
       [--profile CASE]
Builds the North Campus world of the license tests on a new SQLite file, a throwaway
PostgreSQL server (`--db postgresql`, as the tests start one) or the store at URL; adds N
license rows (4 per member: users and devices, 4:1), 1 % of those users leaving the
directory, and a device group and a user group of `--group` members each. Prints, best of
3, wall and CPU time (this process; PostgreSQL's own CPU is not counted) and the SQL
statements of one run, for: a dry run of `revoke --user`, `--device` and `--item`, the
count of licenses pending reclaim and the departures' reclaim plans (what `directory
import` reclaims), the reconcile reclaim plan of `held_not_intended` (every bulk row), the
targets of a token's revoke-all, and the assignment plan for each group.
`--profile CASE` (case labels separated by ";", e.g. "revoke --user") prints their
cProfile instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: tests/ helpers

from sqlalchemy import event  # noqa: E402

from tests.pgserver import bench_store  # noqa: E402
from tests.services.bulk_ledger import add_group, add_rows, depart  # noqa: E402
from tests.services.conftest import make_world  # noqa: E402
from tests.services.licensing_helpers import NORTH, north  # noqa: E402
from vpp_tui.services import revocation  # noqa: E402
from vpp_tui.services.licensing import departures, plan_assign  # noqa: E402
from vpp_tui.services.licensing.revoke import plan_revoke  # noqa: E402
from vpp_tui.services.reconcile.reclaim import plan_reclaim  # noqa: E402
from vpp_tui.store.engine import open_store  # noqa: E402

TARGET_SECONDS = 1.0
PER_MEMBER = 4


def timed(world, run) -> tuple[float, float, int]:  # noqa: ANN001
    """(best wall seconds of 3, CPU seconds of that run, SQL statements of one run)."""
    statements = []

    def count(*_args: object) -> None:
        statements.append(1)

    best, cpu = float("inf"), 0.0
    for attempt in range(3):
        if attempt == 0:
            event.listen(world.ctx.store.engine, "before_cursor_execute", count)
        began, began_cpu = time.perf_counter(), time.process_time()
        run()
        wall = time.perf_counter() - began
        if wall < best:
            best, cpu = wall, time.process_time() - began_cpu
        if attempt == 0:
            event.remove(world.ctx.store.engine, "before_cursor_execute", count)
    return best, cpu, len(statements)




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--group", type=int, default=100_000)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--profile", default=None, help="case labels, separated by ';'")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vpp-revoke-bench-"))
    url, server = bench_store(args.db, folder / "bench.db")
    try:
        run(args, url, folder)
    finally:
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
        shutil.rmtree(folder, ignore_errors=True)  # the SQLite file and the key


def run(args: argparse.Namespace, url: str, folder: Path) -> None:
    world = make_world(open_store(url), tmp_key=str(folder / "k.key"))
    north(world)
    members = args.rows // PER_MEMBER
    began = time.perf_counter()
    users, devices = add_rows(world, NORTH, users=members * 4 // 5,
                              devices=members - members * 4 // 5, per_member=PER_MEMBER)
    depart(world, users[::100])
    add_group(world, "bench devices", kind="device", size=args.group, prefix="gd")
    add_group(world, "bench users", kind="user", size=args.group, prefix="gu")
    print(f"ledger ({url.split(':')[0]}): {args.rows:,} license rows added in "
          f"{time.perf_counter() - began:.1f} s ({len(users):,} users, "
          f"{len(devices):,} devices; groups of {args.group:,})")
    ctx = world.ctx
    cases = [
        ("revoke --user", lambda: plan_revoke(ctx, user=users[len(users) // 2 + 1])),
        ("revoke --device", lambda: plan_revoke(ctx, device=devices[-1])),
        ("revoke --item", lambda: plan_revoke(ctx, item="Math Sprint", token=NORTH)),
        ("pending reclaim count", lambda: departures.pending_count(ctx)),
        ("departures plans", lambda: departures.plan_departures(ctx)),
        ("reconcile reclaim plan", lambda: plan_reclaim(ctx, ["held_not_intended"])),
        ("revoke-all targets", lambda: revocation.revoke_targets(ctx, NORTH)),
        ("assign plan, device group", lambda: plan_assign(
            ctx, "Math Sprint", "bench devices", "required", "device", token=NORTH)),
        ("assign plan, user group", lambda: plan_assign(
            ctx, "Math Sprint", "bench users", "required", "user", token=NORTH)),
    ]
    for label, case in cases:
        if args.profile is not None:
            if label in args.profile.split(";"):
                profile = cProfile.Profile()
                profile.runcall(case)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            continue
        seconds, cpu, statements = timed(world, case)
        verdict = "ok" if seconds <= TARGET_SECONDS else "SLOW"
        print(f"{label}: {seconds:.3f} s ({cpu:.3f} s CPU), {statements} SQL statements "
              f"[{verdict}]", flush=True)
    ctx.store.close()


if __name__ == "__main__":
    main()
