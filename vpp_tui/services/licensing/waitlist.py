"""The waitlist: members failed for lack of licenses get them, in order, when licenses free up.

Served automatically after a sync that finds licenses bought, a revoke, an unassignment,
a reclaim from departed members, and before a new assignment hands licenses out (free
licenses go to those already waiting first). The order is the domain's rule
(`waitlist_order`: first come, first served across every assignment of the item).

No database transaction stays open across a call to Apple: the queue is read in one short
transaction, Apple is told (users registered first, then the licenses associated), and
what Apple confirmed is written in another, with one audit entry per grant carrying its
Apple `eventId`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.clock import Cancelled
from vpp_tui.domain.licensing import (
    MemberKind,
    MemberResult,
    OpKind,
    Outcome,
    User,
    WaitlistEntry,
    admit_waitlist,
    asset_batches,
    waitlist_order,
)
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, for_store
from vpp_tui.services import audit, ownership
from vpp_tui.services.access import Permission, authorize, token_id_of, token_scope_clause
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.catalog import resolve_item
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import NotFound, ServiceError
from vpp_tui.services.licensing.apply import (
    Registered,
    cancelled_text,
    limits_of,
    register_users,
    send_ops,
    settle,
    shield,
    store_users,
    targets_for,
)
from vpp_tui.services.licensing.facts import AppleIds, apple_ids
from vpp_tui.services.licensing.members import users_by_upn
from vpp_tui.services.licensing.rows import Rows
from vpp_tui.services.licensing.txn import (
    Counts,
    apply_counts,
    fetch_counts,
    write_briefly,
    write_notes,
)
from vpp_tui.services.licensing.views import (
    LicenseResult,
    Served,
    WaitingMember,
    WaitlistView,
)
from vpp_tui.store import models as m

WAITLISTED = "waitlisted"


def _queue(session: Session, asset_id: int, ids: AppleIds) -> list[WaitlistEntry]:
    """The item's waitlist in the order it is served (`waitlist_order`)."""
    lic = m.License  # columns, not ORM objects: a big group's waitlist is long
    rows = session.execute(sa_select(  # type: ignore[call-overload]
        lic.kind, lic.member, lic.client_user_id, lic.serial, lic.since, lic.position,
        m.DirectoryGroup.name).outerjoin(
        m.Assignment, col(m.Assignment.id) == col(lic.assignment_id)).outerjoin(
        m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id)).where(
        lic.asset_id == asset_id, lic.status == WAITLISTED)).all()
    return list(waitlist_order(
        WaitlistEntry(ids.member_of(row), MemberKind(row.kind), 1, row.since, row.position,
                      row.name) for row in rows))


def waiting_entries(session: Session, asset_id: int, ids: AppleIds) -> list[WaitlistEntry]:
    """Everyone waiting for the item, in the order they will be served."""
    return _queue(session, asset_id, ids)


@dataclass
class _Job:
    asset: m.Asset  # detached: read in the short transaction of `_prepare`
    token: str
    ids: AppleIds
    admitted: tuple[WaitlistEntry, ...]
    users: dict[str, User]

    @property
    def label(self) -> str:
        return f"{self.asset.name or self.asset.adam_id} ({self.token})"


def _prepare(session: Session, asset_id: int) -> _Job | None:
    asset = session.get(m.Asset, asset_id)
    if asset is None:
        return None
    token = session.get(m.Token, asset.token_id)
    ids = apple_ids(session, asset.token_id)
    queue = _queue(session, asset_id, ids)
    free = len(queue) if asset.unlimited else asset.available
    if not queue or free <= 0 or token is None:
        return None
    users = users_by_upn(session, [e.member for e in queue if e.kind is MemberKind.USER], ids)
    # A waiting user who has left the company is not given a license.
    # Each member is charged what Apple will use for them: a user with a personal and a
    # Managed Apple ID takes two licenses (design.md "Licensing"), so never half of one.
    ready = [e if e.kind is MemberKind.DEVICE else replace(
        e, licenses=users[e.member].license_cost) for e in queue
        if e.kind is MemberKind.DEVICE or (e.member in users and users[e.member].active)]
    admitted, _rest = admit_waitlist(ready, free)
    if not admitted:
        return None
    wanted = {e.member for e in admitted if e.kind is MemberKind.USER}
    return _Job(asset, token.name, ids, admitted,
                {upn: u for upn, u in users.items() if upn in wanted})


