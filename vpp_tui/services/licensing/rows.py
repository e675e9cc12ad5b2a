"""License rows: one per holder of an item, written from what Apple confirmed.

Statuses: licensed, failed (with the reason), waitlisted (no license left; `position` is
its turn), reclaimed. Members failed for lack of licenses are served, in order, when
licenses are freed (`serve_waitlist`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from vpp_tui.domain.licensing import (
    MemberKind,
    MemberResult,
    Outcome,
    Reason,
    WaitlistEntry,
    admit_waitlist,
    asset_batches,
)
from vpp_tui.domain.licensing import OpKind as _Op
from vpp_tui.domain.licensing.ledger import (
    ApplePicture,
    Holder,
    LedgerRow,
    Verdict,
    reconcile_ledger,
)
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.apply import (
    limits_of,
    register_users,
    send_ops,
    settle,
    targets_for,
)
from vpp_tui.services.licensing.facts import HELD, AppleIds, license_rows, users_by_upn
from vpp_tui.services.licensing.views import MemberOutcome
from vpp_tui.store import models as m

WAITING = str(Reason.NO_LICENSES_LEFT)


class Rows:
    """The license rows of one asset, keyed by (kind, member as the admin knows it).

    A row is found by what Apple keys it by: `ids` resolves a row written under a
    clientUserId (found by sync, or by another token of the location) to its member's
    UPN, so one person has one row. The rows are the item's at its location, whichever
    token's asset they hang off (`facts.license_rows`): a member licensed through another
    token of the location is licensed here too. Where an older store holds two rows for
    one member, the one Apple holds wins, then this asset's.
    """

    def __init__(self, session: Session, asset_id: int, ids: AppleIds) -> None:
        self.session, self.asset_id, self.ids = session, asset_id, ids
        self.by_key: dict[tuple[str, str], m.License] = {}
        for lic in license_rows(session, asset_id):
            key = (lic.kind, ids.member_of(lic))
            known = self.by_key.get(key)  # rows of this asset come first
            if known is None or (lic.status in HELD and known.status not in HELD):
                self.by_key[key] = lic

    def next_position(self, excluding: Iterable[tuple[str, str]] = ()) -> int:
        skip = set(excluding)
        taken = [lic.position or 0 for key, lic in self.by_key.items()
                 if lic.status == "waitlisted" and key not in skip]
        return max(taken, default=0) + 1

    def write(self, outcome: MemberOutcome, now: Any, *, assignment_id: int | None = None,
              position: int | None = None, keep_assignment: bool = False) -> m.License | None:
        key = (outcome.kind, outcome.member)
        lic = self.by_key.get(key)
        status = _status(outcome)
        if status is None:
            return lic
        if outcome.outcome in ("licensed", "reclaimed"):
            status = self._ledger_status(outcome, lic) or status
        if lic is None:
            if status == "reclaimed":
                return None
            lic = m.License(asset_id=self.asset_id, kind=outcome.kind, member=outcome.member,
                            status=status, since=now)
            self.by_key[key] = lic
        elif status == "licensed" and lic.status != "licensed":
            lic.since = now
        if outcome.kind == "user":
            lic.client_user_id = lic.client_user_id or self.ids.client_id(outcome.member)
        else:
            lic.serial = outcome.member
        lic.status = status
        lic.reason = None if status == "licensed" else outcome.reason_text
        lic.apple_event_id = outcome.apple_event_id or lic.apple_event_id
        lic.position = position if status == "waitlisted" else None
        if not keep_assignment and assignment_id is not None:
            lic.assignment_id = assignment_id
        lic.source = "console"
        lic.updated_at = now
        self.session.add(lic)
        return lic

    def _ledger_status(self, outcome: MemberOutcome, lic: m.License | None) -> str | None:
        """Apple answered for the member's targets (associated or removed): the ledger
        rule (`domain.licensing.ledger`) says what the row becomes."""
        kind = MemberKind(outcome.kind)
        if lic is not None:
            targets = self.ids.targets_of(lic)
        else:
            targets = frozenset({self.ids.client_id(outcome.member) if kind is MemberKind.USER
                                 else outcome.member})
        answered = frozenset(Holder(kind, t) for t in targets)
        held = answered if outcome.outcome == "licensed" else frozenset()
        row = LedgerRow(0, kind, targets, lic.status if lic is not None else "reclaimed")
        verdict = reconcile_ledger([row], ApplePicture(held, answered)).verdicts[0]
        return None if verdict is Verdict.UNKNOWN else str(verdict)

    def drop_waiting(self, assignment_id: int) -> None:
        """An assignment that is gone leaves nobody waiting for it."""
        for key, lic in list(self.by_key.items()):
            if lic.assignment_id == assignment_id and lic.status in ("waitlisted", "failed"):
                self.session.delete(lic)
                del self.by_key[key]


def _status(outcome: MemberOutcome) -> str | None:
    if outcome.outcome == "licensed":
        return "licensed"
    if outcome.outcome == "reclaimed":
        return "reclaimed"
    if outcome.outcome == "failed":
        if outcome.reason == Reason.NO_LICENSES_LEFT.value:
            return "waitlisted"
        # A reclaim Apple refused leaves the license where it was.
        return "failed"
    return None


def write_outcomes(rows: Rows, outcomes: Iterable[MemberOutcome], now: Any, *,
                   assignment_id: int | None = None) -> list[MemberOutcome]:
    """Write every outcome; waitlisted members get their turn after those already waiting."""
    outcomes = list(outcomes)
    mine = [(o.kind, o.member) for o in outcomes]
    position = rows.next_position(excluding=mine)
    written: list[MemberOutcome] = []
    for outcome in outcomes:
        turn = None
        if outcome.outcome == "failed" and outcome.reason == WAITING:
            turn, position = position, position + 1
        elif outcome.outcome == "failed" and _held(rows, outcome):
            # Apple refused the reclaim: the member still holds the license.
            written.append(outcome)
            continue
        rows.write(outcome, now, assignment_id=assignment_id, position=turn)
        written.append(MemberOutcome(**{**outcome.__dict__, "waitlist_position": turn}))
    return written


def _held(rows: Rows, outcome: MemberOutcome) -> bool:
    lic = rows.by_key.get((outcome.kind, outcome.member))
    return lic is not None and lic.status == "licensed"


def serve_waitlist(session: Session, ctx: ServiceContext, client: Any, asset: m.Asset,
                   ids: AppleIds, target: str) -> tuple[list[str], list[Any]]:
    """Give freed licenses to the waitlist, in order. Returns (admitted members, events)."""
    waiting = session.exec(select(m.License).where(
        m.License.asset_id == asset.id, m.License.status == "waitlisted").order_by(
        col(m.License.position), col(m.License.id))).all()
    if not waiting or (asset.available <= 0 and not asset.unlimited):
        return [], []
    rows = Rows(session, asset.id or 0, ids)
    entries = [WaitlistEntry(ids.member_of(w), MemberKind(w.kind)) for w in waiting]
    admitted, _rest = admit_waitlist(entries, asset.available)
    if not admitted:
        return [], []
    users = users_by_upn(session, [e.member for e in admitted if e.kind is MemberKind.USER],
                         ids)
    problems = register_users(session, ctx, client, list(users.values()), ids, target)
    results = [MemberResult(e.member, e.kind, Outcome.LICENSED, licenses=1) for e in admitted
               if e.member not in problems]
    targets = targets_for(users)
    cids = [t for r in results if r.kind is MemberKind.USER for t in targets(r)]
    serials = [r.member for r in results if r.kind is MemberKind.DEVICE]
    ops = asset_batches(_Op.ASSOCIATE, [(asset.adam_id, asset.pricing_param)], cids,
                        serials, limits_of(client))
    sent = send_ops(session, ctx, client, ops, target)
    now = ctx.clock.now()
    served: list[str] = []
    for result in results:
        outcome = settle(result, targets(result), sent)
        if outcome.outcome == "licensed":
            rows.write(outcome, now, keep_assignment=True)
            served.append(result.member)
    return served, sent.events
