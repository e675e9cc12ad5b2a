"""services.reconcile: the report from the store, read in a fixed number of statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from vpp_tui.domain.reconcile import Discrepancy
from vpp_tui.services.access import AccessDenied
from vpp_tui.services.errors import NotFound
from vpp_tui.services.reconcile import (
    reconcile_report,
    reconciliation_counts,
    report_with_facts,
)
from vpp_tui.store import models as m


def _fill(ctx, start: int, count: int) -> None:  # noqa: ANN001
    """`count` more holders of each kind: some fine, some of every holder class."""
    now = datetime.now(UTC)
    with ctx.store.session() as session:
        token = session.get(m.Token, 1)
        if token is None:
            token = m.Token(id=1, name="North", apple_id="a@example.com", secret=b"x",
                            secret_sha256="0" * 64, expires_at=now + timedelta(days=300),
                            location_id="loc-1", location_name="North Campus")
            session.add(token)
            session.flush()
            for i, pricing in enumerate(("STDQ", "PLUS")):
                session.add(m.Asset(id=10 + i, token_id=1, adam_id="100", name="Maps",
                                    pricing_param=pricing, product_type="app", total=10**6))
            group = m.DirectoryGroup(id=1, name="Teachers", kind="user")
            session.add(group)
            session.flush()
            session.add(m.Assignment(asset_id=10, group_id=1, intent="required",
                                     license_type="user"))
        for i in range(start, start + count):
            upn, serial = f"u{i}@x.org", f"S{i:05d}"
            session.add(m.DirectoryUser(upn=upn, active=i % 4 != 1))
            session.add(m.DirectoryDevice(serial=serial, platform="iOS", managed=i % 4 != 2))
            session.add(m.GroupMember(group_id=1, member=upn, position=i))
            session.add(m.AppleUser(token_id=1, client_user_id=f"cid-{i}", upn=upn,
                                    status="Associated"))
            session.add(m.License(asset_id=10, kind="user", member=upn,
                                  client_user_id=f"cid-{i}", status="licensed"))
            session.add(m.License(asset_id=10, kind="device", member=serial, serial=serial,
                                  status="licensed"))
            if i % 4 == 3:
                session.add(m.License(asset_id=11, kind="user", member=upn,
                                      client_user_id=f"cid-{i}", status="licensed"))
            session.add(m.AppleUser(token_id=1, client_user_id=f"other-{i}",
                                    email=f"k{i}@other.org", status="Associated"))
            session.add(m.License(asset_id=10, kind="user", member=f"k{i}@other.org",
                                  client_user_id=f"other-{i}", status="licensed",
                                  source="apple"))


def _statements(ctx) -> tuple[int, dict[str, int]]:  # noqa: ANN001
    seen: list[str] = []

    def count(*args) -> None:  # noqa: ANN002
        seen.append(args[2])

    event.listen(ctx.store.engine, "before_cursor_execute", count)
    try:
        counts = reconciliation_counts(ctx)
    finally:
        event.remove(ctx.store.engine, "before_cursor_execute", count)
    return len(seen), counts


def test_reconcile_reads_a_fixed_number_of_statements_however_many_rows(world) -> None:
    ctx = world.ctx
    _fill(ctx, 0, 8)
    reconciliation_counts(ctx)  # the first call makes the installation id and the owner
    few, small = _statements(ctx)
    _fill(ctx, 8, 24)
    many, big = _statements(ctx)
    # Four times the rows, the same statements: no license row is read on its own.
    assert many == few
    assert small == {"unmanaged_device": 2, "departed_user": 2, "foreign_client_user": 8,
                     "duplicate_license": 2, "intended_not_held": 0,
                     "held_not_intended": 8}
    assert big["foreign_client_user"] == 32 and big["held_not_intended"] == 32


def test_reconcile_reclaim_builds_only_the_classes_it_reclaims(world) -> None:
    """Fault (issue 13): a reclaim of one class built the whole report (every class's
    rows, duplicates, who holds nothing, with the failed rows read for it): 2 s at 100k
    license rows. Asked for some classes, the report has their rows and counts only,
    the same as the full report's, and reads no failed or waitlisted row."""
    ctx = world.ctx
    _fill(ctx, 0, 8)
    with ctx.store.session() as session:
        session.add(m.License(asset_id=10, kind="user", member="w@x.org",
                              client_user_id="cid-w", status="failed"))
    full = reconcile_report(ctx)
    for names in (["departed_user"], ["held_not_intended", "duplicate_license"],
                  ["held_not_intended"]):  # the last reads assigned items' rows only
        only, facts = report_with_facts(ctx, only=[Discrepancy(n) for n in names])
        assert sorted(only.counts) == sorted(names)
        assert only.rows == tuple(r for r in full.rows if r.discrepancy in names)
        assert facts.not_held == []
    _everything, facts = report_with_facts(ctx)
    assert [n.member for n in facts.not_held] == ["w@x.org"]


def test_reconcile_report_rows_name_the_class_reason_and_location(world) -> None:
    ctx = world.ctx
    _fill(ctx, 0, 4)
    report = reconcile_report(ctx, "North")
    row = report.of("departed_user")[0]
    assert (row.member, row.reason, row.location, row.token, row.item) == (
        "u1@x.org", "inactive_in_directory", "North Campus", "North", "Maps")
    assert report.of("duplicate_license")[0].as_json()["also"] == "STDQ (North)"
    with pytest.raises(NotFound):
        reconcile_report(ctx, "Nowhere")


def test_reconcile_refuses_an_admin_who_may_not_read_apps(world) -> None:
    ctx = world.ctx
    _fill(ctx, 0, 1)
    assert reconciliation_counts(ctx)["departed_user"] == 0  # ana: the store's owner
    ctx.actor = "mallory"
    with pytest.raises(AccessDenied):
        reconciliation_counts(ctx)
