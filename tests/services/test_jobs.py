"""The job queue in-process, on SQLite and PostgreSQL (issue 13, several hosts): queuing
checks first, claim order, lease expiry, hand back, cancel, due syncs, the SQLite slot,
and a worker running jobs as the admin who queued them. The real-process proofs (two
workers, SIGKILL, SIGTERM) are in tests/concurrency/test_workers.py."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from tests.services.licensing_helpers import NORTH, north
from tests.services.test_tokens import add
from vpp_tui.domain import jobs as rules
from vpp_tui.domain.tokens import ERROR_REVOKED
from vpp_tui.services import jobs, tokens
from vpp_tui.services.access import AccessDenied, admin
from vpp_tui.services.errors import InvalidInput, NotFound, ServiceError
from vpp_tui.services.jobs import queue
from vpp_tui.services.jobs.worker import Worker
from vpp_tui.services.reconcile import reclaim
from vpp_tui.store import models as m

PERIOD = 60.0


def rows(world) -> list[m.Job]:
    with world.ctx.store.session() as s:
        return list(s.exec(select(m.Job).order_by(m.Job.id)).all())


def test_queuing_refuses_what_the_command_would_refuse_and_queues_nothing(world) -> None:
    north(world)
    with pytest.raises(NotFound):
        jobs.enqueue(world.ctx, "sync", token="Nowhere")
    with pytest.raises(NotFound):
        jobs.enqueue(world.ctx, "assign", {"item": "No Such App", "group": "Teachers",
                                           "intent": "required", "license": "user"})
    admin.create_role(world.ctx, "Readers", ["managed_apps.read"])
    admin.grant(world.ctx, "rae", "Readers", all_scopes=True)
    with pytest.raises(AccessDenied):
        jobs.enqueue(replace(world.ctx, actor="rae"), "sync", token=NORTH)
    assert rows(world) == []


def test_one_active_sync_per_token_a_second_queuing_returns_the_first(world) -> None:
    add(world, NORTH)
    first = jobs.enqueue(world.ctx, "sync", token=NORTH)
    again = jobs.enqueue(world.ctx, "sync", token=NORTH)
    assert again.id == first.id and len(rows(world)) == 1


def test_claim_order_oldest_first_and_a_claimed_job_is_not_claimed_again(world) -> None:
    add(world, NORTH)
    add(world, "South Campus")
    a = jobs.enqueue(world.ctx, "sync", token=NORTH)
    world.clock.advance(1)
    b = jobs.enqueue(world.ctx, "sync", token="South Campus")
    first = queue.claim(world.ctx, "w1", PERIOD)
    second = queue.claim(world.ctx, "w2", PERIOD)
    assert (first.id, second.id) == (a.id, b.id)
    assert queue.claim(world.ctx, "w3", PERIOD) is None


def test_lease_expiry_a_dead_workers_job_is_claimed_again_and_the_dead_one_writes_nothing(
        world) -> None:
    add(world, NORTH)
    queued = jobs.enqueue(world.ctx, "sync", token=NORTH)
    dead = queue.claim(world.ctx, "w1", PERIOD)
    world.clock.advance(PERIOD - 1)
    assert queue.claim(world.ctx, "w2", PERIOD) is None  # its lease still holds
    world.clock.advance(1)
    again = queue.claim(world.ctx, "w2", PERIOD)
    assert (again.id, again.attempt) == (queued.id, 2)
    assert not queue.finish(world.ctx, dead, rules.DONE, "late", 0)  # fenced off
    assert queue.renew(world.ctx, "w1", PERIOD) == {}
    assert queue.renew(world.ctx, "w2", PERIOD) == {queued.id: False}


def test_a_job_that_killed_max_attempts_workers_fails_instead_of_running(world) -> None:
    add(world, NORTH)
    jobs.enqueue(world.ctx, "sync", token=NORTH)
    for attempt in range(rules.MAX_ATTEMPTS):
        assert queue.claim(world.ctx, f"w{attempt}", PERIOD) is not None
        world.clock.advance(PERIOD)
    assert queue.claim(world.ctx, "last", PERIOD) is None
    (row,) = rows(world)
    assert row.state == rules.FAILED and row.dedupe_key is None and "3 times" in row.result


def test_requeue_a_stopping_worker_hands_its_job_back_uncounted(world) -> None:
    add(world, NORTH)
    jobs.enqueue(world.ctx, "sync", token=NORTH)
    claimed = queue.claim(world.ctx, "w1", PERIOD)
    assert queue.hand_back(world.ctx, claimed)
    (row,) = rows(world)
    assert (row.state, row.attempts, row.claimed_by) == (rules.QUEUED, 0, None)
    assert queue.claim(world.ctx, "w2", PERIOD).attempt == 1


def test_cancel_a_queued_job_at_once_a_running_one_on_request_a_finished_one_never(
        world) -> None:
    add(world, NORTH)
    queued = jobs.enqueue(world.ctx, "sync", token=NORTH)
    assert jobs.cancel(world.ctx, queued.id).state == rules.CANCELLED
    with pytest.raises(InvalidInput, match="cancelled already"):
        jobs.cancel(world.ctx, queued.id)
    running = jobs.enqueue(world.ctx, "sync", token=NORTH)  # the key was freed
    claimed = queue.claim(world.ctx, "w1", PERIOD)
    assert jobs.cancel(world.ctx, running.id).cancel_requested
    assert queue.renew(world.ctx, "w1", PERIOD) == {claimed.id: True}


def test_worker_runs_queued_jobs_as_their_admin_with_progress(world) -> None:
    north(world)
    sync_job = jobs.enqueue(world.ctx, "sync", {"full": True}, token=NORTH)
    assign = jobs.enqueue(world.ctx, "assign", {"item": "Star Chart", "group": "Teachers",
                                                "intent": "required", "license": "user"})
    report = Worker(world.ctx, concurrency=1, once=True, due=False).run()
    assert (report.done, report.failed, report.errors) == (2, 0, []), [
        (v.kind, v.result) for v in jobs.list_jobs(world.ctx)]
    done = {v.id: v for v in jobs.list_jobs(world.ctx)}
    assert done[sync_job.id].state == rules.DONE and done[sync_job.id].result.startswith(
        "completed")
    assert done[sync_job.id].progress_done == done[sync_job.id].progress_total > 0
    assert done[assign.id].state == rules.DONE and done[assign.id].actor == "ana"
    assert "waiting 25" in done[assign.id].result and done[assign.id].exit_status == 1
    assert done[assign.id].token == NORTH


def test_a_job_checks_access_again_when_it_runs(world) -> None:
    add(world, NORTH)
    admin.create_role(world.ctx, "Syncers", ["managed_apps.read", "managed_apps.sync"])
    admin.grant(world.ctx, "sam", "Syncers", all_scopes=True)
    queued = jobs.enqueue(replace(world.ctx, actor="sam"), "sync", token=NORTH)
    admin.revoke_grant(world.ctx, "sam", "Syncers")  # withdrawn while it waited
    report = Worker(world.ctx, once=True, due=False).run()
    assert report.failed == 1
    (view,) = [v for v in jobs.list_jobs(world.ctx) if v.id == queued.id]
    assert view.state == rules.FAILED and "managed_apps.sync" in view.result


def test_enqueue_due_queues_each_due_token_once(world) -> None:
    add(world, NORTH)
    add(world, "South Campus")
    assert len(jobs.enqueue_due(world.ctx)) == 2  # never synced: due
    assert jobs.enqueue_due(world.ctx) == []  # queued already
    Worker(world.ctx, once=True, due=False).run()
    assert jobs.enqueue_due(world.ctx) == []  # synced just now: not due
    world.clock.advance(13 * 3600)  # past the 12 h interval
    assert len(jobs.enqueue_due(world.ctx)) == 2


def test_sqlite_takes_one_worker_at_a_time(sqlite_world) -> None:
    ctx = sqlite_world.ctx
    with queue.sqlite_slot(ctx, "first") as slot:
        assert slot is not None
        with pytest.raises(queue.WorkerBusy, match="first"), queue.sqlite_slot(ctx, "second"):
            pass
    with queue.sqlite_slot(ctx, "second"):  # released: the next worker may start
        pass


def test_cancel_refusal_never_names_a_token_the_admin_may_not_see(world) -> None:
    """Fault: `jobs cancel` refused an admin outside the job's scope with a line naming
    the job's token; it must read as for an unknown id."""
    add(world, NORTH)
    admin.create_scope_tag(world.ctx, "north")
    tokens.update_settings(world.ctx, NORTH, scope_tags=["north"])
    admin.grant(world.ctx, "dan", "Token manager")  # the default scope only
    queued = jobs.enqueue(world.ctx, "sync", token=NORTH)
    dan = replace(world.ctx, actor="dan")
    with pytest.raises(NotFound) as hidden:
        jobs.cancel(dan, queued.id)
    with pytest.raises(NotFound) as unknown:
        jobs.cancel(dan, queued.id + 1000)
    assert NORTH not in str(hidden.value)
    assert str(hidden.value) == str(unknown.value).replace(str(queued.id + 1000),
                                                           str(queued.id))
    assert rows(world)[0].state == rules.QUEUED


