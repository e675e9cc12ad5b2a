"""Read-only lists the console pages through: assignments, directory users, devices, groups.

Every list is filtered, counted and paged in SQL, so a directory of 100k devices costs one
page of rows, never the whole table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Generic, TypeVar

from sqlalchemy import case
from sqlalchemy import select as core_select
from sqlmodel import col, func, select

from vpp_tui.services.access import Permission, authorize, token_scope_clause
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.safe_text import SafeText
from vpp_tui.store import models as m
from vpp_tui.store import tables
from vpp_tui.store.text_match import contains_text

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    offset: int
    total: int


@dataclass(frozen=True)
class AssignmentView(SafeText):
    id: int
    item: str
    adam_id: str
    pricing_param: str
    product_type: str
    token: str
    group: str
    group_kind: str
    intent: str
    license_type: str
    licensed: int
    failed: int
    waitlisted: int
    update_pending: bool

    @property
    def item_ref(self) -> str:
        """How `resolve_item` names this exact item (the edition keeps two books apart)."""
        return f"{self.adam_id}:{self.pricing_param}"


@dataclass(frozen=True)
class UserView(SafeText):
    upn: str
    name: str
    managed_apple_id: str | None
    personal_apple_id: bool
    active: bool


@dataclass(frozen=True)
class DeviceView(SafeText):
    serial: str
    name: str
    platform: str
    ownership: str
    supervised: bool
    enrollment: str
    kiosk: bool
    app_store_blocked: bool
    primary_user: str | None
    managed: bool


@dataclass(frozen=True)
class GroupView(SafeText):
    name: str
    kind: str
    members: int


#: the JSON field names (and CSV columns) of `vpp-tui directory users|devices|groups`
DIRECTORY_FIELDS = {kind: tuple(f.name for f in fields(view)) for kind, view in (
    ("users", UserView), ("devices", DeviceView), ("groups", GroupView))}


def directory_json(row: UserView | DeviceView | GroupView) -> dict[str, Any]:
    """A directory row as `vpp-tui directory users|devices|groups --json` prints it."""
    return asdict(row)


def _count(session, query, known: int | None = None) -> int:  # noqa: ANN001
    """The rows `query` matches; `known` when the caller already counted them (a page
    change: only the offset moved), and then no COUNT runs (issue 13)."""
    if known is not None:
        return known
    return int(session.exec(select(func.count()).select_from(query.subquery())).one())


def _page(query, offset: int, limit: int | None):  # noqa: ANN001, ANN202
    query = query.offset(offset)
    return query.limit(limit) if limit is not None else query


def _license_counts(db, assignment_ids: list[int] | None) -> dict[int, tuple[int, int, int]]:  # noqa: ANN001
    """assignment id → (licensed or pending, failed, waitlisted) license rows, for the
    given assignments (None: every assignment); `db` is a Core connection or a session."""
    lic = tables.licenses.c
    query = (core_select(lic.assignment_id,
                    func.sum(case((lic.status.in_(("licensed", "pending")), 1), else_=0)),
                    func.sum(case((lic.status == "failed", 1), else_=0)),
                    func.sum(case((lic.status == "waitlisted", 1), else_=0)))
             .group_by(lic.assignment_id))
    if assignment_ids is None:
        query = query.where(lic.assignment_id.is_not(None))
    elif not assignment_ids:
        return {}
    else:
        query = query.where(lic.assignment_id.in_(assignment_ids))
    return {aid: (int(a or 0), int(f or 0), int(w or 0))
            for aid, a, f, w in db.execute(query).all()}


def list_assignments(ctx: ServiceContext, *, text: str | None = None, offset: int = 0,
                     limit: int | None = 200,
                     known_total: int | None = None) -> Page[AssignmentView]:
    """Every assignment across items and tokens, with its license counts. A page counts
    the license rows of its own assignments only (issue 13: at 100k license rows, counting
    every assignment's for each page made the first visit to Assignments 0.2 s of CPU).
    Read on Core (`Store.reading`), only the columns shown; `known_total`: the count the
    caller read for the same `text` (a page change), not counted again."""
    authorize(ctx, Permission.APPS_READ)
    a, asset, token, group = (tables.assignments.c, tables.assets.c, tables.tokens.c,
                              tables.directory_groups.c)
    query = (core_select(a.id, asset.name, asset.adam_id, asset.pricing_param, asset.product_type,
                    token.name.label("token"), group.name.label("group"),
                    group.kind.label("group_kind"), a.intent, a.license_type,
                    a.update_pending)
             .join(tables.assets, asset.id == a.asset_id)
             .join(tables.tokens, token.id == asset.token_id)
             .join(tables.directory_groups, group.id == a.group_id)
             .where(token_scope_clause(ctx, asset.token_id, Permission.APPS_READ)))
    match = contains_text(text, asset.name, group.name, token.name)
    if match is not None:
        query = query.where(match)
    with ctx.store.reading() as db:
        total = known_total if known_total is not None else db.execute(
            core_select(func.count()).select_from(query.subquery())).scalar_one()
        ordered = query.order_by(asset.name, token.name, group.name, a.id)
        found = db.execute(_page(ordered, offset, limit)).all()
        counts = _license_counts(db, None if limit is None else [r.id for r in found])
        rows = [AssignmentView(
            r.id, r.name or r.adam_id, r.adam_id, r.pricing_param, r.product_type, r.token,
            r.group, r.group_kind, r.intent, r.license_type, *counts.get(r.id, (0, 0, 0)),
            bool(r.update_pending)) for r in found]
    return Page(rows, offset, int(total))


def list_users(ctx: ServiceContext, *, text: str | None = None, offset: int = 0,
               limit: int | None = 200, known_total: int | None = None) -> Page[UserView]:
    """Directory users by UPN whose UPN, name or managed Apple ID contains `text`.
    `known_total`: the count the caller read for the same `text` (not counted again)."""
    authorize(ctx, Permission.DIRECTORY_READ)
    u = m.DirectoryUser
    query = select(u)
    match = contains_text(text, col(u.upn), col(u.name), col(u.managed_apple_id))
    if match is not None:
        query = query.where(match)
    with ctx.store.session() as session:
        total = _count(session, query, known_total)
        rows = [UserView(r.upn, r.name, r.managed_apple_id, r.personal_apple_id, r.active)
                for r in session.exec(_page(query.order_by(col(u.upn)), offset, limit)).all()]
    return Page(rows, offset, total)


def list_devices(ctx: ServiceContext, *, text: str | None = None, offset: int = 0,
                 limit: int | None = 200, known_total: int | None = None) -> Page[DeviceView]:
    """Directory devices by serial whose serial, name, platform or primary user contains
    `text`. `known_total`: the count the caller read for the same `text` (not counted
    again)."""
    authorize(ctx, Permission.DIRECTORY_READ)
    d = m.DirectoryDevice
    query = select(d)
    match = contains_text(text, col(d.serial), col(d.name), col(d.platform),
                          col(d.primary_user))
    if match is not None:
        query = query.where(match)
    with ctx.store.session() as session:
        total = _count(session, query, known_total)
        rows = [DeviceView(r.serial, r.name, r.platform, r.ownership, r.supervised,
                           r.enrollment, r.kiosk, r.app_store_blocked, r.primary_user,
                           r.managed)
                for r in session.exec(_page(query.order_by(col(d.serial)), offset,
                                            limit)).all()]
    return Page(rows, offset, total)


def list_groups(ctx: ServiceContext, *, text: str | None = None, kind: str | None = None,
                offset: int = 0, limit: int | None = 200,
                known_total: int | None = None) -> Page[GroupView]:
    """Groups by name with their member counts, counted for the page's groups only.
    `known_total`: the count the caller read for the same `text` and `kind` (not counted
    again)."""
    authorize(ctx, Permission.DIRECTORY_READ)
    g = m.DirectoryGroup
    query = select(g)
    match = contains_text(text, col(g.name))
    if match is not None:
        query = query.where(match)
    if kind:
        query = query.where(g.kind == kind)
    with ctx.store.session() as session:
        total = _count(session, query, known_total)
        found = session.exec(_page(query.order_by(col(g.name)), offset, limit)).all()
        members = select(col(m.GroupMember.group_id), func.count()).group_by(
            col(m.GroupMember.group_id))
        if limit is not None:
            members = members.where(col(m.GroupMember.group_id).in_(
                [r.id for r in found if r.id is not None]))
        counts = dict(session.exec(members).all()) if found else {}
        rows = [GroupView(r.name, r.kind, int(counts.get(r.id, 0))) for r in found]
    return Page(rows, offset, total)
