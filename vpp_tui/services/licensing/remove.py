"""Removing an assignment, and the license report of one item.

Removal follows the platform rules (iOS/iPadOS: reclaim and uninstall; macOS: reclaim,
the app stays 30 days; books: never reclaimed) unless the `reclaim_on_removal` setting is
off, in which case licenses stay until an Uninstall assignment; every preview names the
rule in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from vpp_tui.domain.licensing import BatchLimits, LicenseType, Plan, Settings, plan_unassignment
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services import ownership
from vpp_tui.services.access import Permission, authorize, token_id_of, token_scope_clause
from vpp_tui.services.catalog import AssetView, resolve_item, view_of
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import NotFound
from vpp_tui.services.licensing.apply import limits_of
from vpp_tui.services.licensing.common import Target, load_target, reclaim, removal_settings
from vpp_tui.services.licensing.facts import holdings_of, license_keys, license_rows, to_pool
from vpp_tui.services.licensing.members import group_row, load_group, still_assigned
from vpp_tui.services.licensing.views import (
    Failure,
    Holder,
    LicensePreview,
    LicenseReport,
    LicenseResult,
)
from vpp_tui.services.licensing.waitlist import serve_asset, with_served
from vpp_tui.store import models as m


@dataclass
class _Unassign:
    target: Target
    assignment: m.Assignment
    group: Any
    plan: Plan
    preview: LicensePreview


def _plan(session: Session, ctx: ServiceContext, view: AssetView, group: str,
          limits: BatchLimits = BatchLimits(), settings: Settings | None = None) -> _Unassign:
    t = load_target(session, view)
    grow = group_row(session, group)
    assignment = session.exec(select(m.Assignment).where(
        m.Assignment.asset_id == t.asset.id, m.Assignment.group_id == grow.id)).first()
    if assignment is None:
        raise NotFound(_("{item} is not assigned to {group}; see 'vpp-tui licenses {item}'")
                       .format(item=view.name, group=quote(group)))
    loaded = load_group(session, grow, t.ids)
    plan = plan_unassignment(
        t.item, loaded, LicenseType(assignment.license_type),
        holdings=holdings_of(license_keys(session, t.asset.id or 0), t.ids),
        pool=to_pool(t.asset), still_assigned=still_assigned(session, t.asset.id or 0,
                                                             grow.id, t.ids),
        limits=limits, settings=settings or removal_settings(ctx))
    preview = LicensePreview(plan, view.name, view.adam_id, view.token, group=grow.name)
    return _Unassign(t, assignment, loaded, plan, preview)


def plan_unassign(ctx: ServiceContext, item: str, group: str,
                  token: str | None = None) -> LicensePreview:
    """What removing the assignment would reclaim, and which removal rule applies."""
    authorize(ctx, Permission.APPS_UNASSIGN)
    view = resolve_item(ctx, item, token)
    authorize(ctx, Permission.APPS_UNASSIGN, token_id=token_id_of(ctx, view.token))
    with ctx.store.session() as session:
        return _plan(session, ctx, view, group).preview


def apply_unassign(ctx: ServiceContext, item: str, group: str,
                   token: str | None = None) -> LicenseResult:
    """Remove the assignment, reclaim per the removal rule, then serve the waitlist."""
    authorize(ctx, Permission.APPS_UNASSIGN)
    view = resolve_item(ctx, item, token)
    authorize(ctx, Permission.APPS_UNASSIGN, token_id=token_id_of(ctx, view.token))
    with ctx.store.session() as session:
        _plan(session, ctx, view, group)  # bad input fails before Apple is called
    with ownership.reporting() as report, \
            ownership.writes(ctx, view.token, "assignment.delete") as client:
        limits = limits_of(client)
        with ctx.store.session() as session:
            job = _plan(session, ctx, view, group, limits)
        # Committed: Apple is told with no transaction open (`reclaim`).
        users = {u.upn: u for u in job.group.users}
        result = reclaim(ctx, client, job.target, job.plan, users,
                         f"{job.target.label} → {job.group.name}", "unassign", job.group.name,
                         job.assignment.id, remove=True)
        report.value = result
    return with_served(result, serve_asset(ctx, view.id))


@dataclass(frozen=True)
class RemovalEffect:
    """What removing one assignment would reclaim (`reclaimed`, licenses) under a rule."""

    item: str
    token: str
    group: str
    reclaimed: int


def removal_effects(ctx: ServiceContext, reclaim_on_removal: bool) -> list[RemovalEffect]:
    """For every assignment the admin may remove, by item then group: the licenses its
    removal would reclaim with `reclaim_on_removal` (the settings preview; nothing is
    written). Raises AccessDenied without `mobile_apps.unassign`."""
    authorize(ctx, Permission.APPS_UNASSIGN)
    rule = Settings(reclaim_on_removal=reclaim_on_removal)
    effects = []
    with ctx.store.session() as session:
        rows = session.exec(select(m.Asset, m.Token.name, m.DirectoryGroup.name).join(
            m.Assignment, col(m.Assignment.asset_id) == col(m.Asset.id)).join(
            m.Token, col(m.Token.id) == col(m.Asset.token_id)).join(
            m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id)).where(
            token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_UNASSIGN)
        ).order_by(m.Asset.name, m.Token.name, m.DirectoryGroup.name)).all()
        for asset, token, group in rows:
            view = view_of(ctx, asset, token)
            plan = _plan(session, ctx, view, group, settings=rule).plan
            effects.append(RemovalEffect(view.name, token, group, plan.freed))
    return effects


_SHOWN_HELD = ("licensed", "pending")


def licenses(ctx: ServiceContext, item: str, token: str | None = None) -> LicenseReport:
    """Who holds a license of the item, who failed and why, who waits and in what order."""
    authorize(ctx, Permission.APPS_READ)
    view = resolve_item(ctx, item, token)
    with ctx.store.session() as session:
        t = load_target(session, view)
        rows = license_rows(session, t.asset.id or 0)
        holders = sorted((Holder(t.ids.member_of(r), r.kind, r.status, r.since)
                          for r in rows if r.status in _SHOWN_HELD),
                         key=lambda h: (h.kind, h.member.casefold()))
        failures = sorted((Failure(t.ids.member_of(r), r.kind, r.reason or "", r.status,
                                   r.position)
                           for r in rows if r.status in ("failed", "waitlisted")),
                          key=lambda f: (f.status != "failed", f.position or 0,
                                         f.member.casefold()))
        assigned = session.exec(select(m.DirectoryGroup.name, m.Assignment.intent,
                                       m.Assignment.license_type).join(
            m.Assignment, col(m.Assignment.group_id) == col(m.DirectoryGroup.id)).where(
            m.Assignment.asset_id == t.asset.id).order_by(col(m.DirectoryGroup.name))).all()
        return LicenseReport(view.name, view.adam_id, view.token, t.asset.total,
                             t.asset.assigned, t.asset.available, t.asset.unlimited,
                             tuple(holders), tuple(failures),
                             tuple((g, i, lt) for g, i, lt in assigned),
                             t.asset.pricing_param)
