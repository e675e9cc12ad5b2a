"""Compare a store's ledger with what the served simulator (Apple) holds.

Usage: ledger_check.py STORE_URL APPLE_URL TOKENS_DIR
For every token in the store whose token file is in TOKENS_DIR (by location id), reads
Apple's assignments and assets (the bearer from the file) and compares them with the
store's `licenses` rows (status licensed/pending) and `assets.assigned`. Prints
differences; exit 1 when any.
"""
import json
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from vpp_tui.apple.client import AppleClient


def main() -> int:
    url, apple, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    manifest = json.loads((folder / "manifest.json").read_text())
    by_loc = {t["location_id"]: (folder / t["file"]).read_text().strip()
              for t in manifest["tokens"]}
    eng = create_engine(url)
    bad = 0
    with eng.connect() as c:
        toks = c.execute(text("select id, name, location_id from tokens")).all()
        for tid, name, loc in toks:
            if loc not in by_loc:
                continue
            bearer = by_loc[loc]
            with AppleClient(bearer, base_url=apple) as cl:
                asg = cl.assignments().items
                assets = cl.assets().items
            apple_set = {(a.adamId, a.pricingParam or "STDQ", "device" if a.serialNumber
                          else "user", a.serialNumber or a.clientUserId) for a in asg}
            rows = c.execute(text(
                "select a.adam_id, a.pricing_param, l.kind, coalesce(l.serial, "
                "l.client_user_id), l.status from licenses l join assets a on a.id=l.asset_id"
                " where a.token_id=:t and l.status in ('licensed','pending')"),
                {"t": tid}).all()
            store_set = {(r[0], r[1], r[2], r[3]) for r in rows}
            only_apple = apple_set - store_set
            only_store = store_set - apple_set
            counts = {(a.adamId, a.pricingParam or "STDQ"): a.assignedCount for a in assets}
            srows = c.execute(text("select adam_id, pricing_param, assigned from assets "
                                   "where token_id=:t"), {"t": tid}).all()
            count_diff = [(r[0], r[1], r[2], counts.get((r[0], r[1])))
                          for r in srows if counts.get((r[0], r[1])) != r[2]]
            print(f"{name}: apple {len(apple_set)} store {len(store_set)} "
                  f"only_apple {len(only_apple)} only_store {len(only_store)} "
                  f"count_diffs {len(count_diff)}")
            for x in sorted(only_apple)[:5]:
                print("   only apple", x)
            for x in sorted(only_store)[:5]:
                print("   only store", x)
            for x in count_diff[:5]:
                print("   count (adam, pp, store, apple)", x)
            bad += len(only_apple) + len(only_store) + len(count_diff)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
