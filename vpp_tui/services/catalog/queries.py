"""Read-only lists the console pages through: assignments, directory users, devices, groups.

Every list is filtered, counted and paged in SQL, so a directory of 100k devices costs one
page of rows, never the whole table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Generic, TypeVar

from sqlalchemy import case
from sqlmodel import col, func, select

from vpp_tui.services.access import Permission, authorize, token_scope_clause
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.safe_text import SafeText
from vpp_tui.store import models as m
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


def _count(session, query) -> int:  # noqa: ANN001
    return int(session.exec(select(func.count()).select_from(query.subquery())).one())


def _page(query, offset: int, limit: int | None):  # noqa: ANN001, ANN202
    query = query.offset(offset)
    return query.limit(limit) if limit is not None else query


def list_assignments(ctx: ServiceContext, *, text: str | None = None, offset: int = 0,
                     limit: int | None = 200) -> Page[AssignmentView]:
    """Every assignment across items and tokens, with its license counts."""
    authorize(ctx, Permission.APPS_READ)
    lic = m.License
    status = col(lic.status)
    counts = (select(col(lic.assignment_id).label("aid"),
                     func.sum(case((status.in_(("licensed", "pending")), 1), else_=0))
                     .label("licensed"),
                     func.sum(case((status == "failed", 1), else_=0)).label("failed"),
                     func.sum(case((status == "waitlisted", 1), else_=0)).label("waiting"))
              .where(col(lic.assignment_id).is_not(None))
              .group_by(col(lic.assignment_id)).subquery())
    query = (select(m.Assignment, m.Asset, m.Token.name, m.DirectoryGroup,
                    counts.c.licensed, counts.c.failed, counts.c.waiting)
             .join(m.Asset, col(m.Asset.id) == col(m.Assignment.asset_id))
             .join(m.Token, col(m.Token.id) == col(m.Asset.token_id))
             .join(m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id))
             .outerjoin(counts, counts.c.aid == col(m.Assignment.id))
             .where(token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_READ)))
    match = contains_text(text, col(m.Asset.name), col(m.DirectoryGroup.name),
                          col(m.Token.name))
    if match is not None:
        query = query.where(match)
    with ctx.store.session() as session:
        total = _count(session, query)
        ordered = query.order_by(col(m.Asset.name), col(m.Token.name),
                                 col(m.DirectoryGroup.name), col(m.Assignment.id))
        rows = [AssignmentView(
            a.id or 0, asset.name or asset.adam_id, asset.adam_id, asset.pricing_param,
            asset.product_type, token, group.name, group.kind, a.intent, a.license_type,
            int(licensed or 0), int(failed or 0), int(waiting or 0), a.update_pending)
            for a, asset, token, group, licensed, failed, waiting
            in session.exec(_page(ordered, offset, limit)).all()]
    return Page(rows, offset, total)


def list_users(ctx: ServiceContext, *, text: str | None = None, offset: int = 0,
               limit: int | None = 200) -> Page[UserView]:
    authorize(ctx, Permission.DIRECTORY_READ)
    u = m.DirectoryUser
    query = select(u)
    match = contains_text(text, col(u.upn), col(u.name), col(u.managed_apple_id))
    if match is not None:
        query = query.where(match)
    with ctx.store.session() as session:
        total = _count(session, query)
        rows = [UserView(r.upn, r.name, r.managed_apple_id, r.personal_apple_id, r.active)
                for r in session.exec(_page(query.order_by(col(u.upn)), offset, limit)).all()]
    return Page(rows, offset, total)


def list_devices(ctx: ServiceContext, *, text: str | None = None, offset: int = 0,
                 limit: int | None = 200) -> Page[DeviceView]:
    authorize(ctx, Permission.DIRECTORY_READ)
    d = m.DirectoryDevice
    query = select(d)
    match = contains_text(text, col(d.serial), col(d.name), col(d.platform),
                          col(d.primary_user))
    if match is not None:
        query = query.where(match)
    with ctx.store.session() as session:
        total = _count(session, query)
        rows = [DeviceView(r.serial, r.name, r.platform, r.ownership, r.supervised,
                           r.enrollment, r.kiosk, r.app_store_blocked, r.primary_user,
                           r.managed)
                for r in session.exec(_page(query.order_by(col(d.serial)), offset,
                                            limit)).all()]
    return Page(rows, offset, total)


def list_groups(ctx: ServiceContext, *, text: str | None = None, kind: str | None = None,
                offset: int = 0, limit: int | None = 200) -> Page[GroupView]:
    authorize(ctx, Permission.DIRECTORY_READ)
    g = m.DirectoryGroup
    members = (select(col(m.GroupMember.group_id).label("gid"), func.count().label("n"))
               .group_by(col(m.GroupMember.group_id)).subquery())
    query = select(g, members.c.n).outerjoin(members, members.c.gid == col(g.id))
    match = contains_text(text, col(g.name))
    if match is not None:
        query = query.where(match)
    if kind:
        query = query.where(g.kind == kind)
    with ctx.store.session() as session:
        total = _count(session, query)
        rows = [GroupView(r.name, r.kind, int(n or 0))
                for r, n in session.exec(_page(query.order_by(col(g.name)), offset,
                                               limit)).all()]
    return Page(rows, offset, total)
