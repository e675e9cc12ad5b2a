"""Breaker4: a filter longer than SQLite's LIKE pattern limit (50,000 bytes) is a traceback.

`store.text_match.contains_text` passes any length to LIKE; SQLite refuses a pattern over
SQLITE_MAX_LIKE_PATTERN_LENGTH (50,000 bytes) with "LIKE or GLOB pattern too complex",
which reaches the admin as a 70-line SQLAlchemy traceback, exit 1 (PostgreSQL answers "no
rows"). Repro on a SQLite store:
    vpp-tui directory users --filter "$(python3 -c 'print("A"*60000)')"
    vpp-tui audit --filter "$(python3 -c 'print("A"*60000)')"     (also --target, --admin)
The console's `/` box takes the same text (a paste). Expected: no rows (nothing can
contain it), or one `error:` line saying the filter is too long, exit 2.
"""

from __future__ import annotations

import json

import pytest

from vpp_tui.services import directory
from vpp_tui.services.catalog.queries import list_users
from vpp_tui.simulator.worlds import demo_directory


@pytest.mark.xfail(strict=True, reason="breaker4: SQLite refuses a LIKE pattern over "
                   "50,000 bytes; a long filter is a traceback")
def test_filter_longer_than_sqlite_like_limit(sqlite_world) -> None:
    directory.import_directory(sqlite_world.ctx, json.dumps(demo_directory()))
    page = list_users(sqlite_world.ctx, text="A" * 60_000, limit=50)
    assert page.total == 0
