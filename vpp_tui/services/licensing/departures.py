"""Reclaiming licenses from members who left, after a directory import.

A user who left the company, or every group an item is assigned to, loses that item's
license; a device that left its assigned groups loses it too. A device removed from
management keeps its licenses (design.md): it is reported, never reclaimed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from vpp_tui.domain.licensing import BatchLimits, Holdings, plan_reconcile
from vpp_tui.services import ownership
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.catalog import AssetView, resolve_item
from vpp_tui.services.catalog import _view as asset_view
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.apply import limits_of, refresh_counts
from vpp_tui.services.licensing.common import Target, load_target, reclaim
from vpp_tui.services.licensing.facts import (
    HELD,
    apple_ids,
    assigned_groups,
    load_group,
    reach,
    to_pool,
)
from vpp_tui.services.licensing.revoke import _holders
from vpp_tui.services.licensing.rows import serve_waitlist
from vpp_tui.services.licensing.views import LicenseResult
from vpp_tui.store import models as m


def _candidates(session: Session, departures: Iterable[Any]) -> dict[int, Holdings]:
    """Per asset, the departed members holding its license that may have to lose it."""
    departures = list(departures)
    left_company = {d.member for d in departures if d.kind == "user" and d.group is None}
    left_group: dict[str, set[tuple[str, str]]] = {}
    for d in departures:
        if d.group is not None:
            left_group.setdefault(d.group, set()).add((d.kind, d.member))
    group_assets: dict[int, set[tuple[str, str]]] = {}
    for name, members in left_group.items():
        for asset_id in session.exec(select(m.Assignment.asset_id).join(
                m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id))
                .where(m.DirectoryGroup.name == name)).all():
            group_assets.setdefault(asset_id, set()).update(members)
    found: dict[int, tuple[set[str], set[str]]] = {}
    ids_of: dict[int, Any] = {}
    rows = session.exec(select(m.License, m.Asset.token_id).join(
        m.Asset, col(m.Asset.id) == col(m.License.asset_id)).where(
        col(m.License.status).in_(HELD))).all()
    for lic, token_id in rows:
        ids = ids_of.setdefault(token_id, apple_ids(session, token_id))
        member = ids.member_of(lic)
        key = (lic.kind, member)
        gone = (lic.kind == "user" and member in left_company) or key in group_assets.get(
            lic.asset_id, ())
        if gone:
            users, devices = found.setdefault(lic.asset_id, (set(), set()))
            (users if lic.kind == "user" else devices).add(member)
    return {a: Holdings(frozenset(u), frozenset(d)) for a, (u, d) in found.items()}


def _view(session: Session, asset_id: int) -> AssetView:
    asset = session.get(m.Asset, asset_id)
    token = session.get(m.Token, asset.token_id) if asset else None
    assert asset is not None and token is not None
    return asset_view(asset, token.name)


def _plan(session: Session, t: Target, holdings: Holdings, limits: Any):  # noqa: ANN202
    users, devices = _holders(session, t, holdings)
    assigned_users: set[str] = set()
    assigned_devices: set[str] = set()
    for assignment, grow in assigned_groups(session, t.asset.id or 0):
        if assignment.intent == "uninstall":
            continue
        reached = reach(load_group(session, grow, t.ids))
        assigned_users |= reached.users
        assigned_devices |= reached.devices
    plan = plan_reconcile(t.item, holdings, users=users, devices=devices,
                          assigned_users=frozenset(assigned_users),
                          assigned_devices=frozenset(assigned_devices),
                          pool=to_pool(t.asset), limits=limits)
    return plan, users


def reclaim_departures(ctx: ServiceContext, departures: Iterable[Any]) -> list[LicenseResult]:
    """Reclaim, per item, the licenses of members who left (`ImportResult.departures`)."""
    authorize(ctx, Permission.APPS_ASSIGN)
    with ctx.store.session() as session:
        todo = {a: (h, _view(session, a)) for a, h in _candidates(session, departures).items()}
    results = []
    for _asset_id, (holdings, view) in sorted(todo.items(), key=lambda kv: kv[1][1].name):
        with ctx.store.session() as session:
            plan, _users = _plan(session, load_target(session, view), holdings,
                             BatchLimits())
        if not plan.operations:
            continue
        with ownership.writes(ctx, view.token, "license.reconcile") as client, \
                ctx.store.session() as session:
            t = load_target(session, view)
            plan, users = _plan(session, t, holdings, limits_of(client))
            results.append(reclaim(session, ctx, client, t, plan, users, t.label,
                                   "reconcile", None, None))
    return results


def serve(ctx: ServiceContext, item: str, token: str | None = None) -> list[str]:
    """Give an item's free licenses (freed or bought) to its waitlist, in order."""
    authorize(ctx, Permission.APPS_ASSIGN)
    view = resolve_item(ctx, item, token)
    with ownership.writes(ctx, view.token, "license.serve") as client, \
            ctx.store.session() as session:
        t = load_target(session, view)
        served, _events = serve_waitlist(session, ctx, client, t.asset, t.ids, t.label)
        if served:
            refresh_counts(client, t.asset, len(served))
        session.add(t.asset)
        return served

