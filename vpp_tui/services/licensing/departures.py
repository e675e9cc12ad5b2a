"""Reclaiming licenses from members who left, after a directory import.

A user who left the company, or every group an item is assigned to, loses that item's
license; a device that left its assigned groups loses it too. A device removed from
management keeps its licenses (design.md): it is reported, never reclaimed here.

Who has left is derived from the store each time (`domain.licensing.pending_reclaims`),
never remembered from one import: a reclaim Apple failed, or one never attempted, is
still pending at the next import, until Apple confirms it. The console's import and the
CLI's both call `import_and_reclaim`; the licenses freed go to the waitlist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.domain.licensing import (
    BatchLimits,
    HeldLicense,
    Holdings,
    MemberKind,
    Plan,
    plan_reconcile,
)
from vpp_tui.domain.licensing import pending_reclaims as derive_pending
from vpp_tui.domain.licensing.departures import (
    folded_directory,
    pending_whatever_reach,
)
from vpp_tui.i18n import _
from vpp_tui.services import directory, ownership
from vpp_tui.services.access import (
    AccessDenied,
    Permission,
    authorize,
    token_scope_clause,
    visible_token_names,
)
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.catalog import AssetView
from vpp_tui.services.catalog import _view as asset_view
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.directory_reads import held_directory, users_named
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.licensing.apply import limits_of
from vpp_tui.services.licensing.common import Target, load_target, reclaim
from vpp_tui.services.licensing.facts import HELD, apple_ids, plain_rows, to_pool
from vpp_tui.services.licensing.members import assigned_groups, load_group, reach
from vpp_tui.services.licensing.plain import bulk_build
from vpp_tui.services.licensing.revoke import _holders
from vpp_tui.services.licensing.views import LicensePreview, LicenseResult
from vpp_tui.services.licensing.waitlist import serve_asset, with_served
from vpp_tui.store import models as m

Progress = Callable[[str, int, int], None]


def _reached(session: Session, asset_id: int, ids: Any,
             groups: dict[int, Holdings]) -> Holdings:
    """Every member an assignment (not Uninstall) of the asset reaches."""
    users: set[str] = set()
    devices: set[str] = set()
    for assignment, grow in assigned_groups(session, asset_id):
        if assignment.intent == "uninstall":
            continue
        if grow.id not in groups:
            groups[grow.id or 0] = reach(load_group(session, grow, ids))
        users |= groups[grow.id or 0].users
        devices |= groups[grow.id or 0].devices
    return Holdings(users=frozenset(users), devices=frozenset(devices))


_KINDS = {str(k): k for k in MemberKind}  # MemberKind(value) per row cost 1 µs × 100k


def _held(kind: str, member: str, assignment_id: int | None, source: str,
          known: set[str]) -> HeldLicense:
    """What the pending rule reads of a held license row: its kind, member (the person,
    for a user license), whether an assignment gave it, and whether the console knows
    the person (licensed by the console, or one of its Apple users has a UPN)."""
    return HeldLicense(member, _KINDS[kind], via_assignment=assignment_id is not None,
                       known=source == "console" or member.casefold() in known)


def _token_ids(session: Session) -> dict[int, int]:
    """Asset id -> token id, for every asset (a few hundred rows)."""
    asset = m.Asset.__table__.c  # type: ignore[attr-defined]
    return dict(plain_rows(session, sa_select(asset.id, asset.token_id)))


@bulk_build()
def _pending(session: Session, ids_of: dict[int, Any] | None = None
             ) -> dict[int, Holdings]:
    """Per asset, the holders whose license is pending reclaim (derived, never stored).
    Linear in the held rows: each token's Apple users are read once (issue 13: once per
    asset, with every person's ids gathered again per asset), and only the directory
    users a held row can name (`held_directory`), not the whole directory. A license no
    assignment gave is judged once per holder, whatever the item (`pending_whatever_
    reach`), and a device's is never pending: only the rows of the holders pending and
    those assignments gave are gathered per item. `ids_of`: filled with each token's
    `AppleIds` read here, by token id (for the plans)."""
    # Core reads of the driver's tuples: no ORM row processing for 100k rows.
    lic = m.License.__table__.c  # type: ignore[attr-defined]
    held = lic.status.in_(HELD)
    token_of = _token_ids(session)
    ids_of = {} if ids_of is None else ids_of
    known_of: dict[int, set[str]] = {}
    # One HeldLicense per distinct row shape of a token (a person holding four items is
    # resolved once, not four times).
    memo_of: dict[int, dict[tuple, HeldLicense]] = {}

    def memo(token_id: int) -> dict[tuple, HeldLicense]:
        found = memo_of.get(token_id)
        if found is None:  # once per token, not once per asset
            if token_id not in ids_of:
                ids_of[token_id] = apple_ids(session, token_id)
            known_of[token_id] = {upn for upn, apple in ids_of[token_id].rows_of.items()
                                  if any(r.upn for r in apple)}
            found = memo_of[token_id] = {}
        return found

    def resolved(token_id: int, kind: str, raw: str, cid: str | None,
                 assignment_id: int | None, source: str) -> HeldLicense:
        shapes = memo(token_id)
        key = (kind, raw, cid, assignment_id is None, source)
        one = shapes.get(key)
        if one is None:
            member = ids_of[token_id].person_of(raw, cid) if kind == "user" else raw
            one = shapes[key] = _held(kind, member, assignment_id, source,
                                      known_of[token_id])
        return one

    # Users' licenses no assignment gave, by source (three columns: 100k rows' cost is
    # in the values fetched), then every license an assignment gave.
    by_source = [(source, plain_rows(session, sa_select(
        lic.asset_id, lic.member, lic.client_user_id).where(
        held, lic.kind == "user", lic.assignment_id.is_(None),
        (lic.source == "console") if source == "console" else (lic.source != "console"))))
        for source in ("console", "other")]
    via = plain_rows(session, sa_select(
        lic.asset_id, lic.kind, lic.member, lic.client_user_id, lic.assignment_id,
        lic.source).where(held, lic.assignment_id.is_not(None)))
    plain: dict[tuple, HeldLicense] = {}  # (token, source, member, cid) -> its license
    for source, rows in by_source:
        for _asset_id, raw, cid in rows:
            token_id = token_of[_asset_id]
            shape = (token_id, source, raw, cid)
            if shape not in plain:
                plain[shape] = resolved(token_id, "user", raw, cid, None, source)
    every: dict[int, list[HeldLicense]] = {}
    for asset_id, kind, raw, cid, assignment_id, source in via:
        every.setdefault(asset_id, []).append(
            resolved(token_of[asset_id], kind, raw, cid, assignment_id, source))
    ascii_only = all(h.member.isascii() for shapes in memo_of.values()
                     for h in shapes.values() if h.kind is MemberKind.USER)
    people = folded_directory(users_named(session, {
        h.member.lower() for shapes in memo_of.values() for h in shapes.values()
        if h.kind is MemberKind.USER}) if ascii_only
        else held_directory(session, every_user=True)[0])
    leaving = {shape for shape, one in plain.items() if pending_whatever_reach(one, people)}
    if leaving:  # the rows of those who left, per item
        for source, rows in by_source:
            for asset_id, raw, cid in rows:
                shape = (token_of[asset_id], source, raw, cid)
                if shape in leaving:
                    every.setdefault(asset_id, []).append(plain[shape])
    groups: dict[int, Holdings] = {}
    found: dict[int, Holdings] = {}
    for asset_id in sorted(every):
        held_here = every[asset_id]
        ids = ids_of[token_of[asset_id]]
        reached = (_reached(session, asset_id, ids, groups)
                   if any(h.via_assignment for h in held_here) else Holdings())
        pending = derive_pending(held_here, directory_users=people, reached=reached)
        if pending.count:
            found[asset_id] = pending
    return found


def _view(session: Session, asset_id: int) -> AssetView:
    asset = session.get(m.Asset, asset_id)
    token = session.get(m.Token, asset.token_id) if asset else None
    assert asset is not None and token is not None
    return asset_view(asset, token.name)


def _plan(session: Session, t: Target, holdings: Holdings, limits: Any,  # noqa: ANN202
          groups: dict[int, Holdings] | None = None):
    """The reconcile plan of one item; `groups`: the groups' reach already read in this
    session (a plan over many items reads each group once), filled here."""
    users, devices = _holders(session, t, holdings)
    reached = _reached(session, t.asset.id or 0, t.ids, {} if groups is None else groups)
    plan = plan_reconcile(t.item, holdings, users=users, devices=devices,
                          assigned_users=reached.users, assigned_devices=reached.devices,
                          pool=to_pool(t.asset), limits=limits)
    return plan, users


def _todo(ctx: ServiceContext, ids_of: dict[int, Any] | None = None
          ) -> list[tuple[int, Holdings, AssetView]]:
    """(asset id, holders pending reclaim, item) for every item in the admin's reach,
    by item name then token. Raises AccessDenied without APPS_REVOKE_HOLDER when
    something is pending. `ids_of`: as `_pending`'s."""
    with ctx.store.session() as session:
        todo = {a: (h, _view(session, a)) for a, h in _pending(session, ids_of).items()}
    if todo:
        authorize(ctx, Permission.APPS_REVOKE_HOLDER)
        reach = visible_token_names(ctx, Permission.APPS_REVOKE_HOLDER)
        todo = {a: hv for a, hv in todo.items() if hv[1].token in reach}
    ordered = sorted(todo.items(), key=lambda kv: (kv[1][1].name, kv[1][1].token))
    return [(a, h, v) for a, (h, v) in ordered]


