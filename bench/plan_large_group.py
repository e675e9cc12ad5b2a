"""Time the license plan for a 100k-member group (target: under a second).

Run: .venv/bin/python bench/plan_large_group.py [--size N] [--repeat R]
Prints the best of R runs and members/second for a device group (device licensing) and a
user group (user licensing), each over-subscribed so both branches of the ledger run.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta

from vpp_tui.domain.licensing import (
    Device,
    Group,
    GroupKind,
    Holdings,
    Intent,
    Item,
    LicenseType,
    Platform,
    Pool,
    User,
    plan_assignment,
)

TARGET_SECONDS = 1.0


def device_group(size: int, rng: random.Random) -> Group:
    start = datetime(2020, 1, 1)
    platforms = (Platform.IOS, Platform.IPADOS, Platform.MACOS)
    devices = tuple(
        Device(f"SN{i:08d}", platform=platforms[i % 3],
               enrolled_at=start + timedelta(minutes=rng.randrange(500_000)),
               primary_user=f"user{i}@contoso.com")
        for i in range(size))
    return Group("bench devices", GroupKind.DEVICE, devices=devices)


def user_group(size: int) -> Group:
    users = tuple(
        User(f"user{i:06d}@contoso.com", managed_apple_id=f"u{i}@appleid.contoso.com",
             personal_apple_id=i % 10 == 0,
             devices=(Device(f"US{i:08d}"),))
        for i in range(size))
    return Group("bench users", GroupKind.USER, users=users)


def best_of(repeat: int, run) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(0)
    item = Item("361309726", name="Pages")
    # A few already hold a license so the "already licensed" branch is exercised too.
    held = Holdings(devices=frozenset(f"SN{i:08d}" for i in range(0, args.size, 97)))
    cases = [
        ("device group, device licensing", device_group(args.size, rng), LicenseType.DEVICE),
        ("user group, user licensing", user_group(args.size), LicenseType.USER),
    ]
    pool = Pool(total=args.size * 3 // 5)
    for label, group, license_type in cases:
        seconds = best_of(args.repeat, lambda g=group, lt=license_type: plan_assignment(
            item, g, Intent.REQUIRED, lt, pool=pool, holdings=held))
        rate = args.size / seconds
        verdict = "ok" if seconds < TARGET_SECONDS else "SLOW"
        print(f"{label}: {args.size:,} members in {seconds:.3f} s (best of {args.repeat}), "
              f"{rate:,.0f} members/s, {seconds / TARGET_SECONDS:.2f}x of the 1 s target "
              f"[{verdict}]")


if __name__ == "__main__":
    main()