def serve_asset(ctx: ServiceContext, asset_id: int, *, client: Any = None) -> Served:
    """Give the item's free licenses to its waitlist, in order; returns who got one.

    `client`: an open Apple client for the item's token (one is opened when None). Apple
    errors do not raise: `Served.error` says why the rest keeps waiting. Call it with no
    transaction of the caller open (it writes in its own).
    """
    with ctx.store.session() as session:
        job = _prepare(session, asset_id)
    if job is None:
        return Served()
    if client is not None:
        return _serve(ctx, client, job)
    try:
        with ownership.writes(ctx, job.token, "waitlist.grant") as opened:
            return _serve(ctx, opened, job)
    except (apple_errors.AppleError, OSError) as exc:
        return Served(job.asset.name, job.token, error=apple_failure_text(exc))
    except Cancelled:  # before anything was asked of Apple (`_serve` shields the rest)
        return Served(job.asset.name, job.token, error=cancelled_text(), cancelled=True)
    except ServiceError as exc:  # another MDM holds the location: nobody is served
        return Served(job.asset.name, job.token, error=exc.message)


def _serve(ctx: ServiceContext, client: Any, job: _Job) -> Served:
    # Apple first, with no session open; then one short transaction (`_record`).
    if ctx.cancel.is_set():  # the safe point: nothing asked of Apple, all keep waiting
        return Served(job.asset.name, job.token, error=cancelled_text(), cancelled=True)
    shield(client)  # from here Apple is asked: what it does is awaited and recorded
    registered = register_users(ctx, client, list(job.users.values()), job.ids, job.label)
    problems = registered.problems
    results = [MemberResult(e.member, e.kind, Outcome.LICENSED, licenses=e.licenses)
               for e in job.admitted if e.member not in problems]
    targets = targets_for(job.users)
    cids = [t for r in results if r.kind is MemberKind.USER for t in targets(r)]
    serials = [r.member for r in results if r.kind is MemberKind.DEVICE]
    ops = asset_batches(OpKind.ASSOCIATE, [(job.asset.adam_id, job.asset.pricing_param)],
                        cids, serials, limits_of(client))
    sent = send_ops(ctx, client, ops, job.label, job.asset.token_id)
    outcomes = [settle(r, targets(r), sent) for r in results]
    granted = [o for o in outcomes if o.outcome == "licensed"]
    counts = fetch_counts(client, job.asset, sent.held)
    return _record(ctx, job, granted, sent, registered, counts)


def _record(ctx: ServiceContext, job: _Job, granted: list[Any], sent: Any,
            registered: Registered, counts: Counts | None) -> Served:
    status_of = {e.event_id: e.status for e in sent.events}
    turn = {(str(e.kind), e.member): e for e in job.admitted}

    def write(session: Session) -> int:
        now = ctx.clock.now()
        ids = store_users(session, ctx, registered, job.asset.token_id)
        write_notes(session, ctx, sent.notes)
        rows = Rows(session, job.asset.id or 0, ids)
        for outcome in granted:
            entry = turn[(outcome.kind, outcome.member)]
            rows.write(outcome, now, keep_assignment=True)
            with for_store():  # the store is shared: English
                audit.record(session, ctx, "waitlist.grant", job.label,
                             detail=_("{member} licensed from the waitlist (waiting since "
                                      "{since}{group})").format(
                                 member=outcome.member,
                                 since=entry.since.isoformat() if entry.since else "—",
                                 group=_(", through {g}").format(g=entry.group)
                                 if entry.group else ""),
                             apple_event_id=outcome.apple_event_id,
                             apple_event_status=status_of.get(outcome.apple_event_id or ""))
        asset = session.get(m.Asset, job.asset.id)
        if asset is not None:
            apply_counts(asset, counts, len(granted))
            asset.updated_at = now
            session.add(asset)
        session.flush()
        return renumber(session, job.asset.id or 0, ids)

    left = write_briefly(ctx, write)
    sent.held.reraise()  # a Ctrl-C once Apple's answers are recorded
    return Served(job.asset.name, job.token, tuple(o.member for o in granted),
                  tuple(sent.events), left, sent.error)


def renumber(session: Session, asset_id: int, ids: AppleIds) -> int:
    """Store the queue's turns 1..n in the order it is served; returns how many wait."""
    queue = _queue(session, asset_id, ids)
    rows = {(lic.kind, ids.member_of(lic)): lic for lic in session.exec(select(m.License).where(
        m.License.asset_id == asset_id, m.License.status == WAITLISTED)).all()}
    for turn, entry in enumerate(queue, start=1):
        lic = rows.get((str(entry.kind), entry.member))
        if lic is not None and lic.position != turn:
            lic.position = turn
            session.add(lic)
    return len(queue)