@bulk_build()
def _dry_plans(ctx: ServiceContext, todo: list[tuple[int, Holdings, AssetView]],
               known: dict[int, Any] | None = None) -> list[Plan]:
    """The plan of each item of `todo` (Apple's default batch sizes), in one session that
    reads each token's identities and each group's reach once. `known`: identities
    already read (by token id, as `load_target`'s), for a plan made right after `_todo`."""
    plans = []
    known = {} if known is None else known
    groups: dict[int, Holdings] = {}
    with ctx.store.session() as session:
        for _asset_id, holdings, view in todo:
            plans.append(_plan(session, load_target(session, view, known), holdings,
                               BatchLimits(), groups)[0])
    return plans


@bulk_build()
def plan_departures(ctx: ServiceContext) -> list[LicensePreview]:
    """The dry run of `reclaim_departures`: per item holding licenses pending reclaim, in
    its order, the revoke plan (Apple's default batch sizes). Nothing is written, Apple
    is not called. Raises as `reclaim_departures` before anything is sent."""
    ids_of: dict[int, Any] = {}  # each token's Apple users read once for both steps
    todo = _todo(ctx, ids_of)
    return [LicensePreview(plan, view.name, view.adam_id, view.token)
            for (_a, _h, view), plan in zip(todo, _dry_plans(ctx, todo, ids_of),
                                            strict=True)]


