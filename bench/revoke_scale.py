"""Time dry-run revokes and the reclaim count over a 100k-row license ledger (issue 13:
target ≤ 1 s each; they were quadratic: 35 s by user at 13k rows).

Run: .venv/bin/python bench/revoke_scale.py [--rows N] [--db sqlite|URL]
Builds the North Campus world of the license tests on a new SQLite file (or the store at
URL), adds N license rows (4 per member: users and devices, 4:1) and prints, best of 3:
a dry run of `revoke --user`, `revoke --device` and `revoke --item`, and the count of
licenses pending reclaim (what `directory import` reclaims), with the SQL statements each ran.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: tests/ helpers

from sqlalchemy import event  # noqa: E402

from tests.services.bulk_ledger import add_rows  # noqa: E402
from tests.services.conftest import make_world  # noqa: E402
from tests.services.licensing_helpers import NORTH, north  # noqa: E402
from vpp_tui.services.licensing import departures  # noqa: E402
from vpp_tui.services.licensing.revoke import plan_revoke  # noqa: E402
from vpp_tui.store.engine import open_store  # noqa: E402

TARGET_SECONDS = 1.0
PER_MEMBER = 4


def timed(world, run) -> tuple[float, int]:  # noqa: ANN001
    """(best seconds of 3, SQL statements of one run)."""
    statements = []

    def count(*_args: object) -> None:
        statements.append(1)

    best = float("inf")
    for attempt in range(3):
        if attempt == 0:
            event.listen(world.ctx.store.engine, "before_cursor_execute", count)
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
        if attempt == 0:
            event.remove(world.ctx.store.engine, "before_cursor_execute", count)
    return best, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vpp-revoke-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}" if args.db == "sqlite" else args.db
    world = make_world(open_store(url), tmp_key=str(folder / "k.key"))
    north(world)
    members = args.rows // PER_MEMBER
    began = time.perf_counter()
    users, devices = add_rows(world, NORTH, users=members * 4 // 5,
                              devices=members - members * 4 // 5, per_member=PER_MEMBER)
    print(f"ledger: {args.rows:,} license rows added in {time.perf_counter() - began:.1f} s "
          f"({len(users):,} users, {len(devices):,} devices)")
    ctx = world.ctx
    cases = [
        ("revoke --user --dry-run", lambda: plan_revoke(ctx, user=users[len(users) // 2])),
        ("revoke --device --dry-run", lambda: plan_revoke(ctx, device=devices[-1])),
        ("revoke --item --dry-run", lambda: plan_revoke(ctx, item="Math Sprint",
                                                        token=NORTH)),
        ("pending reclaim count", lambda: departures.pending_count(ctx)),
    ]
    for label, run in cases:
        seconds, statements = timed(world, run)
        verdict = "ok" if seconds <= TARGET_SECONDS else "SLOW"
        print(f"{label}: {seconds:.3f} s over {args.rows:,} rows, {statements} SQL "
              f"statements (target ≤ {TARGET_SECONDS:.0f} s: {verdict})")
    ctx.store.close()


if __name__ == "__main__":
    main()
