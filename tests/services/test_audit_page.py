"""One page of the audit log and its count in one read (`audit.page_of_entries`, issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vpp_tui.domain.audit_filter import parse_audit_filter
from vpp_tui.services import audit


def _log(world, n: int) -> None:  # noqa: ANN001
    ctx = world.ctx
    audit.list_entries(ctx)  # the first use claims the store for the acting admin
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with ctx.store.session() as session:
        for i in range(n):
            audit.record(session, ctx, "license.assign" if i % 2 else "token.renew",
                         f"Target {i:02d}", result="failed" if i % 3 == 0 else "ok",
                         at=start + timedelta(minutes=i))


def test_page_of_entries_is_the_page_and_count_of_list_and_count_entries(world) -> None:  # noqa: ANN001
    _log(world, 25)
    ctx = world.ctx
    for typed in ("", "action:assign", "result:failed target:1"):
        where = parse_audit_filter(typed) if typed else None
        total = audit.count_entries(ctx, where=where)
        for offset in (0, 10, 20):
            page = audit.page_of_entries(ctx, offset=offset, limit=10, where=where)
            shown = min(offset, max(0, (total - 1) // 10 * 10))
            assert (page.total, page.offset) == (total, shown)
            assert page.entries == audit.list_entries(ctx, offset=shown, limit=10,
                                                      where=where)


def test_page_of_entries_past_the_end_shows_the_last_page(world) -> None:  # noqa: ANN001
    _log(world, 25)
    total = audit.count_entries(world.ctx)
    page = audit.page_of_entries(world.ctx, offset=500, limit=10)
    assert page.offset == (total - 1) // 10 * 10
    assert len(page.entries) == total - page.offset
    assert page.entries[0].id > page.entries[-1].id  # newest first