def reclaim_departures(ctx: ServiceContext, *,
                       on_progress: Progress | None = None) -> list[LicenseResult]:
    """Reclaim, item by item, every license pending reclaim; then serve each waitlist.

    Returns one result per item Apple was asked about. `on_progress(item, done, total)`
    is called before each item and once at the end. Raises AccessDenied without
    APPS_ASSIGN when something is pending; Apple errors end up in `LicenseResult.error`, and what Apple did not
    confirm stays pending for the next import.
    """
    ids_of: dict[int, Any] = {}
    ordered = _todo(ctx, ids_of)
    dry = _dry_plans(ctx, ordered, ids_of)
    results = []
    for done, (asset_id, holdings, view) in enumerate(ordered):
        if on_progress is not None:
            on_progress(view.name, done, len(ordered))
        if not dry[done].operations:
            continue
        with ownership.writes(ctx, view.token, "license.reconcile") as client:
            limits = limits_of(client)
            with ctx.store.session() as session:
                t = load_target(session, view)
                plan, users = _plan(session, t, holdings, limits)
            # Committed: Apple is told with no transaction open (`reclaim`).
            result = reclaim(ctx, client, t, plan, users, t.label, "reconcile", None, None)
        results.append(with_served(result, serve_asset(ctx, asset_id)))
    if on_progress is not None:
        on_progress("", len(ordered), len(ordered))
    return results


