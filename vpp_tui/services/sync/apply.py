"""Apply what Apple said about one token to the store, inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete
from sqlmodel import Session, select

from vpp_tui.domain import tokens as rules
from vpp_tui.domain.licensing import people
from vpp_tui.domain.licensing.ledger import ApplePicture, Holder
from vpp_tui.domain.licensing.model import MemberKind
from vpp_tui.i18n import _, stored
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.facts import location_token_ids
from vpp_tui.services.licensing.ledger import identities, location_assets, write_pictures
from vpp_tui.store import limits
from vpp_tui.store import models as m

UNLIMITED = 2147483647
# An asset's text from Apple and the store lookup, made to fit its columns (store.limits).
ASSET_TEXT = ("name", "platforms", "version", "bundle_id", "store_url", "artwork_url")


@dataclass
class AppleSnapshot:
    config: Any
    assets: list[Any]
    unlimited: list[Any]
    assignments: list[Any]
    assignments_version: str | None
    assignments_delta: bool
    users: list[Any]
    users_version: str | None
    users_delta: bool
    metadata: dict[str, Any]
    country: str
    # `/assets` page 0's versionId; `assets_unchanged`: it was the stored one, so `assets`
    # and `unlimited` are empty and the store's assets stand (domain.sync.assets_unchanged).
    assets_version: str | None = None
    assets_unchanged: bool = False
    # The adamIds whose metadata was looked up (absent from `metadata`: not in that store).
    looked_up: frozenset[str] = frozenset()
    # The assignment pages of the list; `staged_run`: the run whose `sync_stage` rows hold
    # the assignments (streamed, `services.sync.stream`) instead of `assignments`.
    assignment_pages: list[int] = field(default_factory=list)
    staged_run: int | None = None


@dataclass
class ApplyCounts:
    assets: int = 0
    assignments: int = 0
    users: int = 0
    notes: list[str] = field(default_factory=list)


def _platforms(asset: Any, meta: Any) -> str:
    names = list(getattr(meta, "platforms", None) or []) if meta is not None else []
    if not names:
        names = list(asset.supportedPlatforms or [])
    return " ".join(dict.fromkeys(names))


def _apply_config(token: m.Token, config: Any) -> None:
    from vpp_tui.services.tokens.admission import _apply_client_config

    _apply_client_config(token, config)


def _apply_assets(ctx: ServiceContext, session: Session, token: m.Token,
                  snap: AppleSnapshot, counts: ApplyCounts) -> dict[tuple[str, str], int]:
    now = ctx.clock.now()
    if snap.assets_unchanged:
        return _refresh_metadata(session, token, snap, counts, now)
    existing = {(a.adam_id, a.pricing_param): a for a in session.exec(
        select(m.Asset).where(m.Asset.token_id == token.id)).all()}
    seen: set[tuple[str, str]] = set()
    updated_versions: list[tuple[int, str | None, str | None]] = []
    rows = [(a, False) for a in snap.assets] + [(a, True) for a in snap.unlimited]
    for remote, from_unlimited in rows:
        key = (remote.adamId, remote.pricingParam or "STDQ")
        seen.add(key)
        row = existing.get(key)
        if row is None:
            row = m.Asset(token_id=token.id or 0, adam_id=key[0], pricing_param=key[1],
                          product_type=(remote.productType or "App").lower(),
                          name=key[0], created_at=now)
            session.add(row)
        total = getattr(remote, "totalCount", None)
        unlimited = from_unlimited or total == UNLIMITED
        row.product_type = (remote.productType or row.product_type or "app").lower()
        row.assigned = remote.assignedCount or 0
        row.total = UNLIMITED if unlimited else (total or 0)
        row.available = (UNLIMITED - row.assigned) if unlimited else (
            getattr(remote, "availableCount", None) or 0)
        row.retired = getattr(remote, "retiredCount", None) or 0
        row.unlimited = unlimited
        row.device_assignable = bool(remote.deviceAssignable)
        row.revocable = bool(remote.revocable) if remote.revocable is not None else (
            row.product_type != "book")
        meta = snap.metadata.get(key[0])
        _apply_metadata(row, meta, snap, now, updated_versions)
        row.platforms = _platforms(remote, meta) or row.platforms
        limits.clip_fields(row, ASSET_TEXT)
        row.updated_at = now
        counts.assets += 1
    gone = [a for k, a in existing.items() if k not in seen]
    for asset in gone:
        session.delete(asset)
    if gone:
        counts.notes.append(_("{n} items no longer at this location were removed").format(
            n=len(gone)))
    session.flush()
    if token.auto_update and updated_versions:
        _mark_updates(session, updated_versions, counts)
    return {(a.adam_id, a.pricing_param): a.id or 0 for a in session.exec(
        select(m.Asset).where(m.Asset.token_id == token.id)).all()}


def _apply_metadata(row: m.Asset, meta: Any, snap: AppleSnapshot, now: Any,
                    updated_versions: list[tuple[int, str | None, str | None]]) -> None:
    """The store lookup's answer for one asset row; an asset looked up and absent from
    the answer keeps its old metadata and is flagged missing from the store."""
    if meta is not None:
        old_version = row.version
        row.name = getattr(meta, "name", None) or row.name
        row.version = getattr(meta, "version", None) or row.version
        row.bundle_id = getattr(meta, "bundle_id", None) or row.bundle_id
        row.store_url = getattr(meta, "store_url", None) or row.store_url
        row.artwork_url = getattr(meta, "artwork_url", None) or row.artwork_url
        row.custom = bool(getattr(meta, "is_custom", False))
        row.metadata_country = snap.country
        row.missing_in_store = False
        row.metadata_updated_at = now
        if row.id is not None and old_version and row.version != old_version:
            updated_versions.append((row.id, old_version, row.version))
    elif row.adam_id in snap.looked_up and row.metadata_country and (
            row.metadata_country != snap.country):
        # Missing from the new country store: keep the old metadata, flag it.
        row.missing_in_store = True
    elif row.metadata_updated_at is None:
        row.missing_in_store = True


def _refresh_metadata(session: Session, token: m.Token, snap: AppleSnapshot,
                      counts: ApplyCounts, now: Any) -> dict[tuple[str, str], int]:
    """Apple's asset list did not change: the stored assets stand; only those looked up
    (a country change) take the new metadata. Reads the token's asset rows, no licenses."""
    ids = {(adam, pricing): row_id or 0 for adam, pricing, row_id in session.exec(
        select(m.Asset.adam_id, m.Asset.pricing_param, m.Asset.id)
        .where(m.Asset.token_id == token.id)).all()}
    counts.assets += len(ids)
    if not snap.looked_up:
        return ids
    updated: list[tuple[int, str | None, str | None]] = []
    for row in session.exec(select(m.Asset).where(m.Asset.token_id == token.id)).all():
        if row.adam_id not in snap.looked_up:
            continue
        meta = snap.metadata.get(row.adam_id)
        _apply_metadata(row, meta, snap, now, updated)
        if meta is not None and getattr(meta, "platforms", None):
            row.platforms = " ".join(dict.fromkeys(meta.platforms))
        limits.clip_fields(row, ASSET_TEXT)
        row.updated_at = now
        session.add(row)
    session.flush()
    if token.auto_update and updated:
        _mark_updates(session, updated, counts)
    return ids


