"""The license plan: who gets, keeps or loses a license, and what Apple is asked to do.

Every function here is pure: the services pass in the item, the group and its members,
the license pool and who already holds a license, and get back a `Plan` to show (review
screen, `--dry-run`) and then apply (`plan.operations`, in order).

Order of members (shown to the admin, and the waitlist order; `describe_order`):
- devices by enrolment date, earliest first, devices with no known date last, then by
  serial number;
- users by UPN, case-insensitively;
- device licensing for a user group: users in that order, each user's devices in the
  device order.
Licenses go out strictly in that order: with 100 licenses and 500 members, the first 100
are licensed and the other 400 fail with "no licenses left" and wait, in order, for
licenses to be freed or bought (`Plan.waitlist`, `admit_waitlist`).

Behaviour follows the 2020 articles; `Settings.reclaim_on_removal=False` gives the later
rule (removing an assignment keeps licenses until it is set to Uninstall), and every
plan names the rule in force (`Plan.removal_rule`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vpp_tui.domain.licensing.assign import (
    Ledger,
    assignment_results,
    assignment_warnings,
    associate_ops,
)
from vpp_tui.domain.licensing.batches import asset_batches, revoke_batches
from vpp_tui.domain.licensing.checks import (
    AssignOptions,
    assignment_options,
    default_license_type,
    lint_assignment,
    refusals,
)
from vpp_tui.domain.licensing.departures import HeldLicense, pending_reclaims
from vpp_tui.domain.licensing.model import (
    DEVICES_PER_USER_LICENSE,
    BatchLimits,
    Device,
    Enrollment,
    Group,
    GroupKind,
    Holdings,
    Intent,
    Item,
    LicenseType,
    MemberKind,
    Ownership,
    Platform,
    Pool,
    ProductType,
    Settings,
    User,
)
from vpp_tui.domain.licensing.order import describe_order, order_devices, order_users
from vpp_tui.domain.licensing.removal import Reclaim, hold_reason
from vpp_tui.domain.licensing.results import (
    AppleOp,
    MemberResult,
    OpKind,
    Outcome,
    Plan,
    PlanAction,
    PlanWarning,
    Reason,
    RemovalRule,
    WaitlistEntry,
    WarningCode,
)
from vpp_tui.domain.licensing.revoke import (
    reconcile_results,
    reconcile_warnings,
    revoke_device_parts,
    revoke_item_ops,
    revoke_item_results,
    revoke_user_parts,
    revoke_warnings,
)
from vpp_tui.domain.licensing.text import (
    describe_reason,
    describe_removal_rule,
    describe_warning,
    plan_to_dict,
)
from vpp_tui.domain.licensing.waitlist import (
    admit_waitlist,
    pool_after_waitlist,
    waitlist_order,
)

__all__ = [
    "DEVICES_PER_USER_LICENSE", "AppleOp", "AssignOptions", "assignment_options", "BatchLimits", "Device", "Enrollment", "Group",
    "GroupKind", "HeldLicense", "Holdings", "Intent", "Item", "LicenseType", "MemberKind", "MemberResult",
    "OpKind", "Outcome", "Ownership", "Plan", "PlanAction", "PlanWarning", "Platform",
    "Pool", "ProductType", "Reason", "RemovalRule", "Settings", "User", "WaitlistEntry",
    "WarningCode", "admit_waitlist", "asset_batches", "default_license_type",
    "describe_order", "describe_reason", "describe_removal_rule", "describe_warning",
    "lint_assignment", "pending_reclaims", "plan_to_dict", "pool_after_waitlist",
    "order_devices", "order_users", "plan_assignment", "plan_reconcile", "plan_revoke_device",
    "plan_revoke_item", "plan_revoke_user", "plan_unassignment", "refusals",
    "removal_rule", "revoke_batches", "waitlist_order",
]

_NO_USERS: Mapping[str, User] = {}
_NO_DEVICES: Mapping[str, Device] = {}


def removal_rule(settings: Settings) -> RemovalRule:
    return RemovalRule.RECLAIM if settings.reclaim_on_removal else RemovalRule.KEEP_UNTIL_UNINSTALL


def plan_assignment(
    item: Item,
    group: Group,
    intent: Intent,
    license_type: LicenseType | None = None,
    *,
    pool: Pool,
    holdings: Holdings = Holdings(),
    limits: BatchLimits = BatchLimits(),
    settings: Settings = Settings(),
) -> Plan:
    """Assign `item` to `group`. Refused plans list every member as skipped and carry
    `refusals`; nothing of them may be sent to Apple."""
    license_type = license_type or default_license_type(item)
    common = dict(item=item, intent=intent, license_type=license_type,
                  licenses_before=pool.used, licenses_total=pool.total,
                  order=describe_order(group.kind, license_type),
                  removal_rule=removal_rule(settings))
    refused = refusals(item, group.kind, intent, license_type)
    if refused:
        return Plan(PlanAction.ASSIGN, _all_skipped(group, refused[0]), refusals=refused,
                    **common)
    if intent is Intent.UNINSTALL:
        reclaim = Reclaim(item, holdings, hold_reason(item), uninstall_unlicensed=True,
                          license_type=license_type).walk(group)
        return _reclaim_plan(PlanAction.ASSIGN, reclaim, limits, common,
                             lint_assignment(item, group, intent, license_type))
    ledger = Ledger(pool.available)
    results = assignment_results(item, group, license_type, holdings, ledger)
    return Plan(
        PlanAction.ASSIGN, tuple(results),
        operations=tuple(associate_ops(item, ledger, limits)),
        warnings=tuple(assignment_warnings(item, group, intent, license_type, ledger)),
        consumed=ledger.consumed,
        irreversible=tuple(ledger.licensed_users) if item.is_book else (),
        **common)


def plan_unassignment(
    item: Item,
    group: Group,
    license_type: LicenseType | None = None,
    *,
    holdings: Holdings,
    pool: Pool | None = None,
    still_assigned: Holdings = Holdings(),
    limits: BatchLimits = BatchLimits(),
    settings: Settings = Settings(),
) -> Plan:
    """Remove an assignment. `still_assigned`: members another assignment of the same item
    still covers; they keep their license."""
    license_type = license_type or default_license_type(item)
    keep = not settings.reclaim_on_removal
    reclaim = Reclaim(item, holdings, hold_reason(item, keep), uninstall=True,
                      still_assigned=still_assigned, license_type=license_type).walk(group)
    common = dict(item=item, license_type=license_type,
                  licenses_before=pool.used if pool else holdings.count,
                  licenses_total=pool.total if pool else None,
                  order=describe_order(group.kind, license_type),
                  removal_rule=removal_rule(settings))
    return _reclaim_plan(PlanAction.UNASSIGN, reclaim, limits, common)


def _reclaim_plan(action: PlanAction, reclaim: Reclaim, limits: BatchLimits, common: dict,
                  extra: Sequence[PlanWarning] = ()) -> Plan:
    asset = (reclaim.item.adam_id, reclaim.item.pricing_param)
    ops = asset_batches(OpKind.DISASSOCIATE, [asset], reclaim.client_user_ids,
                        reclaim.serials, limits)
    codes = {w.code for w in extra}
    warnings = list(extra)
    warnings += [w for w in reclaim.warnings(WarningCode.MACOS_RECLAIM_ONLY)
                 if not (w.code is WarningCode.MACOS_RECLAIM_ONLY
                         and WarningCode.UNINSTALL_ON_MACOS in codes)]
    return Plan(action, tuple(reclaim.results), operations=tuple(ops),
                warnings=tuple(warnings), freed=reclaim.freed, **common)


def plan_revoke_item(
    item: Item,
    holdings: Holdings,
    *,
    users: Mapping[str, User] = _NO_USERS,
    devices: Mapping[str, Device] = _NO_DEVICES,
    pool: Pool | None = None,
    limits: BatchLimits = BatchLimits(),
) -> Plan:
    """Revoke every license of one item. `users`/`devices` supply platforms and Apple ids."""
    results, freed = revoke_item_results(item, holdings, users, devices)
    return Plan(PlanAction.REVOKE, tuple(results),
                operations=tuple(revoke_item_ops(item, results, users, limits)),
                warnings=tuple(revoke_warnings(results)), item=item, freed=freed,
                licenses_before=pool.used if pool else holdings.count,
                licenses_total=pool.total if pool else None)


def plan_revoke_user(user: User, items: Sequence[Item],
                     limits: BatchLimits = BatchLimits()) -> Plan:
    """Revoke all of a user's licenses (`items`: what the user holds); books are skipped."""
    results, freed, ops = revoke_user_parts(user, items, limits)
    return Plan(PlanAction.REVOKE, tuple(results), operations=tuple(ops),
                warnings=tuple(revoke_warnings(results)), freed=freed,
                licenses_before=freed, license_type=LicenseType.USER)


