"""Sync one token (or all) from Apple: config, assets, assignments, users, metadata.

Everything Apple says is fetched first, then applied in one transaction per
token, so a failed sync changes nothing but the record that it failed. The assignment
pages, the bulk of a large location, are streamed as they arrive into a staging table
(`sync.stream`, each page its own short transaction behind the lease's fence) and taken
into the ledger by that one transaction (`sync.staged`): memory stays flat and fetching
and writing overlap. The sync holds
its location's write lease (`services.leases`) from before it plans until it has served
the waitlists, so no sync, assign or revoke of the same location runs in between, even
from another admin's console on a shared PostgreSQL store. A live holder makes the sync
`skipped`/busy; a dead one's lease expires within a lease period (or is broken with
`sync --break-lease`). The apply transaction checks the lease's fence first: a sync
whose lease was broken or taken meanwhile writes nothing and says "lease lost".

A sync stopped before it finished (`ctx.cancel` set when the console closes, Ctrl-C,
a crashed process) is `interrupted`, not failed: nothing is applied, the token's health
is untouched, and the next sync simply runs (`domain.outcomes`). A cancel that arrives
during the final apply is seen between its chunks and just before its commit: the apply
rolls back and the sync is interrupted; one that arrives after the commit finds it done:
the waitlist serving that follows stops only before it asks Apple anything, and what it
asked is awaited and recorded (`licensing.waitlist.serve_token`), so the sync completed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from typing import Any

from sqlmodel import Session, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.clock import Cancelled
from vpp_tui.domain import outcomes
from vpp_tui.domain import tokens as rules
from vpp_tui.i18n import _, stored
from vpp_tui.services import apple_posts, audit, leases
from vpp_tui.services.access import Permission, authorize, token_id_of, visible_token_ids
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.waitlist import serve_token
from vpp_tui.services.settings import get_setting
from vpp_tui.services.sync.apply import AppleSnapshot, apply_snapshot
from vpp_tui.services.sync.fetch import Plan, Tally, fetch, make_plan
from vpp_tui.services.sync.staged import raise_if_cancelled
from vpp_tui.services.sync.stream import StageWriter, drop_staged
from vpp_tui.services.tokens import bearer_of, faults, get_token
from vpp_tui.services.usage import record_usage
from vpp_tui.services.views import SyncResult
from vpp_tui.store import models as m

Progress = Callable[[str, int, int], None]


def acquire_lease(ctx: ServiceContext, token_id: int, owner: str) -> bool:
    """Take the lease of the token's location for a sync by `owner`, with no heartbeat (a
    holder that never renews: free again one lease period later) and mark the token
    `in_progress`. False when a live holder has it. `sync_token` itself uses `leases.hold`;
    this is for tools and tests."""
    with ctx.store.session() as session:
        token = session.get(m.Token, token_id)
        name = token.name if token is not None else str(token_id)
        key = leases.key_of(session, name)
    if leases.try_acquire(ctx, key, name, owner) is None:
        return False
    with ctx.store.session() as session:
        token = session.get(m.Token, token_id)
        if token is not None:
            token.last_sync_status = outcomes.IN_PROGRESS
            session.add(token)
    return True


def release_lease(ctx: ServiceContext, token_id: int, owner: str) -> None:
    """Give back `owner`'s lease of the token's location (a no-op when it is not theirs)."""
    with ctx.store.session() as session:
        token = session.get(m.Token, token_id)
        if token is None:
            return
        seen = session.get(m.Lease, leases.key_of(session, token.name))
    if seen is not None and seen.owner == owner:
        leases.release(ctx, seen.key, owner, seen.fence)


def _fault_confirmed(ctx: ServiceContext, name: str, exc: Exception,
                     tally: Tally) -> bool:
    """Whether a token fault `exc` may park the token (`tokens.faults.fault_confirmed`);
    the recheck's requests are added to `tally`."""
    confirmed, requests = faults.fault_confirmed(ctx, name, exc)
    tally.requests += requests
    return confirmed