def test_sync_queue_refuses_a_token_that_cannot_sync(world) -> None:
    """Fault: queuing the sync of an expired or parked token queued a job that then
    failed; it is refused at once, with the line inline sync reports."""
    add(world, NORTH)
    with world.ctx.store.session() as s:
        token = s.exec(select(m.Token).where(m.Token.name == NORTH)).one()
        token.apple_error = ERROR_REVOKED  # parked: Apple said the token was revoked
        s.add(token)
    with pytest.raises(ServiceError, match="not synced") as refused:
        jobs.enqueue(world.ctx, "sync", token=NORTH)
    assert not isinstance(refused.value, InvalidInput)  # exit 1, as inline sync
    assert rows(world) == []


def test_reconcile_reclaim_runs_as_a_job_with_progress_and_is_checked_when_queued(
        world) -> None:
    north(world)
    with pytest.raises(InvalidInput):
        jobs.enqueue(world.ctx, "reconcile", {"classes": ["ghosts"], "token": NORTH})
    assert rows(world) == []
    queued = jobs.enqueue(world.ctx, "reconcile", {"classes": ["unmanaged_device"],
                                                   "token": NORTH})
    assert (queued.kind, queued.token, queued.state) == ("reconcile", NORTH, "queued")
    report = Worker(world.ctx, once=True, due=False).run()
    assert (report.done, report.failed) == (1, 0)
    view = jobs.get_job(world.ctx, queued.id)
    assert view.state == rules.DONE and view.exit_status == 0
    assert view.result.startswith("reclaimed 1 licenses, 0 failed")
    assert view.progress_done == view.progress_total == 1
    assert reclaim.plan_reclaim(world.ctx, ["unmanaged_device"], token=NORTH).entries == ()


