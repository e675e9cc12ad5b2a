"""Activity filtered by admin, action, target, result and date, in SQL (issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime

from vpp_tui.domain.audit_filter import audit_filter, parse_audit_filter
from vpp_tui.services import audit


def _log(world) -> None:  # noqa: ANN001
    ctx = world.ctx
    audit.list_entries(ctx)  # the first use claims the store for the acting admin
    with ctx.store.session() as session:
        for at, actor, action, target, result in [
                (datetime(2026, 10, 31, 23, 0, tzinfo=UTC), "nina", "license.assign",
                 "Maps → Staff", "ok"),
                (datetime(2026, 11, 1, 9, 0, tzinfo=UTC), "nina", "license.assign",
                 "Maps → Teachers", "failed"),
                (datetime(2026, 11, 2, 9, 0, tzinfo=UTC), "omar", "license.revoke",
                 "Maps", "failed"),
                (datetime(2026, 11, 30, 23, 59, tzinfo=UTC), "nina_b", "token.renew",
                 "North 50%", "ok")]:
            saved, ctx.actor = ctx.actor, actor
            audit.record(session, ctx, action, target, result=result, at=at)
            ctx.actor = saved


def _targets(world, typed: str) -> list[str]:  # noqa: ANN001
    where = parse_audit_filter(typed)
    found = [e.target for e in audit.list_entries(world.ctx, where=where)
             if e.actor != world.ctx.actor]
    assert audit.count_entries(world.ctx, where=where) >= len(found)
    return found


def test_activity_filter_by_admin_action_result_and_dates(world) -> None:  # noqa: ANN001
    _log(world)
    assert _targets(world, "admin:nina result:failed") == ["Maps → Teachers"]
    assert _targets(world, "action:revoke") == ["Maps"]
    assert _targets(world, "since:2026-11-01 until:2026-11-02 admin:nina") == [
        "Maps → Teachers"]
    assert _targets(world, "until:2026-10-31") == ["Maps → Staff"]
    assert _targets(world, "target:Teachers") == ["Maps → Teachers"]


def test_activity_filter_values_are_literal_text(world) -> None:  # noqa: ANN001
    _log(world)
    assert _targets(world, "admin:nina_") == ["North 50%"]  # "_" is not a wildcard
    assert _targets(world, "target:50%") == ["North 50%"]


def test_activity_export_uses_the_same_filter_without_a_page_limit(world) -> None:  # noqa: ANN001
    _log(world)
    where = audit_filter(admin="nina")
    exported = audit.export_entries(world.ctx, where=where)
    assert [e.id for e in exported] == [e.id for e in audit.list_entries(
        world.ctx, where=where, limit=1000)]
    assert {e.actor for e in exported} == {"nina", "nina_b"}
