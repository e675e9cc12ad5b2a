"""The usage history (`services.usage`): each completed sync records every item's counts in
its write transaction; the history is thinned by `domain.usage` and read back per item."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from tests.services.test_tokens import add
from vpp_tui.services import catalog, sync
from vpp_tui.services.usage import prune_usage, usage_history
from vpp_tui.store import models as m


def _count(ctx) -> int:  # noqa: ANN001
    with ctx.store.session() as session:
        return session.exec(select(func.count()).select_from(m.UsageSample)).one()


def test_each_sync_records_one_usage_sample_per_item(world) -> None:  # noqa: ANN001
    add(world, "North Campus")
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    items = catalog.list_assets(world.ctx, books=None, limit=None).rows
    assert _count(world.ctx) == len(items)
    world.clock.sleep(3600)
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    assert _count(world.ctx) == 2 * len(items)
    graphing = next(v for v in items if v.name == "Graphing Pro")
    points = usage_history(world.ctx, graphing.id)
    assert [(p.assigned, p.total) for p in points] == [(96, 100), (96, 100)]
    assert points[1].recorded_at - points[0].recorded_at >= timedelta(hours=1)


def test_a_failed_sync_records_no_usage(sqlite_world) -> None:  # noqa: ANN001
    add(sqlite_world, "North Campus")
    sqlite_world.transport.fail_after = 0
    assert sync.sync_token(sqlite_world.ctx, "North Campus").status == "failed"
    assert _count(sqlite_world.ctx) == 0


def test_usage_history_is_thinned_after_30_days_and_dropped_after_400(sqlite_world) -> None:  # noqa: ANN001
    add(sqlite_world, "North Campus")
    ctx, now = sqlite_world.ctx, sqlite_world.clock.now()
    with ctx.store.session() as session:
        token_id = session.exec(select(m.Token.id)).one()
        for days, hour in ((35, 1), (35, 13), (34, 2), (10, 1), (10, 13), (401, 0)):
            at = (now - timedelta(days=days)).replace(hour=hour)
            session.add(m.UsageSample(token_id=token_id, adam_id="1", assigned=days,
                                      total=100, available=100 - days, recorded_at=at))
        session.flush()
        assert prune_usage(session, token_id, now) == 2  # day 35's first, and day 401
        left = session.exec(select(m.UsageSample.assigned, m.UsageSample.recorded_at)
                            .order_by(m.UsageSample.recorded_at)).all()
    assert [(a, at.hour) for a, at in left] == [(35, 13), (34, 2), (10, 1), (10, 13)]
