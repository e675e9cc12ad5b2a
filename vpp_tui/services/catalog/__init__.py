"""The catalog: apps and books per token, paged and filtered in SQL (20k rows stay fast)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, or_
from sqlmodel import col, func, select

from vpp_tui.domain.settings import is_low_on_licenses
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.access import Permission, authorize, token_scope_clause
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.services.safe_text import SafeText
from vpp_tui.services.settings import low_license_thresholds
from vpp_tui.store import models as m
from vpp_tui.store.text_match import contains_text

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
    "name": (col(m.Asset.name),),
    # Scarcest first: what runs out next is what an admin looks at.
    "availability": (case((col(m.Asset.unlimited), 1), else_=0), col(m.Asset.available),
                     col(m.Asset.name)),
    "used": (col(m.Asset.assigned).desc(), col(m.Asset.name)),
    "token": (col(m.Token.name), col(m.Asset.name)),
}


# (the store's low-license percentage, {adamId: an item's own}): `low_license_thresholds`.
Thresholds = tuple[float, dict[str, float]]


def _view(asset: m.Asset, token_name: str, pending: bool = False,
          low: Thresholds = (100.0, {})) -> AssetView:
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


def view_of(ctx: ServiceContext, asset: m.Asset, token_name: str) -> AssetView:
    """The view of one stored asset (the caller checked the admin may read it)."""
    return _view(asset, token_name, low=low_license_thresholds(ctx))


def _pending(session: Any, asset_ids: list[int]) -> set[int]:
    """Which of `asset_ids` have an assignment marked by an auto-update (sync_apply)."""
    if not asset_ids:
        return set()
    return set(session.exec(select(m.Assignment.asset_id).where(
        col(m.Assignment.asset_id).in_(asset_ids), col(m.Assignment.update_pending)).distinct()
    ).all())


def _query(ctx: ServiceContext, books: bool | None, token: str | None,
           text: str | None):  # noqa: ANN202
    query = select(m.Asset, m.Token.name).join(
        m.Token, col(m.Token.id) == col(m.Asset.token_id)).where(
        token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_READ))
    if books is not None:
        query = query.where(m.Asset.product_type == ("book" if books else "app"))
    if token:
        query = query.where(m.Token.name == token)
    match = contains_text(text, col(m.Asset.name), col(m.Asset.adam_id), col(m.Token.name))
    if match is not None:
        query = query.where(match)
    return query


def list_assets(ctx: ServiceContext, *, books: bool | None = False, token: str | None = None,
                text: str | None = None, sort: str = "name", offset: int = 0,
                limit: int | None = 500, low_license: Thresholds | None = None) -> AssetPage:
    """A page of the catalog. `low_license`: thresholds to flag items with instead of the
    stored ones (a settings preview). Raises AccessDenied, InvalidInput (unknown sort) or
    NotFound (unknown token)."""
    authorize(ctx, Permission.APPS_READ)
    low = low_license or low_license_thresholds(ctx)
    if sort not in SORTS:
        raise InvalidInput(_("unknown sort {s}; use one of {all}").format(
            s=quote(sort), all=", ".join(SORTS)))
    query = _query(ctx, books, token, text)
    with ctx.store.session() as session:
        if token is not None and not session.exec(select(m.Token.id).where(
                m.Token.name == token, token_scope_clause(ctx, col(m.Token.id),
                                                          Permission.APPS_READ))).first():
            raise NotFound(_("no token named {name}; see 'vpp-tui token list'").format(
                name=quote(token)))
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        paged = query.order_by(*SORTS[sort], col(m.Asset.id)).offset(offset)
        if limit is not None:
            paged = paged.limit(limit)
        found = session.exec(paged).all()
        pending = _pending(session, [a.id for a, _t in found if a.id is not None])
        rows = [_view(a, t, a.id in pending, low) for a, t in found]
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
    with ctx.store.session() as session:
        query = select(m.Asset, m.Token.name).join(
            m.Token, col(m.Token.id) == col(m.Asset.token_id)).where(
            or_(m.Asset.adam_id == item, m.Asset.name == item),
            token_scope_clause(ctx, col(m.Asset.token_id), Permission.APPS_READ))
        if edition:
            query = query.where(m.Asset.pricing_param == edition)
        if token:
            query = query.where(m.Token.name == token)
        matched = session.exec(query.order_by(m.Token.name)).all()
        pending = _pending(session, [a.id for a, _t in matched if a.id is not None])
        found = [_view(a, t, a.id in pending, low) for a, t in matched]
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
    with ctx.store.session() as session:
        rows = session.exec(select(m.Assignment, m.DirectoryGroup.name).join(
            m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id)).where(
            m.Assignment.asset_id == asset_id).order_by(m.DirectoryGroup.name)).all()
        return [AssignmentNote(group, a.intent, a.license_type, a.update_pending,
                               a.status_message) for a, group in rows]


def item_names(ctx: ServiceContext, adam_ids: list[str]) -> dict[str, str]:
    """adamId → the item's name, for output that lists items by adamId (a revoke by user
    or device). An adamId listed under several tokens takes its first name; unknown ids
    are left out."""
    authorize(ctx, Permission.APPS_READ)
    if not adam_ids:
        return {}
    with ctx.store.session() as session:
        rows = session.exec(select(m.Asset.adam_id, m.Asset.name).where(
            col(m.Asset.adam_id).in_(sorted(set(adam_ids)))).order_by(col(m.Asset.id))).all()
    names: dict[str, str] = {}
    for adam_id, name in rows:
        if name and name != adam_id:
            names.setdefault(adam_id, name)
    return names