def _record_failure(ctx: ServiceContext, plan: Plan, run_id: int, exc: Exception,
                    requests: int, *, park: bool = True) -> str:
    """Record a failed sync; a token fault parks the token (apple_error) only if `park`."""
    lost = isinstance(exc, leases.LeaseLost)

    def worded() -> str:
        text = exc.message if lost else apple_failure_text(exc)
        if not park and apple_errors.is_token_fault(exc):
            text = f"{text} ({rules.spurious_fault_note(getattr(exc, 'error_number', None))})"
        return text

    shown, text = worded(), stored(worded)  # the admin's language; the store's English
    now = ctx.clock.now()
    with ctx.store.session() as session:
        # A lost lease: the new holder owns the token's sync state; only the run is ours.
        token = None if lost else session.get(m.Token, plan.token_id)
        run = session.get(m.SyncRun, run_id)
        if run is not None:
            run.status, run.error, run.finished_at = outcomes.FAILED, text, now
            run.requests = requests
            session.add(run)
        if token is not None:
            token.last_sync_status, token.last_sync_error = outcomes.FAILED, text
            token.last_sync_at = now
            if isinstance(exc, apple_errors.MdmConflict):
                from vpp_tui.services import ownership

                ownership.record(session, ctx, token, exc)
            elif park and apple_errors.is_token_fault(exc):
                faults.park(token, exc, text, now)
            session.add(token)
        audit.record(session, ctx, "token.sync", plan.name, result="failed", detail=text)
    return shown


def _interrupted_text(requests: int) -> str:
    return _("interrupted: the sync was stopped before it finished, after {n} requests; "
             "nothing was changed. Sync again to finish it.").format(n=requests)


def _start_run(ctx: ServiceContext, plan: Plan) -> int:
    """Open this sync's run, closing runs a crashed sync left `in_progress`.

    Called with the lease held, so any other open run of the token has no living owner.
    """
    now = ctx.clock.now()
    with ctx.store.session() as session:
        for stale in session.exec(select(m.SyncRun).where(
                m.SyncRun.token_id == plan.token_id,
                m.SyncRun.status == outcomes.IN_PROGRESS)).all():
            stale.status, stale.finished_at = outcomes.INTERRUPTED, now
            stale.error = stored(lambda: _(
                "interrupted: the console or process running this sync stopped before it "
                "finished; nothing was changed"))
            session.add(stale)
        run = m.SyncRun(token_id=plan.token_id, actor=ctx.actor, full=plan.full,
                        started_at=now)
        session.add(run)
        token = session.get(m.Token, plan.token_id)
        if token is not None:
            token.last_sync_status = outcomes.IN_PROGRESS
            session.add(token)
        session.flush()
        return run.id or 0


def _record_interrupted(ctx: ServiceContext, plan: Plan, run_id: int, requests: int) -> str:
    """The sync stopped on the admin's side: say so; Apple's verdict (`apple_error`) and
    `last_sync_at` stay as they were, so the token's state is untouched and it stays due."""
    shown, text = _interrupted_text(requests), stored(_interrupted_text, requests)
    now = ctx.clock.now()
    with ctx.store.session() as session:
        run = session.get(m.SyncRun, run_id)
        if run is not None:
            run.status, run.error, run.finished_at = outcomes.INTERRUPTED, text, now
            run.requests = requests
            session.add(run)
        token = session.get(m.Token, plan.token_id)
        if token is not None:
            token.last_sync_status, token.last_sync_error = outcomes.INTERRUPTED, text
            session.add(token)
        audit.record(session, ctx, "token.sync", plan.name, result=outcomes.INTERRUPTED,
                     detail=text)
    return shown


def sync_token(ctx: ServiceContext, name: str, *, full: bool = False,
               on_progress: Progress | None = None) -> SyncResult:
    """Sync one token from Apple; a `SyncResult`, never an exception for Apple's answers.

    `status`: completed; failed (Apple refused or could not be reached; recorded on the
    token); interrupted (`ctx.cancel` set: recorded, nothing applied); skipped with
    `skip_reason` needs_attention (the token cannot sync) or busy (another process holds
    the lease). KeyboardInterrupt is recorded as interrupted, then re-raised.
    Raises NotFound for an unknown name, AccessDenied without the sync permission.
    """
    authorize(ctx, Permission.TOKENS_SYNC, token_id=token_id_of(ctx, name))
    view = get_token(ctx, name).token
    if not view.can_sync:
        return SyncResult(name=name, status=outcomes.SKIPPED,
                          skip_reason=outcomes.SKIP_NEEDS_ATTENTION,
                          error=_("not synced: {reason}").format(reason=view.state_reason))
    with ExitStack() as stack:
        try:
            holder = stack.enter_context(leases.hold(ctx, name, wait=0))
        except leases.LeaseBusy as exc:
            return SyncResult(name=name, status=outcomes.SKIPPED,
                              skip_reason=outcomes.SKIP_BUSY, error=exc.message)
        return _sync_held(ctx, name, full, on_progress, holder)
    raise AssertionError("unreachable")  # pragma: no cover