def with_served(result: LicenseResult, served: Served, *,
                counted: bool = False) -> LicenseResult:
    """`result` with the members `served` licensed from the waitlist and Apple's events.

    `counted`: `result.licenses_used` already includes them (they were served before).
    """
    if not served.admitted and (served.error is None or served.cancelled):
        return result  # a cancel before the serving: the job's own work is all done
    used = result.licenses_used
    if used is not None and not counted:
        used += len(served.admitted)
    return replace(result, admitted=result.admitted + served.admitted,
                   events=served.events + result.events if counted
                   else result.events + served.events,
                   licenses_used=used,
                   error=result.error or (None if served.cancelled else served.error))


def serve_token(ctx: ServiceContext, token_id: int, token: str) -> list[Served]:
    """After a sync: serve every item of the token with free licenses and people waiting.

    The caller holds the token's sync lease. Never raises for Apple: a failure is in
    `Served.error` and the members keep waiting for the next sync. Nor for a cancel
    (`ctx.cancel`): honoured only before an item's serving asks Apple anything
    (`Served.cancelled`); once asked, Apple's answer is awaited and recorded.
    """
    with ctx.store.session() as session:
        asset_ids = list(session.exec(select(m.Asset.id).where(
            m.Asset.token_id == token_id,
            (col(m.Asset.available) > 0) | col(m.Asset.unlimited),
            col(m.Asset.id).in_(select(m.License.asset_id).where(
                m.License.status == WAITLISTED))).order_by(col(m.Asset.name))).all())
    if not asset_ids:
        return []
    found: list[Served] = []
    try:
        with ownership.writes(ctx, token, "waitlist.grant") as client:
            for asset_id in asset_ids:
                served = serve_asset(ctx, asset_id or 0, client=client)
                if served.admitted or served.error:
                    found.append(served)
    except (apple_errors.AppleError, OSError) as exc:
        found.append(Served(error=apple_failure_text(exc)))
    except Cancelled:  # a safe point: nothing asked of Apple; they wait for the next sync
        found.append(Served(error=cancelled_text(), cancelled=True))
    except ServiceError as exc:  # e.g. the token can no longer be read: try next sync
        found.append(Served(error=exc.message))
    return found


def serve(ctx: ServiceContext, item: str, token: str | None = None) -> Served:
    """Give one item's free licenses (freed or bought) to its waitlist, in order."""
    authorize(ctx, Permission.APPS_ASSIGN)
    view = resolve_item(ctx, item, token)
    authorize(ctx, Permission.APPS_ASSIGN, token_id=token_id_of(ctx, view.token))
    return serve_asset(ctx, view.id)


def waitlists(ctx: ServiceContext, item: str | None = None,
              token: str | None = None) -> list[WaitlistView]:
    """The waitlist of one item, or of every item someone waits for (under `token`), in
    serving order. Raises NotFound for an item or a token the admin does not see."""
    authorize(ctx, Permission.APPS_READ)
    if item is not None:
        asset_ids: Iterable[int] = [resolve_item(ctx, item, token).id]
    with ctx.store.session() as session:
        if item is None and token is not None and not session.exec(select(m.Token.id).where(
                m.Token.name == token, token_scope_clause(
                    ctx, col(m.Token.id), Permission.APPS_READ))).first():
            raise NotFound(_("no token named {name}; see 'vpp-tui token list'").format(
                name=quote(token)))
        if item is None:
            query = select(m.Asset.id).join(m.Token, col(m.Token.id) == col(m.Asset.token_id))\
                .where(col(m.Asset.id).in_(select(m.License.asset_id).where(
                    m.License.status == WAITLISTED)),
                    token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_READ))
            if token:
                query = query.where(m.Token.name == token)
            asset_ids = [a or 0 for a in session.exec(
                query.order_by(col(m.Asset.name), col(m.Token.name))).all()]
        return [_view(session, asset_id) for asset_id in asset_ids]


def _view(session: Session, asset_id: int) -> WaitlistView:
    asset = session.get(m.Asset, asset_id)
    assert asset is not None
    token = session.get(m.Token, asset.token_id)
    queue = _queue(session, asset_id, apple_ids(session, asset.token_id))
    return WaitlistView(asset.name or asset.adam_id, asset.adam_id, asset.pricing_param,
                        token.name if token else "", asset.available, asset.unlimited,
                        tuple(WaitingMember(turn, e.member, str(e.kind), e.group, e.since)
                              for turn, e in enumerate(queue, start=1)))