def _mark_updates(session: Session, updated: list[tuple[int, str | None, str | None]],
                  counts: ApplyCounts) -> None:
    for asset_id, _old, new in updated:
        for assignment in session.exec(select(m.Assignment).where(
                m.Assignment.asset_id == asset_id)).all():
            mark = stored(rules.auto_update_mark, assignment.intent, new)  # shared: English
            if mark is None:
                continue
            assignment.update_pending = True
            assignment.status_message = mark
            session.add(assignment)
        counts.notes.append(_("update pending: new version {v}").format(v=new))


def _apply_users(session: Session, token: m.Token, snap: AppleSnapshot,
                 counts: ApplyCounts, now: Any) -> None:
    # Core statements, not ORM objects: a location can have hundreds of thousands of rows.
    table = m.AppleUser.__table__
    existing = {row.client_user_id: row for row in session.execute(
        select(table.c.id, table.c.client_user_id, table.c.upn, table.c.email,
               table.c.status, table.c.invite_code, table.c.id_hash)
        .where(table.c.token_id == token.id)).all()}
    # A clientUserId may come back several times (retired twins): the live record wins.
    best: dict[str, Any] = {}
    for remote in snap.users:
        cid = remote.clientUserId
        if not cid:
            continue
        current = best.get(cid)
        if current is None or people.revives(current.status, remote.status):
            best[cid] = remote
    inserts, updates = [], []
    for cid, remote in best.items():
        row = existing.get(cid)
        counts.users += 1
        if row is None:
            inserts.append({"token_id": token.id, "client_user_id": cid, "email": remote.email,
                            "status": remote.status or "Registered",
                            "invite_code": remote.inviteCode, "id_hash": remote.idHash,
                            "updated_at": now})
            continue
        values = (remote.email or row.email, remote.status or row.status, remote.inviteCode,
                  remote.idHash or row.id_hash)
        if values != (row.email, row.status, row.invite_code, row.id_hash):
            updates.append({"row_id": row.id, "email": values[0], "status": values[1],
                            "invite_code": values[2], "id_hash": values[3], "updated_at": now})
    if inserts:
        session.execute(table.insert(), inserts)
    if updates:
        session.execute(table.update().where(table.c.id == bindparam("row_id")), updates)