def plan_revoke_device(device: Device, items: Sequence[Item],
                       limits: BatchLimits = BatchLimits()) -> Plan:
    """Revoke all of a device's licenses (`items`: what the serial holds)."""
    results, freed, ops = revoke_device_parts(device, items, limits)
    return Plan(PlanAction.REVOKE, tuple(results), operations=tuple(ops),
                warnings=tuple(revoke_warnings(results)), freed=freed,
                licenses_before=freed, license_type=LicenseType.DEVICE)


def plan_reconcile(
    item: Item,
    holdings: Holdings,
    *,
    users: Mapping[str, User],
    devices: Mapping[str, Device],
    assigned_users: frozenset[str],
    assigned_devices: frozenset[str],
    pool: Pool | None = None,
    limits: BatchLimits = BatchLimits(),
) -> Plan:
    """Reclaim from users who left the company (inactive or gone from the directory) or
    every assigned group, and from devices no longer assigned; flag, never reclaim,
    devices removed from management. `assigned_*`: every member any assignment of the
    item reaches, including the devices of user-group members given device licenses."""
    results, freed = reconcile_results(item, holdings, users, devices,
                                       assigned_users, assigned_devices)
    return Plan(PlanAction.RECONCILE, tuple(results),
                operations=tuple(revoke_item_ops(item, results, users, limits)),
                warnings=tuple(reconcile_warnings(results)), item=item, freed=freed,
                licenses_before=pool.used if pool else holdings.count,
                licenses_total=pool.total if pool else None)


def _all_skipped(group: Group, reason: Reason) -> tuple[MemberResult, ...]:
    if group.kind is GroupKind.DEVICE:
        return tuple(MemberResult(d.serial, MemberKind.DEVICE, Outcome.SKIPPED, reason)
                     for d in order_devices(group.devices))
    return tuple(MemberResult(u.upn, MemberKind.USER, Outcome.SKIPPED, reason)
                 for u in order_users(group.users))
