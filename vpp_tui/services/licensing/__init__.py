"""License use cases: assign and unassign an item to a group, and who holds its licenses.

Plan, then apply: `plan_*` reads the store and returns what would happen (nothing is
written, Apple is not called); `apply_*` plans again in a short transaction (recording the
intent), tells Apple with no transaction open, and records per member what Apple confirmed
in another short transaction (see `licensing.apply`, `licensing.txn`). Revoking lives in
`licensing.revoke`, reclaiming from departed members in `licensing.departures`, and the
waitlist (served before an assignment hands licenses out, and after every reclaim) in
`licensing.waitlist`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from vpp_tui.domain.licensing import (
    AppleOp,
    BatchLimits,
    GroupKind,
    Intent,
    LicenseType,
    MemberKind,
    MemberResult,
    Outcome,
    Plan,
    User,
    plan_assignment,
    pool_after_waitlist,
)
from vpp_tui.domain.prompts import plan_prompts_users, prompts_for_devices
from vpp_tui.i18n import _, for_store
from vpp_tui.services import audit, ownership
from vpp_tui.services.access import Permission, authorize, token_id_of
from vpp_tui.services.catalog import AssetView, resolve_item
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.apply import (
    limits_of,
    register_users,
    send_ops,
    settle,
    shield,
    store_users,
    targets_for,
)
from vpp_tui.services.licensing.common import (
    Target,
    load_target,
    parse_enum,
    reclaim,
    refuse,
    removal_settings,
)
from vpp_tui.services.licensing.facts import holdings_of, license_keys, to_pool
from vpp_tui.services.licensing.members import group_devices, group_row, load_group
from vpp_tui.services.licensing.plain import bulk_build
from vpp_tui.services.licensing.rows import Rows, write_outcomes
from vpp_tui.services.licensing.txn import (
    apply_counts,
    fetch_counts,
    write_briefly,
    write_notes,
)
from vpp_tui.services.licensing.views import (
    LicensePreview,
    LicenseResult,
    MemberOutcome,
    PromptGroup,
)
from vpp_tui.services.licensing.waitlist import serve_asset, waiting_entries, with_served
from vpp_tui.store import models as m


def _holder_user(plan: Plan, group: Any) -> dict[str, str]:
    """Serial -> the primary user holding the license (user licensing, device group)."""
    if plan.license_type is not LicenseType.USER or group.kind is not GroupKind.DEVICE:
        return {}
    return {d.serial: d.primary_user for d in group.devices if d.primary_user}


@dataclass
class _Assign:
    target: Target
    group_row: m.DirectoryGroup
    group: Any
    plan: Plan
    users: dict[str, User]
    owner: dict[str, str]
    preview: LicensePreview


@bulk_build()
def _plan_assign(session: Session, ctx: ServiceContext, view: AssetView, group: str,
                 intent: Intent, license_type: LicenseType | None,
                 limits: BatchLimits = BatchLimits()) -> _Assign:
    target = load_target(session, view)
    grow = group_row(session, group)
    loaded = load_group(session, grow, target.ids)
    holdings = holdings_of(license_keys(session, target.asset.id or 0), target.ids)
    # Free licenses go to the members already waiting first: a new assignment never
    # overtakes them (apply serves them before it plans; a preview counts them out).
    waiting = waiting_entries(session, target.asset.id or 0, target.ids)
    plan = plan_assignment(target.item, loaded, intent, license_type,
                           pool=pool_after_waitlist(to_pool(target.asset), waiting),
                           holdings=holdings, limits=limits,
                           settings=removal_settings(ctx))
    users = {u.upn: u for u in loaded.users}
    owner = _holder_user(plan, loaded)
    to_register = set()
    if plan.license_type is LicenseType.USER and intent is not Intent.UNINSTALL:
        for r in plan.by_outcome(Outcome.LICENSED):
            upn = owner.get(r.member) if r.kind is MemberKind.DEVICE else r.member
            if upn and not target.ids.registered(upn):
                to_register.add(upn)
    prompts = prompts_for_devices(group_devices(loaded), str(plan.license_type),
                                  device_assignable=target.item.device_assignable,
                                  product_type=str(target.item.product_type)) \
        if plan_prompts_users(plan) else []
    preview = LicensePreview(plan, view.name, view.adam_id, view.token, group=grow.name,
                             prompts=tuple(PromptGroup(p, n) for p, n in prompts),
                             registrations=len(to_register))
    return _Assign(target, grow, loaded, plan, users, owner, preview)


@bulk_build()
def plan_assign(ctx: ServiceContext, item: str, group: str, intent: str | Intent,
                license_type: str | LicenseType | None = None,
                token: str | None = None) -> LicensePreview:
    """What assigning `item` to `group` would do. Nothing is written."""
    authorize(ctx, Permission.APPS_ASSIGN)
    intent = parse_enum(Intent, intent, "intent")
    license_type = parse_enum(LicenseType, license_type, "license type")
    view = resolve_item(ctx, item, token)
    authorize(ctx, Permission.APPS_ASSIGN, token_id=token_id_of(ctx, view.token))
    with ctx.store.session() as session:
        return _plan_assign(session, ctx, view, group, intent, license_type).preview


def _upsert_assignment(session: Session, ctx: ServiceContext, asset_id: int, group_id: int,
                       intent: Intent, license_type: LicenseType) -> m.Assignment:
    row = session.exec(select(m.Assignment).where(
        m.Assignment.asset_id == asset_id, m.Assignment.group_id == group_id)).first()
    now = ctx.clock.now()
    if row is None:
        row = m.Assignment(asset_id=asset_id, group_id=group_id, intent=str(intent),
                           license_type=str(license_type), created_by=ctx.actor,
                           created_at=now)
    row.intent, row.license_type, row.updated_at = str(intent), str(license_type), now
    session.add(row)
    session.flush()
    return row


def _without(ops: tuple[AppleOp, ...], dropped: set[str]) -> list[AppleOp]:
    kept = [AppleOp(op.kind, op.assets,
                    tuple(c for c in op.client_user_ids if c not in dropped),
                    op.serial_numbers) for op in ops]
    return [op for op in kept if op.size]


def apply_assign(ctx: ServiceContext, item: str, group: str, intent: str | Intent,
                 license_type: str | LicenseType | None = None,
                 token: str | None = None) -> LicenseResult:
    """Assign and tell Apple; every member's outcome is recorded as Apple confirmed it.

    Three steps, no transaction open while Apple works: the plan and the assignment row
    (the intent) commit first; then users/create and the associations (each waiting for
    Apple's event); then one short transaction writes what Apple confirmed.
    """
    authorize(ctx, Permission.APPS_ASSIGN)
    intent = parse_enum(Intent, intent, "intent")
    license_type = parse_enum(LicenseType, license_type, "license type")
    view = resolve_item(ctx, item, token)
    authorize(ctx, Permission.APPS_ASSIGN, token_id=token_id_of(ctx, view.token))
    with ctx.store.session() as session:
        first = _plan_assign(session, ctx, view, group, intent, license_type)
    if not first.plan.allowed:
        refuse(ctx, "assignment.create", f"{first.target.label} → {group}", first.plan)
    served = serve_asset(ctx, view.id)  # those already waiting come first
    with ownership.reporting() as report, \
            ownership.writes(ctx, view.token, "assignment.create") as client:
        limits = limits_of(client)

        def intend(session: Session) -> tuple[_Assign, int]:
            job = _plan_assign(session, ctx, view, group, intent, license_type, limits)
            row = _upsert_assignment(session, ctx, job.target.asset.id or 0,
                                     job.group_row.id or 0, intent,
                                     job.plan.license_type or LicenseType.USER)
            return job, row.id or 0

        job, assignment_id = write_briefly(ctx, intend)
        t, plan = job.target, job.plan
        label = f"{t.label} → {job.group_row.name}"
        if intent is Intent.UNINSTALL:
            result = reclaim(ctx, client, t, plan, job.users, label, "assign",
                             job.group_row.name, assignment_id)
        else:
            result = _associate(ctx, client, job, assignment_id, label)
        report.value = result
    if intent is Intent.UNINSTALL:
        result = with_served(result, serve_asset(ctx, view.id))
    return with_served(result, served, counted=True)


def _associate(ctx: ServiceContext, client: Any, job: _Assign, assignment_id: int,
               label: str) -> LicenseResult:
    """Register users, associate, and record per member what Apple confirmed.

    Apple first, with no session open; then one short transaction (`write_briefly`)."""
    t, plan, view = job.target, job.plan, job.target.view
    intent = plan.intent
    holders = {job.owner.get(r.member, r.member) for r in plan.by_outcome(Outcome.LICENSED)}
    registering = ([job.users[u] for u in sorted(holders) if u in job.users]
                   if plan.license_type is LicenseType.USER and not ctx.cancel.is_set()
                   else [])  # cancelled: nobody registered, `send_ops` sends nothing
    if registering:
        shield(client)  # users/create is a write: its event is awaited and recorded
    registered = register_users(ctx, client, registering, t.ids, label)
    problems = registered.problems
    targets = _assign_targets(job)
    dropped = {c for upn in problems for c in job.users[upn].apple_targets}
    sent = send_ops(ctx, client, _without(plan.operations, dropped), label,
                    t.asset.token_id)
    shown: list[MemberOutcome] = []
    for r in plan.members:
        upn = job.owner.get(r.member) if r.kind is MemberKind.DEVICE else r.member
        if r.outcome is Outcome.LICENSED and upn in problems:
            shown.append(MemberOutcome(r.member, str(r.kind), "failed",
                                       "apple_registration", problems[upn]))
        else:
            shown.append(settle(r, targets(r), sent))
    confirmed = sum(r.licenses for r, o in zip(plan.members, shown, strict=True)
                    if o.outcome == "licensed")
    counts = fetch_counts(client, t.asset, sent.held)

    def write(session: Session) -> LicenseResult:
        ids = store_users(session, ctx, registered, t.asset.token_id)
        write_notes(session, ctx, sent.notes)
        rows = Rows(session, t.asset.id or 0, ids)
        stored = write_outcomes(rows, _as_holders(shown, job.owner), ctx.clock.now(),
                                assignment_id=assignment_id)
        positions = {(o.kind, o.member): o.waitlist_position for o in stored}
        members = tuple(MemberOutcome(**{**o.__dict__, "waitlist_position": positions.get(
            (o.kind, o.member))}) for o in shown)
        asset = session.get(m.Asset, t.asset.id)
        if asset is not None:  # else the item is gone meanwhile: nothing to count
            apply_counts(asset, counts, confirmed)
            session.add(asset)
        asset = asset or t.asset
        result = LicenseResult(
            "assign", view.name, view.token, job.group_row.name, members,
            tuple(sent.events), tuple(w.message for w in plan.warnings),
            asset.total, asset.assigned, error=sent.error,
            batches=sent.batches, cancelled=sent.cancelled)
        with for_store():  # the store is shared: English
            audit.record(session, ctx, "assignment.create", label,
                         result="ok" if sent.error is None else "partial",
                         detail=_("{intent}, {lt} licensing: {ok} licensed, {f} failed").format(
                             intent=intent, lt=plan.license_type, ok=result.licensed,
                             f=result.failed))
        return result

    written = write_briefly(ctx, write)
    sent.held.reraise()  # a Ctrl-C once Apple's answers are recorded
    return written


def _assign_targets(job: _Assign):  # noqa: ANN202
    base = targets_for(job.users)

    def targets(r: MemberResult) -> tuple[str, ...]:
        owner = job.owner.get(r.member) if r.kind is MemberKind.DEVICE else None
        if owner and owner in job.users:
            return job.users[owner].apple_targets
        return base(r)

    return targets


def _as_holders(shown: list[MemberOutcome], owner: dict[str, str]) -> list[MemberOutcome]:
    """User licensing on a device group: the primary user holds the license, once."""
    if not owner:
        return shown
    out: dict[tuple[str, str], MemberOutcome] = {}
    for o in shown:
        upn = owner.get(o.member) if o.kind == "device" else None
        if upn:
            o = MemberOutcome(**{**o.__dict__, "member": upn, "kind": "user"})
        out.setdefault((o.kind, o.member), o)
    return list(out.values())




# The other use cases live in their own modules; this is the one place callers import.
from vpp_tui.services.licensing.departures import (  # noqa: E402
    DirectoryUpdate,
    import_and_reclaim,
    pending_count,
    reclaim_departures,
)
from vpp_tui.services.licensing.remove import (  # noqa: E402
    RemovalEffect,
    apply_unassign,
    licenses,
    plan_unassign,
    removal_effects,
)
from vpp_tui.services.licensing.revoke import apply_revoke, plan_revoke  # noqa: E402
from vpp_tui.services.licensing.waitlist import serve, waitlists  # noqa: E402

serve_waitlist = serve

__all__ = [
    "DirectoryUpdate", "apply_assign", "apply_revoke", "apply_unassign", "import_and_reclaim", "licenses",
    "pending_count", "plan_assign", "plan_revoke", "plan_unassign", "reclaim_departures",
    "RemovalEffect", "removal_effects",
    "serve_waitlist", "waitlists",
]