def _sync_held(ctx: ServiceContext, name: str, full: bool, on_progress: Progress | None,
               holder: leases.Holder) -> SyncResult:
    """The sync proper, lease held: planned now, so it starts from the last writer's rows."""
    plan = make_plan(ctx, name, full)
    run_id = _start_run(ctx, plan)
    drop_staged(ctx, token_id=plan.token_id)  # what a crashed sync of this token left
    tally = Tally()
    writer = StageWriter(ctx, holder, run_id)
    try:
        snapshot = fetch(ctx, plan, bearer_of(ctx, name), on_progress, tally, stream=writer)
        writer.finish(snapshot.assignment_pages)
        snapshot.staged_run = run_id
        with ctx.store.session() as session:
            leases.check(session, ctx, holder)  # first: a lost lease writes nothing
            counts = apply_snapshot(ctx, session, plan.token_id, snapshot)
            _finish(ctx, session, plan, run_id, snapshot, counts, tally.requests)
            # Posts a process ended before recording: Apple's truth is now the ledger's.
            settled = apple_posts.settle(session, ctx, plan.token_id)
            # Last look before the commit: a cancel that arrived during the apply rolls it
            # back (interrupted, no license row changed); one arriving later finds it done.
            raise_if_cancelled(ctx)
    except (Cancelled, KeyboardInterrupt) as exc:
        writer.discard()
        text = _record_interrupted(ctx, plan, run_id, tally.requests)
        if isinstance(exc, KeyboardInterrupt):
            raise
        return SyncResult(name=name, status=outcomes.INTERRUPTED, requests=tally.requests,
                          error=text, full=plan.full)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, then reported
        writer.discard()
        park = _fault_confirmed(ctx, name, exc, tally)
        error = _record_failure(ctx, plan, run_id, exc, tally.requests, park=park)
        return SyncResult(name=name, status=outcomes.FAILED, requests=tally.requests,
                          error=error, full=plan.full)
    # Committed, lease still held: licenses bought or freed go to those waiting.
    served = _serve_waitlists(ctx, plan.token_id, name)
    return SyncResult(name=name, status=outcomes.COMPLETED, requests=tally.requests,
                      assets=counts.assets, assignments=counts.assignments,
                      users=counts.users, full=plan.full,
                      notes=tuple(counts.notes) + tuple(settled) + served)


def _serve_waitlists(ctx: ServiceContext, token_id: int, token: str) -> tuple[str, ...]:
    """One note per item whose waitlist the sync served (licenses bought or freed)."""
    return tuple(_("waitlist of {item}: {n} licensed, {w} still waiting").format(
        item=s.item, n=len(s.admitted), w=s.waiting) + (f" ({s.error})" if s.error else "")
        for s in serve_token(ctx, token_id, token))


def _finish(ctx: ServiceContext, session: Session, plan: Plan, run_id: int,
            snapshot: AppleSnapshot, counts: Any, requests: int) -> None:
    now = ctx.clock.now()
    token = session.get(m.Token, plan.token_id)
    assert token is not None
    token.last_sync_at = now
    token.last_sync_status = outcomes.COMPLETED
    token.last_sync_error = None
    if snapshot.assignments_version:
        token.assignments_version_id = snapshot.assignments_version
    if snapshot.users_version:
        token.users_version_id = snapshot.users_version
    if snapshot.assets_version:
        token.assets_version_id = snapshot.assets_version
    if plan.full:
        token.last_full_sync_at = now
    token.updated_at = now
    session.add(token)
    run = session.get(m.SyncRun, run_id)
    if run is not None:
        run.status, run.finished_at, run.requests = outcomes.COMPLETED, now, requests
        run.assets, run.assignments, run.users = counts.assets, counts.assignments, counts.users
        session.add(run)
    record_usage(session, plan.token_id, now)  # the usage charts' points (services.usage)
    audit.record(session, ctx, "token.sync", plan.name, detail=(
        f"{'full' if plan.full else 'delta'}: {counts.assets} assets, "
        f"{counts.assignments} assignments, {counts.users} users, {requests} requests"))


