"""Apple's picture of a location written into the license rows of every token of it.

Apple keys an assignment by (location, adamId, pricingParam, clientUserId or serial); the
store hangs license rows off per-token assets. This module gathers, for each (adamId,
pricingParam), the rows of that item under every token of the location, asks the one
ledger rule (`domain.licensing.ledger.reconcile_ledger`) what they must say, and writes
the answer in the caller's transaction: statuses that change, and a row for each Apple
assignment no row explains (an orphan, found at Apple) under the `home` token's asset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from vpp_tui.domain.licensing import people
from vpp_tui.domain.licensing.ledger import (
    ApplePicture,
    LedgerRow,
    RowStatus,
    reconcile_ledger,
)
from vpp_tui.domain.licensing.model import MemberKind
from vpp_tui.i18n import _, stored
from vpp_tui.store import models as m
from vpp_tui.store.bulk import insert_rows

Key = tuple[str, str]  # (adamId, pricingParam)
CHUNK = 500
ORPHAN_COLUMNS = ("asset_id", "kind", "member", "client_user_id", "serial")


@dataclass
class Identities:
    """Who is who at Apple for a location: clientUserId -> UPN and UPN -> clientUserIds.

    Built from the `AppleUser` rows of every token of the location with Core statements
    (a location may have hundreds of thousands of users).
    """

    upn_of: dict[str, str] = field(default_factory=dict)
    cids_of: dict[str, set[str]] = field(default_factory=dict)  # casefolded UPN -> ids

    def member(self, kind: str, member: str, client_user_id: str | None) -> str:
        if kind != "user":
            return member
        return self.upn_of.get(client_user_id or "") or self.upn_of.get(member) or member

    def targets(self, kind: str, member: str, client_user_id: str | None,
                serial: str | None) -> frozenset[str]:
        """A row's Apple keys: the serial, or every clientUserId of its member."""
        if kind != "user":
            return frozenset({serial or member})
        found = {client_user_id} if client_user_id else set()
        found |= self.cids_of.get(self.member(kind, member, client_user_id).casefold(), set())
        return frozenset(found or {member})


def identities(session: Session, token_ids: list[int]) -> Identities:
    table = m.AppleUser.__table__
    ids = Identities()
    rows = session.execute(select(table.c.client_user_id, table.c.upn, table.c.email)
                           .where(table.c.token_id.in_(token_ids))
                           .order_by(table.c.id)).all()
    for cid, upn, email in rows:
        person = people.person_of(upn, email)
        if person and people.replaces(ids.upn_of.get(cid), bool(upn)):
            ids.upn_of[cid] = person
    for cid, person in ids.upn_of.items():
        ids.cids_of.setdefault(person.casefold(), set()).add(cid)
    return ids


@dataclass
class LedgerCounts:
    assignments: int = 0
    licensed: int = 0
    reclaimed: int = 0
    orphans: int = 0


def location_assets(session: Session, token_ids: list[int],
                    keys: set[Key]) -> dict[Key, list[int]]:
    """The asset ids of each (adamId, pricingParam) under every token of the location."""
    table = m.Asset.__table__
    found: dict[Key, list[int]] = {}
    for asset_id, adam_id, pricing in session.execute(
            select(table.c.id, table.c.adam_id, table.c.pricing_param)
            .where(table.c.token_id.in_(token_ids)).order_by(table.c.id)).all():
        if (adam_id, pricing) in keys:
            found.setdefault((adam_id, pricing), []).append(asset_id)
    return found


def _rows(session: Session, asset_ids: list[int]) -> list[Any]:
    table = m.License.__table__
    out: list[Any] = []
    for start in range(0, len(asset_ids), CHUNK):
        out += session.execute(select(
            table.c.id, table.c.asset_id, table.c.kind, table.c.member,
            table.c.client_user_id, table.c.serial, table.c.status)
            .where(table.c.asset_id.in_(asset_ids[start:start + CHUNK]))).all()
    return out


def write_pictures(session: Session, who: Identities, home: Mapping[Key, int],
                   assets: Mapping[Key, list[int]], pictures: Mapping[Key, ApplePicture],
                   now: datetime) -> LedgerCounts:
    """Apply Apple's `pictures` to the rows of each item's `assets` (every token's);
    orphans are recorded under `home[key]`, found at Apple."""
    counts = LedgerCounts()
    wanted = [a for key in pictures for a in assets.get(key, ())]
    by_asset: dict[int, list[Any]] = {}
    for row in _rows(session, wanted):
        by_asset.setdefault(row.asset_id, []).append(row)
    status_of: dict[int, list[int]] = {}
    new_rows: list[tuple[int, str, str, str | None, str | None]] = []
    for key, picture in pictures.items():
        rows = [r for a in assets.get(key, ()) for r in by_asset.get(a, ())]
        counts.assignments += len(picture.held)
        result = reconcile_ledger([LedgerRow(
            r.id, MemberKind(r.kind), who.targets(r.kind, r.member, r.client_user_id, r.serial),
            r.status) for r in rows], picture)
        for change in result.changes:
            status_of.setdefault(change.status, []).append(change.row_id)
        home_id = home.get(key)
        if home_id is None:
            continue
        taken = {(r.kind, who.member(r.kind, r.member, r.client_user_id)): r.id
                 for r in by_asset.get(home_id, ())}
        for holder in result.orphans:
            kind = holder.kind.value
            member = who.member(kind, holder.target, holder.target)
            if (kind, member) in taken:
                status_of.setdefault(RowStatus.LICENSED, []).append(taken[(kind, member)])
                continue
            taken[(kind, member)] = -1
            user = holder.kind is MemberKind.USER
            new_rows.append((home_id, kind, member, holder.target if user else None,
                             None if user else holder.target))
    # Found at Apple: licensed, with the values every orphan shares bound once.
    insert_rows(session, m.License.__table__, ORPHAN_COLUMNS, new_rows, {
        "status": "licensed", "source": "apple", "since": now, "updated_at": now,
        "reason": None})
    counts.orphans = len(new_rows)
    licensed = status_of.get(RowStatus.LICENSED, [])
    reclaimed = status_of.get(RowStatus.RECLAIMED, [])
    set_status(session, licensed, "licensed", None, now)
    set_status(session, reclaimed, "reclaimed",
               stored(lambda: _("no longer assigned at Apple (found by sync)")), now)
    counts.licensed, counts.reclaimed = len(licensed), len(reclaimed)
    return counts


def set_status(session: Session, row_ids: list[int], status: str, reason: str | None,
               now: datetime) -> None:
    """Set many rows' status at once (a licensed row leaves the waitlist: no position)."""
    table = m.License.__table__
    for start in range(0, len(row_ids), CHUNK):
        session.execute(table.update().where(table.c.id.in_(row_ids[start:start + CHUNK]))
                        .values(status=status, reason=reason, position=None, updated_at=now))