@dataclass(frozen=True)
class DirectoryUpdate:
    """A directory import and the reclaims from the members who left."""

    imported: directory.ImportResult
    reclaims: tuple[LicenseResult, ...] = ()
    error: str | None = None  # the reclaim stopped or Apple refused part of it

    @property
    def reclaimed(self) -> int:
        return sum(r.reclaimed for r in self.reclaims)

    @property
    def still_pending(self) -> int:
        """Licenses Apple did not confirm reclaimed: tried again at the next import."""
        return sum(r.failed for r in self.reclaims)

    @property
    def admitted(self) -> int:
        return sum(len(r.admitted) for r in self.reclaims)

    def as_json(self) -> dict[str, Any]:
        """`directory import --json`: the import, then each reclaim (as `revoke --json`)."""
        return {**self.imported.as_json(), "reclaimed": self.reclaimed,
                "still_pending": self.still_pending, "admitted_from_waitlist": self.admitted,
                "reclaims": [r.as_json() for r in self.reclaims], "error": self.error}

    def summary(self) -> str:
        text = self.imported.summary()
        if self.reclaims:
            text += _("; {r} licenses reclaimed, {a} given to the waitlist").format(
                r=self.reclaimed, a=self.admitted)
        if self.still_pending:
            text += _("; {n} still pending reclaim").format(n=self.still_pending)
        return text


def import_and_reclaim(ctx: ServiceContext, text: str, *, filename: str = "directory.json",
                       kind: str | None = None, allow_mass_removal: bool = False,
                       max_removal_percent: float | None = None,
                       on_progress: Progress | None = None) -> DirectoryUpdate:
    """Import the directory, then reclaim from every member who left, then serve waitlists.

    The import is all or nothing and raises `DirectoryFileError` for a bad file,
    `DirectoryFileUnusable` for one with nothing to import, and `directory.MassRemoval`
    when it would remove too much (unless `allow_mass_removal`; `max_removal_percent`
    as in `directory.import_directory`): nothing written, Apple not called.
    `on_progress(what, done, total)`: (filename, 0, 0) while importing, then
    as `reclaim_departures` reports it. Once saved, it stands: a reclaim that cannot run (no APPS_ASSIGN, Apple
    unreachable) is reported in `DirectoryUpdate.error` and stays pending.
    """
    if on_progress is not None:
        on_progress(filename, 0, 0)  # total 0: the file is being imported
    imported = directory.import_directory(ctx, text, filename=filename, kind=kind,
                                          allow_mass_removal=allow_mass_removal,
                                          max_removal_percent=max_removal_percent)
    try:
        reclaims = tuple(reclaim_departures(ctx, on_progress=on_progress))
    except (ServiceError, AccessDenied, apple_errors.AppleError, OSError) as exc:
        why = (exc.message if isinstance(exc, ServiceError)
               else str(exc) if isinstance(exc, AccessDenied) else apple_failure_text(exc))
        return DirectoryUpdate(imported, error=why)
    return DirectoryUpdate(imported, reclaims,
                           next((r.error for r in reclaims if r.error), None))


@bulk_build()
def pending_count(ctx: ServiceContext) -> int:
    """How many licenses are pending reclaim from members who left (read only)."""
    authorize(ctx, Permission.APPS_READ)
    scope = token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_READ)
    with ctx.store.session() as session:
        mine = set(session.exec(select(m.Asset.id).where(scope)).all())
        return sum(h.count for a, h in _pending(session).items() if a in mine)