def _ledger(world) -> tuple[list, int]:
    with world.ctx.store.session() as s:
        ledger = sorted(repr(sorted(x.model_dump().items()))
                        for x in s.exec(select(m.License)).all())
        return ledger, len(s.exec(select(m.SyncStage)).all())


def test_cancelling_a_running_sync_job_stops_it_between_apple_calls_and_ends_cancelled(
        world) -> None:
    """Fault: `jobs cancel` of a running sync was seen only at the worker's next lease
    renewal (15 s), so a shorter sync ran on to `done` with cancel_requested set. The
    cancel is asked while the sync reads Apple (before its /users read); the job's cancel
    event must be set well before the next renewal, the sync stop, its staged rows go and
    the ledger stay as it was."""
    north(world)
    before = _ledger(world)
    job = jobs.enqueue(world.ctx, "sync", {"full": True}, token=NORTH)
    base = world.ctx.apple
    seen: list[bool] = []

    def apple(bearer: str, **kwargs):
        client = base(bearer, **kwargs)
        users = client.users

        def cancel_then_read_users(**args):
            jobs.cancel(world.ctx, job.id)
            seen.append(kwargs["cancel"].wait(5))  # the worker must notice within seconds
            return users(**args)

        client.users = cancel_then_read_users
        return client

    world.ctx.apple = apple
    report = Worker(world.ctx, once=True, due=False).run()
    world.ctx.apple = base
    view = {v.id: v for v in jobs.list_jobs(world.ctx)}[job.id]
    assert seen == [True]
    assert (view.state, report.cancelled, report.done) == (rules.CANCELLED, 1, 0), view.result
    assert _ledger(world) == before


def test_a_worker_without_permission_takes_others_jobs_and_fails_them(world) -> None:
    """Fault: bob (no roles.act_for_others) claimed ana's job and failed it. A worker now
    claims only the jobs it may run; the others stay queued for another worker."""
    add(world, NORTH)
    theirs = jobs.enqueue(world.ctx, "sync", token=NORTH)
    bob = Worker(replace(world.ctx, actor="bob"), once=True, due=False)
    report = bob.run()
    (view,) = [v for v in jobs.list_jobs(world.ctx) if v.id == theirs.id]
    assert view.state == rules.QUEUED and view.attempts == 0, view.result
    assert (report.done, report.failed) == (0, 0)
    assert "roles.act_for_others" in (bob.scope_warning() or "")
    assert Worker(world.ctx, once=True, due=False).scope_warning() is None  # owner: anyone's
    admin.create_role(world.ctx, "Runners", ["roles.act_for_others"])
    admin.grant(world.ctx, "bob", "Runners", all_scopes=True)
    assert queue.claim(world.ctx, "w", PERIOD, admin="bob").id == theirs.id


def _french(monkeypatch) -> None:
    """The French catalog, compiled from the .po when no .mo is built (`set_language`
    reads the .mo)."""
    import gettext
    import io

    from vpp_tui import i18n
    from vpp_tui.i18n import catalogs

    if i18n.set_language("fr") == "fr":
        return
    mo = catalogs.mo_bytes(catalogs.read(catalogs.po_path("fr"), "fr"))
    monkeypatch.setattr(i18n, "_translation", gettext.GNUTranslations(io.BytesIO(mo)))


def test_translated_text_is_written_into_the_shared_store(world, monkeypatch) -> None:
    """Fault: cancelling from a French console stored "annulée avant la fin" and
    "tâche 6 annulée". Stored results and audit details are the English msgid."""
    from vpp_tui.i18n import _

    add(world, NORTH)
    queued = jobs.enqueue(world.ctx, "sync", token=NORTH)
    _french(monkeypatch)
    assert _("cancelled before it finished") == "annulée avant la fin"
    jobs.cancel(world.ctx, queued.id)
    with world.ctx.store.session() as s:
        job = s.get(m.Job, queued.id)
        entry = s.exec(select(m.AuditEntry).where(m.AuditEntry.action == "job.cancel")).one()
    assert job.result == "cancelled before it finished"
    assert entry.detail == f"job {queued.id} cancelled"