# Tokens synced at once by `sync_all`: each keeps its own Apple rate limit and page
# parallelism (its limiter), so the pool only bounds this process's threads and store
# connections. SQLite has one writer at a time and waits 10 s for it (store.engine): a
# large location's apply transaction would time the others out, so one at a time there.
SYNC_ALL_WORKERS = {"postgresql": 8, "sqlite": 1}


def sync_all(ctx: ServiceContext, *, full: bool = False, due_only: bool = False,
             names: list[str] | None = None,
             on_progress: Callable[[str, int, int], None] | None = None,
             workers: int | None = None) -> list[SyncResult]:
    """Sync every token (or the named ones); with `due_only`, only those whose interval passed.

    Raises AccessDenied (audited, nothing synced) when a named token exists outside the
    admin's sync scope. Tokens run in parallel in a bounded pool (`workers`, default `SYNC_ALL_WORKERS` of the
    store's database), each through `sync_token`; a token that cannot sync (expired,
    revoked, held by another MDM…) is skipped as needs_attention from the listing alone,
    with no further query or request. Results in token order, one per token tried; tokens
    not due are left out. `on_progress(name, done, total)` runs on the caller's thread as
    each token finishes (name "" once all are done). Stops at once when `ctx.cancel` is set:
    the tokens being synced are interrupted, the rest are left untouched.
    """
    from vpp_tui.services.tokens import list_tokens

    authorize(ctx, Permission.TOKENS_SYNC)
    # A token named outside the admin's sync scope is refused (audited), never left out
    # silently (access.md "Naming an out-of-scope token in a change").
    for name in dict.fromkeys(names or ()):
        token_id = token_id_of(ctx, name)
        if token_id is not None:
            authorize(ctx, Permission.TOKENS_SYNC, token_id=token_id)
    syncable = visible_token_ids(ctx, Permission.TOKENS_SYNC)
    views = [v for v in list_tokens(ctx) if v.id in syncable]
    if names:
        wanted = set(names)
        views = [v for v in views if v.name in wanted]
    if due_only:
        now = ctx.clock.now()
        interval = int(get_setting(ctx, "sync_interval_hours"))
        views = [v for v in views if rules.sync_due(v.last_sync_at, None, now, interval)[0]]
    results: dict[int, SyncResult] = {}
    todo = []
    for index, view in enumerate(views):
        if view.can_sync:
            todo.append((index, view.name))
        else:
            results[index] = SyncResult(
                name=view.name, status=outcomes.SKIPPED,
                skip_reason=outcomes.SKIP_NEEDS_ATTENTION,
                error=_("not synced: {reason}").format(reason=view.state_reason))
    size = workers or SYNC_ALL_WORKERS.get(ctx.store.dialect, 1)
    done = len(results)
    if todo and not ctx.cancel.is_set():
        with ThreadPoolExecutor(max_workers=max(1, min(size, len(todo))),
                                thread_name_prefix="sync-token") as pool:
            running = {pool.submit(_sync_unless_cancelled, ctx, name, full): index
                       for index, name in todo}
            try:
                for future in as_completed(running):
                    result = future.result()
                    if result is not None:
                        results[running[future]] = result
                    done += 1
                    if on_progress is not None:
                        on_progress(result.name if result else "", done, len(views))
            except BaseException:
                ctx.cancel.set()  # Ctrl-C or a crash: the syncs in flight stop, not the rest
                raise
    if on_progress is not None:
        on_progress("", len(views), len(views))
    return [results[i] for i in sorted(results)]


def _sync_unless_cancelled(ctx: ServiceContext, name: str, full: bool) -> SyncResult | None:
    """`sync_token`, or None (left untouched) when the work was cancelled before its turn."""
    if ctx.cancel.is_set():
        return None
    return sync_token(ctx, name, full=full)


def due_tokens(ctx: ServiceContext, interval_hours: int | None = None) -> list[str]:
    """Names of the tokens the admin may sync whose sync interval has passed now
    (`rules.sync_due`), in list order; `interval_hours` instead of the stored
    `sync_interval_hours` for a settings preview. Raises AccessDenied."""
    from vpp_tui.services.tokens import list_tokens

    authorize(ctx, Permission.TOKENS_READ)
    interval = (int(get_setting(ctx, "sync_interval_hours")) if interval_hours is None
                else interval_hours)
    syncable = visible_token_ids(ctx, Permission.TOKENS_SYNC)
    now = ctx.clock.now()
    return [v.name for v in list_tokens(ctx) if v.id in syncable
            and rules.sync_due(v.last_sync_at, None, now, interval)[0]]
