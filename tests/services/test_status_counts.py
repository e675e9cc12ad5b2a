"""`vpp-tui status` counts with SQLAlchemy Core (`services.status.waiting`,
`services.reconcile.reconciliation_summary`) what the services listing the rows count
(`licensing.waitlists`, `reconcile.reconcile_report`), on the same store: both databases."""

from __future__ import annotations

from tests.services.test_reconcile import _fill
from tests.services.test_waitlist import _wait_nine
from vpp_tui.services import licensing, reconcile, status
from vpp_tui.store import models as m


def _same_reconciliation(ctx) -> dict[str, int]:  # noqa: ANN001
    report = reconcile.reconcile_report(ctx)
    core = reconcile.reconciliation_summary(ctx)
    assert core.counts == report.counts
    assert core.unreclaimable == report.unreclaimable
    return core.counts


def test_status_counts_the_waitlists_as_the_waitlist_service(world) -> None:  # noqa: ANN001
    _wait_nine(world)
    orm = [(w.token, w.adam_id, w.pricing_param, w.item, len(w.waiting))
           for w in licensing.waitlists(world.ctx) if w.waiting]
    core = [(w.token, w.adam_id, w.pricing_param, w.name, w.waiting)
            for w in status.waitlist_counts(world.ctx)]
    assert core == orm
    assert sum(n for *_rest, n in core) == 9
    counts = _same_reconciliation(world.ctx)  # a synced demo location with an assignment
    assert counts["intended_not_held"] >= 9
    report = status.status_report(world.ctx)
    assert report.reconciliation == counts
    assert report.waiting == tuple(status.waitlist_counts(world.ctx))


def test_status_counts_every_reconciliation_class_as_the_report(world) -> None:  # noqa: ANN001
    _fill(world.ctx, 0, 12)
    with world.ctx.store.session() as session:  # a book held twice: never reclaimable
        session.add(m.Asset(id=20, token_id=1, adam_id="200", name="Atlas",
                            product_type="book", total=10))
        session.add(m.DirectoryGroup(id=2, name="Carts", kind="device"))
        session.flush()
        session.add(m.GroupMember(group_id=2, member="S00000", position=0))
        session.add(m.Assignment(asset_id=20, group_id=2, intent="available",
                                 license_type="device"))
        for serial in ("S00001", "S00002"):
            session.add(m.License(asset_id=20, kind="device", member=serial, serial=serial,
                                  status="licensed"))
        session.add(m.License(asset_id=20, kind="device", member="S00000",
                              serial="S00000", status="failed"))
        session.add(m.DirectoryUser(upn="new@x.org"))  # wanted by Teachers, never sent
        session.add(m.GroupMember(group_id=1, member="new@x.org", position=99))
    counts = _same_reconciliation(world.ctx)
    assert all(counts[c] > 0 for c in ("unmanaged_device", "departed_user",
                                       "foreign_client_user", "duplicate_license",
                                       "held_not_intended", "intended_not_held")), sorted(counts.items())
    assert reconcile.reconciliation_summary(world.ctx).unreclaimable
