"""Reclaiming the licenses of chosen reconciliation classes, with a dry run first.

The same plan and apply path as `revoke --item` (`domain.licensing.plan_revoke_item`,
then `licensing.common.reclaim`): item by item, disassociations in Apple's batch sizes,
what Apple confirmed written in one short transaction with its eventIds audited, then the
item's waitlist served. Books and non-revocable apps are kept, with the reason
(design.md "Apps and books": a book license cannot be reclaimed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import col

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.clock import Cancelled
from vpp_tui.domain.licensing import (
    BatchLimits,
    Device,
    Holdings,
    MemberKind,
    Plan,
    PlanAction,
    PlanWarning,
    User,
    WarningCode,
    plan_revoke_item,
)
from vpp_tui.domain.reconcile import Discrepancy
from vpp_tui.i18n import _
from vpp_tui.services import ownership
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.catalog import _view as asset_view
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.licensing.apply import limits_of
from vpp_tui.services.licensing.common import load_target, reclaim
from vpp_tui.services.licensing.facts import columns_of, to_pool
from vpp_tui.services.licensing.members import to_device
from vpp_tui.services.licensing.plain import bulk_build
from vpp_tui.services.licensing.views import LicensePreview, LicenseResult
from vpp_tui.services.licensing.waitlist import serve_asset, with_served
from vpp_tui.services.reconcile import (
    ReconcileRow,
    parse_classes,
    report_with_facts,
)

__all__ = ["ReclaimEntry", "ReclaimPreview", "ReclaimResult", "apply_reclaim",
           "as_license_result", "parse_classes", "plan_reclaim", "review_reclaim",
           "still_intended_note"]
from vpp_tui.services.reconcile.facts import CHUNK, Facts
from vpp_tui.store import models as m

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReclaimEntry:
    """One license of the dry run: `outcome` reclaimed (would be) or skipped, `reason` a
    stable code (`book_irrevocable`, `not_revocable`, the revoke's note otherwise)."""

    row: ReconcileRow
    outcome: str
    reason: str | None
    reason_text: str | None

    def as_json(self) -> dict[str, Any]:
        return {**self.row.as_json(), "outcome": self.outcome,
                "outcome_reason": self.reason, "outcome_reason_text": self.reason_text}


@dataclass
class _ItemPlan:
    asset_id: int
    token: str
    label: str
    plan: Plan
    users: dict[str, User]
    rows: list[ReconcileRow]


@dataclass(frozen=True)
class ReclaimPreview:
    """What `apply_reclaim` will do, license by license; nothing is written."""

    classes: tuple[str, ...]
    entries: tuple[ReclaimEntry, ...]
    token: str | None = None

    @property
    def reclaimed(self) -> int:
        return sum(1 for e in self.entries if e.outcome == "reclaimed")

    @property
    def excluded(self) -> int:
        return sum(1 for e in self.entries if e.outcome != "reclaimed")

    def as_json(self) -> dict[str, Any]:
        return {"dry_run": True, "classes": list(self.classes), "token": self.token,
                "reclaimed": self.reclaimed, "excluded": self.excluded,
                "licenses": [e.as_json() for e in self.entries]}


@dataclass(frozen=True)
class ReclaimResult:
    """Per item Apple was asked about, the revoke's result; `errors`: items not done."""

    classes: tuple[str, ...]
    results: tuple[LicenseResult, ...]
    excluded: tuple[ReclaimEntry, ...] = ()
    errors: tuple[str, ...] = field(default_factory=tuple)
    not_sent: int = 0  # batches of the items a cancel left untouched (a safe point)

    @property
    def reclaimed(self) -> int:
        return sum(r.reclaimed for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.results)

    def as_json(self) -> dict[str, Any]:
        return {"dry_run": False, "classes": list(self.classes), "reclaimed": self.reclaimed,
                "failed": self.failed, "excluded": len(self.excluded),
                "results": [r.as_json() for r in self.results],
                "errors": list(self.errors)}


def _selected(rows: Sequence[ReconcileRow], classes: Sequence[Discrepancy]
              ) -> dict[int, list[ReconcileRow]]:
    """The rows of `classes` holding a license, one per license, by asset."""
    wanted = {str(c) for c in classes}
    seen: set[int] = set()
    by_asset: dict[int, list[ReconcileRow]] = {}
    for row in rows:
        if row.discrepancy in wanted and row.license_id is not None \
                and row.license_id not in seen:
            seen.add(row.license_id)
            by_asset.setdefault(row.asset_id, []).append(row)
    return by_asset


def _devices(ctx: ServiceContext, serials: set[str]) -> dict[str, Device]:
    found: dict[str, Device] = {}
    wanted = sorted(serials)
    with ctx.store.session() as session:
        for start in range(0, len(wanted), CHUNK):
            for row in session.execute(columns_of(m.DirectoryDevice).where(
                    col(m.DirectoryDevice.serial).in_(wanted[start:start + CHUNK]))):
                found[row.serial] = to_device(row)
    return found


@bulk_build()
def _plans(facts: Facts, chosen: dict[int, list[ReconcileRow]], devices: dict[str, Device],
           limits: BatchLimits = BatchLimits()) -> list[_ItemPlan]:
    plans = []
    item_of = {h.asset_id: h.item for h in facts.held}
    for asset_id, rows in chosen.items():
        asset = facts.assets[asset_id]
        item = item_of[asset_id]
        users = {r.member: User(r.member, active=False, client_user_ids=(r.target or r.member,))
                 for r in rows if r.kind == str(MemberKind.USER)}
        holdings = Holdings(users=frozenset(users),
                            devices=frozenset(r.member for r in rows
                                              if r.kind == str(MemberKind.DEVICE)))
        plan = plan_revoke_item(item, holdings, users=users,
                                devices={s: devices.get(s) or Device(s)
                                         for s in holdings.devices},
                                pool=to_pool(asset), limits=limits)
        plans.append(_ItemPlan(asset_id, rows[0].token, f"{rows[0].item} ({rows[0].token})",
                               plan, users, rows))
    return sorted(plans, key=lambda p: (p.label.casefold(), p.asset_id))


def _entries(plan: _ItemPlan) -> list[ReclaimEntry]:
    by_member = {(r.kind, r.member): r for r in plan.rows}
    out = []
    for result in plan.plan.members:
        row = by_member.get((str(result.kind), result.member))
        if row is not None:
            out.append(ReclaimEntry(row, str(result.outcome),
                                    str(result.reason) if result.reason else None,
                                    result.reason_text))
    return out


def _prepare(ctx: ServiceContext, names: Sequence[str], token: str | None):  # noqa: ANN202
    classes = parse_classes(list(names))
    authorize(ctx, Permission.APPS_REVOKE)
    report, facts = report_with_facts(ctx, token, Permission.APPS_REVOKE, only=classes)
    chosen = _selected(report.rows, classes)
    serials = {r.member for rows in chosen.values() for r in rows
               if r.kind == str(MemberKind.DEVICE)}
    return classes, facts, chosen, _devices(ctx, serials)


@bulk_build()
def plan_reclaim(ctx: ServiceContext, classes: Sequence[str], *,
                 token: str | None = None) -> ReclaimPreview:
    """The dry run: every license of `classes` (class names) and whether it would be
    reclaimed or kept (books, non-revocable apps) and why. Raises InvalidInput (unknown
    class, or one holding nothing), NotFound (token), AccessDenied (APPS_REVOKE)."""
    chosen_classes, facts, chosen, devices = _prepare(ctx, classes, token)
    entries = [e for p in _plans(facts, chosen, devices) for e in _entries(p)]
    return ReclaimPreview(tuple(str(c) for c in chosen_classes), tuple(entries), token)


def apply_reclaim(ctx: ServiceContext, classes: Sequence[str], *, token: str | None = None,
                  on_progress: Progress | None = None) -> ReclaimResult:
    """Reclaim every license of `classes`, item by item, as the dry run showed.

    Each item: `ownership.writes` (guard, then Apple's client config), the plan again with
    Apple's batch limits, `reclaim` (Apple told with no transaction open, the rows and
    counts written with the eventIds audited), then the item's waitlist served. An item
    whose token cannot write (another MDM, expired, Apple failed) is reported in
    `errors` and the others go on. A cancel (`ctx.cancel`) stops it only before a batch
    is posted: between items (`not_sent`) or within one (`LicenseResult.cancelled`). `on_progress(item, done, total)` before each item and
    once at the end. Raises as `plan_reclaim` before anything is sent.
    """
    chosen_classes, facts, chosen, devices = _prepare(ctx, classes, token)
    plans = _plans(facts, chosen, devices)
    excluded = tuple(e for p in plans for e in _entries(p) if e.outcome != "reclaimed")
    results: list[LicenseResult] = []
    errors: list[str] = []
    blocked: set[str] = set()
    todo = [p for p in plans if p.plan.operations]
    not_sent = 0
    for done, item in enumerate(todo):
        if ctx.cancel.is_set():  # a safe point: nothing of the items left was sent
            not_sent = sum(len(p.plan.operations) for p in todo[done:])
            break
        if on_progress is not None:
            on_progress(item.label, done, len(todo))
        if item.token in blocked:
            errors.append(_("{item}: not sent, its token cannot write").format(
                item=item.label))
            continue
        try:
            with ownership.writes(ctx, item.token, "license.reconcile") as client:
                limits = limits_of(client)
                again = _plans(facts, {item.asset_id: item.rows}, devices, limits)[0]
                with ctx.store.session() as session:
                    asset = session.get(m.Asset, item.asset_id)
                    if asset is None:
                        errors.append(_("{item}: gone from the store; sync again").format(
                            item=item.label))
                        continue
                    target = load_target(session, asset_view(asset, item.token))
                # Committed: Apple is told with no transaction open (`reclaim`).
                result = reclaim(ctx, client, target, again.plan, again.users, item.label,
                                 "reconcile", None, None)
        except Cancelled:  # before its first post (`send_ops` shields the client after)
            not_sent = sum(len(p.plan.operations) for p in todo[done:])
            break
        except (ServiceError, apple_errors.AppleError, OSError) as exc:
            blocked.add(item.token)
            why = exc.message if isinstance(exc, ServiceError) else apple_failure_text(exc)
            errors.append(f"{item.label}: {why}")
            continue
        results.append(with_served(result, serve_asset(ctx, item.asset_id)))
        if result.error:
            errors.append(f"{item.label}: {result.error}")
    if on_progress is not None:
        on_progress("", len(todo), len(todo))
    return ReclaimResult(tuple(str(c) for c in chosen_classes), tuple(results), excluded,
                         tuple(errors), not_sent)


def still_intended_note(item: str, group: str) -> str:
    """What reclaiming a license an assignment still wants leaves behind, and what to do:
    the dry run's note and the review's warning (design.md "Licensing": a license is
    given only through an assignment's review)."""
    return _("still in {group}, assigned {item}: without a license until the assignment "
             "is applied again (vpp-tui assign \"{item}\" --group \"{group}\" …)").format(
        group=group, item=item)


def _still_intended(plans: Sequence[_ItemPlan]) -> tuple[PlanWarning, ...]:
    """One warning per (item, group) whose reclaimed members the group still wants."""
    found: dict[tuple[str, str], list[str]] = {}
    for p in plans:
        reclaimed = {(str(r.kind), r.member) for r in p.plan.members
                     if str(r.outcome) == "reclaimed"}
        for row in p.rows:
            if row.still_intended_by and (row.kind, row.member) in reclaimed:
                found.setdefault((row.item, row.still_intended_by), []).append(row.member)
    return tuple(PlanWarning(WarningCode.STILL_INTENDED,
                             f"{', '.join(members)}: {still_intended_note(item, group)}",
                             tuple(members))
                 for (item, group), members in found.items())


@bulk_build()
def review_reclaim(ctx: ServiceContext, classes: Sequence[str], *,
                   token: str | None = None) -> LicensePreview:
    """The dry run as one revoke plan over every item (each member row names its adamId),
    for the console's license review screen. Raises as `plan_reclaim`."""
    chosen_classes, facts, chosen, devices = _prepare(ctx, classes, token)
    plans = _plans(facts, chosen, devices)
    members = tuple(replace(r, item=p.plan.item.adam_id if p.plan.item else None)
                    for p in plans for r in p.plan.members)
    freed = sum(p.plan.freed for p in plans)
    merged = Plan(PlanAction.REVOKE, members,
                  operations=tuple(o for p in plans for o in p.plan.operations),
                  warnings=tuple(w for p in plans for w in p.plan.warnings)
                  + _still_intended(plans),
                  freed=freed, licenses_before=sum(p.plan.licenses_before for p in plans))
    tokens = ", ".join(dict.fromkeys(p.token for p in plans)) or None
    return LicensePreview(merged, None, None, tokens,
                          target=", ".join(str(c) for c in chosen_classes))


def as_license_result(result: ReclaimResult) -> LicenseResult:
    """`result` as one revoke result (members of every item, Apple's events, the first
    error): what the console's job toast and error modal read."""
    results = result.results
    return LicenseResult("reconcile", None,
                         ", ".join(dict.fromkeys(r.token for r in results if r.token)) or None,
                         None, tuple(m for r in results for m in r.members),
                         tuple(e for r in results for e in r.events),
                         tuple(dict.fromkeys(w for r in results for w in r.warnings)),
                         admitted=tuple(a for r in results for a in r.admitted),
                         error="; ".join(result.errors) or None,
                         target=", ".join(result.classes))
