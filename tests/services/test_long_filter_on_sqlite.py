"""Fault (breaker4): a filter longer than SQLite's LIKE pattern limit (50,000 bytes) was a
traceback.

`store.text_match.contains_text` passed any length to LIKE; SQLite refuses a pattern over
SQLITE_MAX_LIKE_PATTERN_LENGTH (50,000 bytes) with "LIKE or GLOB pattern too complex",
which reached the admin as a 70-line SQLAlchemy traceback, exit 1 (PostgreSQL answered "no
rows"). Now a filter longer than `text_match.FILTER_LIMIT` characters is refused before
any query, the same on both databases (`FilterTooLong`: one `error:` line, exit 2; the CLI
side is tests/cli/test_cli_long_filter.py).
"""

from __future__ import annotations

import json

import pytest

from vpp_tui.domain.audit_filter import AuditFilter
from vpp_tui.services import audit, directory
from vpp_tui.services.catalog.queries import list_users
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store.limits import ValueRefused
from vpp_tui.store.text_match import FILTER_LIMIT, FilterTooLong, contains_text


def test_filter_longer_than_sqlite_like_limit(sqlite_world) -> None:
    directory.import_directory(sqlite_world.ctx, json.dumps(demo_directory()))
    with pytest.raises(FilterTooLong) as refused:
        list_users(sqlite_world.ctx, text="A" * 60_000, limit=50)
    assert isinstance(refused.value, ValueRefused)  # the CLI's one line, exit 2
    assert refused.value.message.startswith(
        f"the filter is 60000 characters long; at most {FILTER_LIMIT}")
    assert "\n" not in refused.value.message


def test_a_long_filter_is_refused_alike_on_both_databases(world) -> None:
    directory.import_directory(world.ctx, json.dumps(demo_directory()))
    with pytest.raises(FilterTooLong):
        list_users(world.ctx, text="é" * (FILTER_LIMIT + 1))
    with pytest.raises(FilterTooLong):
        audit.list_entries(world.ctx, where=AuditFilter(target="A" * 60_000))
    # At the limit (blanks around it do not count) the filter is read: nothing matches.
    assert list_users(world.ctx, text=f"  {'A' * FILTER_LIMIT}  ").total == 0


def test_blank_and_missing_filters_are_no_filter() -> None:
    assert contains_text(None) is None
    assert contains_text(" " * 60_000) is None
