"""Faults of the worker and the job queue found by the breaker (issue 13), in-process on
SQLite and PostgreSQL: a worker without the sync right flooding the audit log, and a full
sync queued behind a delta sync."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import func, select

from tests.services.licensing_helpers import NORTH
from tests.services.test_tokens import add
from vpp_tui.domain import jobs as rules
from vpp_tui.services import jobs
from vpp_tui.services.access import admin
from vpp_tui.services.jobs.worker import Worker
from vpp_tui.store import models as m


def _denials(world, actor: str) -> int:  # noqa: ANN001
    with world.ctx.store.session() as s:
        return s.exec(select(func.count()).select_from(m.AuditEntry).where(
            m.AuditEntry.actor == actor, m.AuditEntry.action == "access.denied")).one()


def test_a_worker_without_the_sync_right_audits_no_denial_on_every_due_scan(world) -> None:
    """Fault: a worker whose admin lacks managed_apps.sync wrote an `access.denied` entry
    on every due scan (every 30 s, 2,880 a day) and said so only when it stopped. Now it
    checks once at start (no audit), warns once, and skips the due scan."""
    add(world, NORTH)
    admin.grant(world.ctx, "svc", "App manager", all_scopes=True)
    worker = Worker(replace(world.ctx, actor="svc"), once=True, due=True)
    warning = worker.due_warning()
    assert warning and "managed_apps.sync" in warning
    report = worker.run()  # the scan at start
    for _scan in range(4):  # the scans every DUE_SCAN_SECONDS after it
        world.clock.advance(rules.DUE_SCAN_SECONDS + 1)
        worker._scan_due()
    assert _denials(world, "svc") <= 1
    assert report.queued_due == 0 and not report.errors
    assert Worker(world.ctx, due=True).due_warning() is None  # the owner may sync


def test_a_full_sync_queued_behind_a_queued_delta_sync_upgrades_it(world) -> None:
    """Fault: with a delta sync of North queued, queuing a full one gave back the delta
    job: the full sync asked for never ran. The queued job now becomes a full sync."""
    add(world, NORTH)
    delta = jobs.enqueue(world.ctx, "sync", {"full": False}, token=NORTH)
    full = jobs.enqueue(world.ctx, "sync", {"full": True}, token=NORTH)
    assert full.id == delta.id and full.payload["full"] is True
    (view,) = jobs.list_jobs(world.ctx, states=(rules.QUEUED,))
    assert view.payload["full"] is True
    again = jobs.enqueue(world.ctx, "sync", {"full": False}, token=NORTH)  # delta: no downgrade
    assert again.id == delta.id and again.payload["full"] is True
