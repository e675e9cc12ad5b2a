"""The job queue's rules (domain.jobs): claim order, lease expiry, attempts, hand back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vpp_tui.domain import jobs as rules

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def job(id: int, state: str = rules.QUEUED, *, queued: int = 0, expires: int | None = None,
        attempts: int = 0) -> rules.Claimable:
    return rules.Claimable(id=id, state=state, attempts=attempts,
                           queued_at=T0 + timedelta(seconds=queued),
                           lease_expires_at=None if expires is None
                           else T0 + timedelta(seconds=expires))


def test_claim_order_is_oldest_queued_first_then_by_id() -> None:
    jobs = [job(3, queued=5), job(1, queued=5), job(2, queued=9), job(4, queued=1)]
    assert [j.id for j in sorted(jobs, key=rules.claim_order)] == [4, 1, 3, 2]
    assert rules.next_to_claim(jobs, T0).id == 4


def test_a_running_job_is_claimable_only_once_its_lease_ran_out() -> None:
    running = job(1, rules.RUNNING, expires=60)
    assert not rules.claimable(running, T0 + timedelta(seconds=59))
    assert rules.claimable(running, T0 + timedelta(seconds=60))
    assert rules.lease_ran_out(rules.RUNNING, None, T0)  # claimed without a lease: stale


def test_finished_jobs_are_never_claimed() -> None:
    for state in rules.FINISHED:
        assert not rules.claimable(job(1, state), T0 + timedelta(days=1))
    assert rules.next_to_claim([job(1, rules.DONE), job(2, rules.RUNNING, expires=60)],
                               T0) is None


def test_claim_counts_an_attempt_and_fails_a_job_that_killed_max_attempts_workers() -> None:
    assert rules.after_claim(0) == (rules.RUNNING, 1)
    assert rules.after_claim(rules.MAX_ATTEMPTS - 1) == (rules.RUNNING, rules.MAX_ATTEMPTS)
    assert rules.after_claim(rules.MAX_ATTEMPTS) == (rules.FAILED, rules.MAX_ATTEMPTS)


def test_stopping_a_worker_requeues_its_job_without_counting_the_attempt() -> None:
    assert rules.after_stop(1) == (rules.QUEUED, 0)
    assert rules.after_stop(0) == (rules.QUEUED, 0)


def test_one_active_sync_per_token_other_kinds_repeat() -> None:
    assert rules.dedupe_key(rules.SYNC, "North") == "sync:North"
    assert rules.dedupe_key(rules.ASSIGN, "North") is None
    assert rules.dedupe_key(rules.SYNC, None) is None


def test_only_active_jobs_can_be_cancelled() -> None:
    assert rules.may_cancel(rules.QUEUED) and rules.may_cancel(rules.RUNNING)
    assert not any(rules.may_cancel(s) for s in rules.FINISHED)
