"""The catalog: apps and books per token, paged and filtered in SQL (20k rows stay fast).

Read with SQLAlchemy Core (`store.tables`, in `Store.reading()`): `vpp-tui apps list`
imports neither SQLModel nor the ORM (issue 13); rows carry the columns' names, so `_view`
takes a row or a `m.Asset` alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, select

from vpp_tui.domain.settings import is_low_on_licenses
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.access import Permission, authorize, token_scope_clause
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.services.safe_text import SafeText
from vpp_tui.services.settings import low_license_thresholds
from vpp_tui.store import tables
from vpp_tui.store.planner import unindexed
from vpp_tui.store.text_match import contains_text

ASSET = tables.assets.c
TOKEN = tables.tokens.c

UNLIMITED = 2147483647


@dataclass(frozen=True)
class AssetView(SafeText):
    id: int
    token: str
    adam_id: str
    pricing_param: str
    name: str
    product_type: str
    platforms: tuple[str, ...]
    version: str | None
    total: int
    used: int
    available: int
    unlimited: bool
    device_assignable: bool
    revocable: bool
    custom: bool
    store_url: str | None
    missing_in_store: bool
    update_pending: bool = False
    # The new version an auto-update brought (token auto-update on, a newer version seen by
    # a sync while the item is assigned Required or Available); None when none is pending.
    update_available: str | None = None
    # At least the low-license share of its licenses is used (`low_license_percent`, or
    # the item's own override; domain.settings.is_low_on_licenses).
    low_on_licenses: bool = False

    @property
    def utilisation(self) -> float:
        return 0.0 if self.unlimited or not self.total else self.used / self.total

    def as_json(self) -> dict[str, Any]:
        return {
            "token": self.token, "adam_id": self.adam_id, "pricing_param": self.pricing_param,
            "name": self.name, "product_type": self.product_type,
            "platforms": list(self.platforms), "total": self.total, "used": self.used,
            "available": self.available, "device_assignable": self.device_assignable,
            "revocable": self.revocable, "version": self.version, "unlimited": self.unlimited,
            "custom": self.custom, "store_url": self.store_url,
            "missing_in_store": self.missing_in_store,
            "update_available": self.update_available,
            "low_on_licenses": self.low_on_licenses,
        }


#: the JSON field names of an item (`AssetView.as_json`), in order: its CSV columns
ASSET_FIELDS = ("token", "adam_id", "pricing_param", "name", "product_type", "platforms",
                "total", "used", "available", "device_assignable", "revocable", "version",
                "unlimited", "custom", "store_url", "missing_in_store", "update_available",
                "low_on_licenses")


@dataclass(frozen=True)
class AssetPage:
    rows: list[AssetView]
    offset: int
    total: int


SORTS = {
    "name": (ASSET.name,),
    # Scarcest first: what runs out next is what an admin looks at.
    "availability": (case((ASSET.unlimited, 1), else_=0), ASSET.available, ASSET.name),
    "used": (ASSET.assigned.desc(), ASSET.name),
    "token": (TOKEN.name, ASSET.name),
}


# (the store's low-license percentage, {adamId: an item's own}): `low_license_thresholds`.
Thresholds = tuple[float, dict[str, float]]


def _view(asset: Any, token_name: str, pending: bool = False,
          low: Thresholds = (100.0, {})) -> AssetView:
    """The view of `asset` (a row of `assets` or a `m.Asset`)."""
    percent = low[1].get(asset.adam_id, low[0])
    return AssetView(
        id=asset.id or 0, token=token_name, adam_id=asset.adam_id,
        pricing_param=asset.pricing_param, name=asset.name or asset.adam_id,
        product_type=asset.product_type,
        platforms=tuple(p for p in asset.platforms.split() if p), version=asset.version,
        total=asset.total, used=asset.assigned, available=asset.available,
        unlimited=asset.unlimited, device_assignable=asset.device_assignable,
        revocable=asset.revocable, custom=asset.custom, store_url=asset.store_url,
        missing_in_store=asset.missing_in_store, update_pending=pending,
        update_available=(asset.version or "?") if pending else None,
        low_on_licenses=is_low_on_licenses(asset.assigned, asset.total, asset.unlimited,
                                           percent))


def view_of(ctx: ServiceContext, asset: Any, token_name: str) -> AssetView:
    """The view of one stored asset (the caller checked the admin may read it)."""
    return _view(asset, token_name, low=low_license_thresholds(ctx))


def _pending(session: Any, asset_ids: list[int]) -> set[int]:
    """Which of `asset_ids` have an assignment marked by an auto-update (sync_apply)."""
    if not asset_ids:
        return set()
    assignment = tables.assignments.c
    return set(session.execute(select(assignment.asset_id).where(
        assignment.asset_id.in_(asset_ids), assignment.update_pending).distinct()
    ).scalars().all())


def _items() -> Any:
    """Every asset column and its token's name (`token_name`), joined."""
    return select(*tables.assets.columns, TOKEN.name.label("token_name")).join(
        tables.tokens, TOKEN.id == ASSET.token_id)


def _query(ctx: ServiceContext, books: bool | None, token: str | None,
           text: str | None, sort: str = "name"):  # noqa: ANN202
    query = _items().where(token_scope_clause(ctx, ASSET.token_id, Permission.APPS_READ))
    if books is not None:
        kind = ASSET.product_type
        if sort == "name" and not text:
            # In name order, unfiltered: the name index gives a page without sorting every
            # row (`store.planner`; 12 ms → 1 ms a page at 21k apps on SQLite).
            kind = unindexed(kind)
        query = query.where(kind == ("book" if books else "app"))
    if token:
        query = query.where(TOKEN.name == token)
    match = contains_text(text, ASSET.name, ASSET.adam_id, TOKEN.name)
    if match is not None:
        query = query.where(match)
    return query


