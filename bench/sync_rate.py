"""Full sync of one location against the served simulator vs a bare httpx loop (issue 13).

Run: .venv/bin/python bench/sync_rate.py [--size N] [--db sqlite|postgresql|URL]
Starts `vpp-tui simulator --world scale --size N` on loopback (it enforces Apple's
`maxRequestPerSecond`, 15), then
1. a full sync of the location with vpp-tui into a new store (real clock): a SQLite file,
   a throwaway PostgreSQL server (`--db postgresql`, as the tests start one) or a URL;
2. a bare httpx loop fetching and JSON-parsing the same pages (service and client config,
   every assets, assignments and users page, the same metadata lookups), five requests in
   flight, paced exactly as the client paces (its own `apple.limiter.RateLimiter` at
   `maxRequestPerSecond * RATE_HEADROOM`), so neither is throttled and both rates print.
Prints both times and their ratio (target ≤ 1.2), the sync's sustained request rate against
`maxRequestPerSecond` (target ≥ 80 %, never above: 429s are counted), the CPU time of the
sync after its last page (load on a shared machine distorts it less than wall time), and
this process's
peak RSS after the sync (the simulator runs in its own process; target ≤ 250 MB at 900k
assignments, `--size 3000`).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.pgserver import bench_store  # noqa: E402
from tests.simserver import start  # noqa: E402
from vpp_tui.apple.client import RATE_HEADROOM, AppleClient  # noqa: E402
from vpp_tui.apple.clock import SystemClock  # noqa: E402
from vpp_tui.apple.limiter import RateLimiter  # noqa: E402
from vpp_tui.services import sync, tokens  # noqa: E402
from vpp_tui.services.context import ServiceContext  # noqa: E402
from vpp_tui.store.engine import open_store  # noqa: E402

RATE = 15  # the simulator's maxRequestPerSecond


def full_sync(base: str, token_text: str, tmp: Path,
              url: str) -> tuple[float, object, float, int, float]:
    """(seconds, SyncResult, seconds to the last page, 429s, CPU seconds after it)."""
    clock = SystemClock()
    store = open_store(url)
    ctx = ServiceContext(store=store, actor="bench", clock=clock, key_file=str(tmp / "k.key"))
    counting = CountingTransport()
    ctx.apple = lambda bearer, **kw: AppleClient(bearer, base_url=base, clock=clock,
                                                 transport=counting, **{
        k: v for k, v in kw.items() if k not in ("clock", "transport")})
    tokens.add_token(ctx, tokens.NewToken(name="Scale", apple_id="bench@appleid.example.edu",
                                          content=token_text, consent=True))
    time.sleep(1.1)  # the admission's requests leave the simulator's one-second window
    fetched_at: list[float] = []

    cpu_at: list[float] = []

    def progress(stage: str, _done: int, _total: int) -> None:
        if stage == "apply" and not fetched_at:
            fetched_at.append(time.perf_counter())
            cpu_at.append(time.process_time())

    t0 = time.perf_counter()
    result = sync.sync_token(ctx, "Scale", full=True, on_progress=progress)
    elapsed = time.perf_counter() - t0
    tail_cpu = time.process_time() - cpu_at[0] if cpu_at else 0.0
    store.close()
    return (elapsed, result, (fetched_at[0] - t0) if fetched_at else elapsed,
            counting.throttled, tail_cpu)


class CountingTransport(httpx.HTTPTransport):
    """Counts the answers the simulator throttled (HTTP 429: more than 15 in a second)."""

    def __init__(self) -> None:
        super().__init__()
        self.throttled = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if response.status_code == 429:
            self.throttled += 1
        return response


def bare_loop(base: str, bearer: str, rate: float) -> tuple[float, int, int]:
    """Pages fetched and parsed with httpx, five in flight, paced by the client's own
    limiter at `rate` (spacing and one-second window: `apple.limiter`)."""
    http = httpx.Client(timeout=120, limits=httpx.Limits(max_connections=5))
    auth = {"Authorization": f"Bearer {bearer}"}
    limiter = RateLimiter(rate, SystemClock())
    throttled = [0]

    def get(url: str, params: dict | None = None, headers: dict | None = None) -> dict:
        while True:
            span = limiter.acquire()
            try:
                body = http.get(url, params=params, headers=headers).json()
            finally:
                limiter.release(span)
            if body.get("errorNumber") == 9646:
                throttled[0] += 1
                continue
            return body

    t0 = time.perf_counter()
    config = get(f"{base}/service/config")
    get(f"{base}/client/config", headers=auth)
    count = 2
    adam_ids: list[str] = []
    with ThreadPoolExecutor(5) as pool:
        for path, key in (("assets", "assets"), ("assignments", "assignments"),
                          ("users", "users")):
            first = get(f"{base}/{path}", {"pageIndex": 0}, auth)
            pages = [first] + list(pool.map(
                lambda i, p=path: get(f"{base}/{p}", {"pageIndex": i}, auth),
                range(1, first.get("totalPages") or 1)))
            count += len(pages)
            if key == "assets":
                adam_ids = [a["adamId"] for p in pages for a in p.get("assets", [])]
        lookup = config["urls"]["contentMetadataLookup"]
        batches = [adam_ids[i:i + 100] for i in range(0, len(adam_ids), 100)]
        list(pool.map(lambda ids: get(lookup, {
            "version": "2", "p": "mdm-lockup", "caller": "MDM", "platform": "enterprisestore",
            "cc": "us", "l": "en", "id": ",".join(ids)}, {"Cookie": f"itvt={bearer}"}),
            batches))
        count += len(batches)
    http.close()
    return time.perf_counter() - t0, count, throttled[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=333, help="assets (~300 assignments each)")
    parser.add_argument("--skip-bare", action="store_true",
                        help="only the sync (RSS and rate at a large size)")
    parser.add_argument("--db", default="sqlite",
                        help="the sync's store: sqlite (default), postgresql or a URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        url, server = bench_store(args.db, tmp / "bench.db")
        served = start(tmp / "tokens", "--world", "scale", "--size", str(args.size))
        try:
            entry = served.manifest["tokens"][0]
            token_text = (tmp / "tokens" / entry["file"]).read_text()
            sync_s, result, fetch_s, sync_throttled, tail_cpu = full_sync(
                served.base_url, token_text, tmp, url)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            requests = result.requests  # type: ignore[attr-defined]
            # The sync's figures first: a bare loop that fails still leaves them printed.
            print(f"full sync: {result.status}, "  # type: ignore[attr-defined]
                  f"{result.assignments:,} assignments, "  # type: ignore[attr-defined]
                  f"{requests} requests in {sync_s:.2f} s (fetching {fetch_s:.2f} s, "
                  f"writing after the last page {sync_s - fetch_s:.2f} s, "
                  f"{tail_cpu:.2f} s CPU; {sync_throttled} throttled; "
                  f"{url.split(':')[0]} store)"
                  + (f"\n  error: {result.error}" if result.error else ""),  # type: ignore
                  flush=True)
            rate = requests / fetch_s
            print(f"sustained rate while fetching: {rate:.1f}/s = {rate / RATE:.0%} of "
                  f"maxRequestPerSecond {RATE} (target >= 80 %, never above)")
            print(f"peak RSS of the syncing process: {peak:.0f} MiB "
                  "(target <= 250 MB at 900k)", flush=True)
            if args.skip_bare:
                return
            time.sleep(1.1)
            bearer = token_text.strip()  # the bearer is the file's Base64 text (§1.2)
            bare_s, bare_requests, throttled = bare_loop(served.base_url, bearer,
                                                         RATE * RATE_HEADROOM)
        finally:
            served.stop()
            if server is not None:
                server.stop()  # type: ignore[attr-defined]
    print(f"bare httpx loop: {bare_requests} requests in {bare_s:.2f} s, paced at "
          f"{RATE * RATE_HEADROOM:.1f}/s: {bare_requests / bare_s:.1f}/s = "
          f"{bare_requests / bare_s / RATE:.0%} of maxRequestPerSecond ({throttled} throttled)")
    print(f"sync / bare time: {sync_s / bare_s:.2f}x (target <= 1.2x); load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