def _apply_assignments(ctx: ServiceContext, session: Session, token: m.Token,
                       asset_ids: dict[tuple[str, str], int], snap: AppleSnapshot,
                       counts: ApplyCounts) -> None:
    """Apple's assignments, through the one ledger rule, into the rows of every token of
    the location: Apple users and assignments are the location's, whichever token made
    them (apple-api.md §2.9–2.10). Only a full read knows what is gone (§3.2)."""
    _location, token_ids = location_token_ids(session, token.id or 0)
    held: dict[tuple[str, str], set[Holder]] = {}
    for remote in snap.assignments:
        key = (remote.adamId, remote.pricingParam or "STDQ")
        if key not in asset_ids:
            continue
        if remote.serialNumber:
            holder = Holder(MemberKind.DEVICE, remote.serialNumber)
        elif remote.clientUserId:
            holder = Holder(MemberKind.USER, remote.clientUserId)
        else:
            continue
        held.setdefault(key, set()).add(holder)
    if snap.assignments_delta and not held:
        return  # nothing changed: no license row is read
    if snap.assignments_delta:
        pictures = {key: ApplePicture.delta(found) for key, found in held.items()}
    else:
        pictures = {key: ApplePicture.full(held.get(key, ())) for key in asset_ids}
    assets = location_assets(session, token_ids, set(pictures))
    written = write_pictures(session, identities(session, token_ids), asset_ids, assets,
                             pictures, ctx.clock.now())
    counts.assignments += written.assignments


def apply_snapshot(ctx: ServiceContext, session: Session, token_id: int,
                   snap: AppleSnapshot) -> ApplyCounts:
    counts = ApplyCounts()
    token = session.get(m.Token, token_id)
    assert token is not None
    _apply_config(token, snap.config)
    token.apple_error = token.apple_error_message = token.apple_error_at = None
    session.add(token)
    asset_ids = _apply_assets(ctx, session, token, snap, counts)
    _apply_users(session, token, snap, counts, ctx.clock.now())
    session.flush()
    if snap.staged_run is not None:
        from vpp_tui.services.sync.staged import apply_staged

        counts.assignments += apply_staged(ctx, session, token.id or 0, asset_ids,
                                           snap.staged_run, delta=snap.assignments_delta)
    else:
        _apply_assignments(ctx, session, token, asset_ids, snap, counts)
    return counts


__all__ = ["AppleSnapshot", "ApplyCounts", "apply_snapshot", "delete"]