def list_assets(ctx: ServiceContext, *, books: bool | None = False, token: str | None = None,
                text: str | None = None, sort: str = "name", offset: int = 0,
                limit: int | None = 500, low_license: Thresholds | None = None,
                known_total: int | None = None) -> AssetPage:
    """A page of the catalog. `low_license`: thresholds to flag items with instead of the
    stored ones (a settings preview). `known_total`: the row count the caller read for the
    same books, token and text (a page change: only the offset moved), returned as the
    page's total without counting again (issue 13: the COUNT was a third of a page at 21k
    apps). Raises AccessDenied, InvalidInput (unknown sort) or NotFound (unknown token)."""
    authorize(ctx, Permission.APPS_READ)
    low = low_license or low_license_thresholds(ctx)
    if sort not in SORTS:
        raise InvalidInput(_("unknown sort {s}; use one of {all}").format(
            s=quote(sort), all=", ".join(SORTS)))
    query = _query(ctx, books, token, text, sort)
    with ctx.store.reading() as db:
        if token is not None and not db.execute(select(TOKEN.id).where(
                TOKEN.name == token, token_scope_clause(ctx, TOKEN.id,
                                                        Permission.APPS_READ))).first():
            raise NotFound(_("no token named {name}; see 'vpp-tui token list'").format(
                name=quote(token)))
        # Filtered by text, every row is read to match anyway: the page counts them in the
        # same scan (a window count) instead of a second one.
        counted = bool(text and text.strip()) and known_total is None and limit is not None
        if counted:
            query = query.add_columns(func.count().over().label("matched"))
        paged = query.order_by(*SORTS[sort], ASSET.id).offset(offset)
        if limit is not None:
            paged = paged.limit(limit)
        found = db.execute(paged).all()
        if counted and found:
            total = found[0].matched
        elif known_total is not None:
            total = known_total
        else:
            total = db.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        pending = _pending(db, [a.id for a in found if a.id is not None])
        rows = [_view(a, a.token_name, a.id in pending, low) for a in found]
    return AssetPage(rows=rows, offset=offset, total=int(total))


def resolve_item(ctx: ServiceContext, item: str, token: str | None = None) -> AssetView:
    """ITEM is an adamId or an exact name; several matches need --token to choose. A book
    sold in two editions takes its pricing parameter after a colon (`1590000201:PLUS`)."""
    authorize(ctx, Permission.APPS_READ)
    edition = None
    head, _sep, tail = item.rpartition(":")
    if head and tail.upper() in ("STDQ", "PLUS"):
        item, edition = head, tail.upper()
    low = low_license_thresholds(ctx)
    scope = token_scope_clause(ctx, ASSET.token_id, Permission.APPS_READ)
    with ctx.store.reading() as db:
        query = _items().where(or_(ASSET.adam_id == item, ASSET.name == item), scope)
        if edition:
            query = query.where(ASSET.pricing_param == edition)
        if token:
            query = query.where(TOKEN.name == token)
        matched = db.execute(query.order_by(TOKEN.name)).all()
        pending = _pending(db, [a.id for a in matched if a.id is not None])
        found = [_view(a, a.token_name, a.id in pending, low) for a in matched]
    if not found:
        where = _(" under token {t}").format(t=quote(token)) if token else ""
        raise NotFound(_("no app or book {item}{where}; see 'vpp-tui apps list'").format(
            item=quote(item), where=where))
    if len(found) > 1:
        hint = (_("add --token NAME") if len({v.token for v in found}) > 1
                else _("name the edition as ADAMID:STDQ or ADAMID:PLUS"))
        raise InvalidInput(_("{item} matches {n} items: {candidates}; {hint}").format(
            item=quote(item), n=len(found), hint=hint,
            candidates="; ".join(f"{v.name} ({v.adam_id}:{v.pricing_param}) under {v.token}"
                                 for v in found)))
    return found[0]


@dataclass(frozen=True)
class AssignmentNote:
    """One assignment of an item, with what an auto-update left on it (`status_message`)."""

    group: str
    intent: str
    license_type: str
    update_pending: bool
    status_message: str | None


def assignment_notes(ctx: ServiceContext, asset_id: int) -> list[AssignmentNote]:
    """The item's assignments by group name, for `apps show` and the details screen."""
    authorize(ctx, Permission.APPS_READ)
    a, group = tables.assignments.c, tables.directory_groups.c
    with ctx.store.reading() as db:
        rows = db.execute(select(group.name, a.intent, a.license_type, a.update_pending,
                                 a.status_message).select_from(tables.assignments).join(
            tables.directory_groups, group.id == a.group_id).where(
            a.asset_id == asset_id).order_by(group.name)).all()
        return [AssignmentNote(*row) for row in rows]


def item_names(ctx: ServiceContext, adam_ids: list[str]) -> dict[str, str]:
    """adamId → the item's name, for output that lists items by adamId (a revoke by user
    or device). An adamId listed under several tokens takes its first name; unknown ids
    are left out."""
    authorize(ctx, Permission.APPS_READ)
    if not adam_ids:
        return {}
    with ctx.store.reading() as db:
        rows = db.execute(select(ASSET.adam_id, ASSET.name).where(
            ASSET.adam_id.in_(sorted(set(adam_ids)))).order_by(ASSET.id)).all()
    names: dict[str, str] = {}
    for adam_id, name in rows:
        if name and name != adam_id:
            names.setdefault(adam_id, name)
    return names
