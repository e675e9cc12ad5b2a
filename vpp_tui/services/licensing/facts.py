"""From the store to the license engine's inputs: items, holders, Apple user ids.

The engine (`domain.licensing`) decides; this module only reads rows and builds its plain
inputs (the directory's users, devices and groups: `licensing.members`). Apple users
belong to the location, not to a token (apple-api.md §2.9–2.10): a person's Apple
identities are the `AppleUser` rows of every token of the location, matched by UPN (or by
the e-mail Apple was given, for users another MDM registered), else the clientUserIds
this console will register when the person first needs a user license
(`minted_client_user_id`; two for a person with a personal and a Managed Apple ID).
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from vpp_tui.domain.leases import location_key
from vpp_tui.domain.licensing import (
    Holdings,
    Pool,
    people,
)
from vpp_tui.domain.licensing.model import AppleAccount, apple_accounts
from vpp_tui.services.apple_link import installation_in
from vpp_tui.services.directory_reads import to_item  # noqa: F401 (licensing's name for it)
from vpp_tui.services.licensing.plain import (
    AppleUserLike,
    AppleUserRow,
    LicenseKey,
    LicenseLike,
)
from vpp_tui.store import models as m
from vpp_tui.store.reads import plain_rows

# clientUserIds this console mints are stable per (installation, location, person, Apple
# account), so a retry of a failed registration reuses the same id instead of leaving
# orphans at Apple, two tokens of one location agree, and two installations never mint
# the same id for one person.
_NS = uuid.UUID("6c1f3f0e-5d2b-4a8e-9b57-0f4f2d8f7a41")
_NS_BYTES = _NS.bytes
HELD = ("licensed", "pending")


def minted_client_user_id(installation: str, location: str, upn: str,
                          account: str = "") -> str:
    """A uuid5 string naming one Apple user of `upn` for this installation and location.

    `location`: Apple's location uId (or "token:<id>" while it is unknown); `account`:
    "" for a person's first Apple user, "personal" for the second one of a person with a
    personal and a Managed Apple ID.
    """
    suffix = f":{account}" if account else ""
    # uuid.uuid5, spelled out: the same string at a fraction of the cost (a plan for a
    # 100k-member group mints one per member; issue 13): the SHA-1 of the namespace and
    # the location's prefix is taken once, and the version and variant are set in hex.
    hasher = _minting(installation, location).copy()
    hasher.update(f"{upn.casefold()}{suffix}".encode())
    x = hasher.hexdigest()
    return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"


# RFC 4122 variant: the top two bits of byte 8 set to 10 (a hex digit of 8, 9, a or b).
_VARIANT = {c: "89ab"[int(c, 16) & 0x3] for c in "0123456789abcdef"}


@functools.lru_cache(maxsize=4096)
def _minting(installation: str, location: str) -> Any:
    """SHA-1 fed with the namespace and "installation:location:" (copied, never fed)."""
    return hashlib.sha1(_NS_BYTES + f"{installation}:{location}:".encode())


def to_pool(asset: m.Asset) -> Pool:
    return Pool(total=asset.total, used=asset.assigned)


@dataclass
class AppleIds:
    """Who is who at Apple for one token's location (every token of it)."""

    token_id: int
    location: str = ""
    installation: str = ""
    rows_of: dict[str, list[AppleUserLike]] = field(default_factory=dict)  # upn -> rows
    upn_of: dict[str, str] = field(default_factory=dict)  # clientUserId -> UPN
    own: dict[str, AppleUserLike] = field(default_factory=dict)  # this token's, by id

    def add(self, row: AppleUserLike, upn: str | None) -> None:
        """Know `row` (upn: the person it stands for, if known)."""
        if row.token_id == self.token_id:
            self.own[row.client_user_id] = row
        if not upn:
            return
        if people.replaces(self.upn_of.get(row.client_user_id), bool(row.upn)):
            self.upn_of[row.client_user_id] = upn
        key = upn.casefold()
        rows = self.rows_of.get(key)
        if rows is None:  # most people: their first Apple user (no scan, no generator)
            self.rows_of[key] = [row]
            return
        same = next((i for i, r in enumerate(rows)
                     if r.client_user_id == row.client_user_id), None)
        if same is None:
            rows.append(row)
        elif people.revives(rows[same].status, row.status) or (
                row.upn and not rows[same].upn):
            rows[same] = row

    def identities(self, upn: str, managed_apple_id: str | None = None,
                   personal_apple_id: bool = False
                   ) -> list[tuple[AppleAccount, str, AppleUserLike | None]]:
        """(account, clientUserId, live row or None) for each Apple user of the person."""
        accounts = apple_accounts(managed_apple_id, personal_apple_id)
        rows = self.rows_of.get(upn.casefold(), [])
        chosen: dict[AppleAccount, AppleUserLike] = {}
        used: set[str] = set()

        def take(account: AppleAccount, row: AppleUserLike) -> None:
            chosen[account] = row
            used.add(row.client_user_id)

        live = [r for r in rows if r.status != "Retired"]
        for row in live:  # rows whose Apple account is known first
            account = (AppleAccount.MANAGED if row.managed_apple_id else
                       AppleAccount.PERSONAL if row.upn else None)
            if account in accounts and account not in chosen:
                take(account, row)
        for pool in (live, [r for r in rows if r.status == "Retired"]):
            for row in pool:
                free = [a for a in accounts if a not in chosen]
                if free and row.client_user_id not in used:
                    take(free[0], row)
        out = []
        for index, account in enumerate(accounts):
            row = chosen.get(account)
            if row is not None:
                out.append((account, row.client_user_id,
                            row if row.status != "Retired" else None))
            else:
                cid = minted_client_user_id(self.installation, self.location, upn,
                                            str(account) if index else "")
                out.append((account, cid, None))
        return out

    def client_ids(self, upn: str, managed_apple_id: str | None = None,
                   personal_apple_id: bool = False) -> tuple[str, ...]:
        if upn.casefold() not in self.rows_of:  # no Apple user yet: `identities` mints all
            accounts = apple_accounts(managed_apple_id, personal_apple_id)
            first = minted_client_user_id(self.installation, self.location, upn)
            if len(accounts) == 1:  # most people: one id, no generator per person
                return (first,)
            return (first, *(minted_client_user_id(self.installation, self.location, upn,
                                                   str(account))
                             for account in accounts[1:]))
        return tuple(cid for _a, cid, _r in self.identities(upn, managed_apple_id,
                                                            personal_apple_id))

    def client_id(self, upn: str) -> str:
        return self.client_ids(upn)[0]

    def registered(self, upn: str) -> bool:
        return any(r.status != "Retired" for r in self.rows_of.get(upn.casefold(), []))

    def member_of(self, lic: LicenseLike) -> str:
        if lic.kind != "user":
            return lic.member
        return self.person_of(lic.member, lic.client_user_id)

    def person_of(self, member: str, client_user_id: str | None) -> str:
        """`member_of` a user license row given as its member and clientUserId (a bulk
        reader's unpacked columns: no attribute read per row)."""
        upn_of = self.upn_of
        return upn_of.get(client_user_id or "") or upn_of.get(member) or member

    def targets_of(self, lic: LicenseLike) -> frozenset[str]:
        """The Apple keys a license row stands for: the serial, or every clientUserId
        of its member at this location (apple-api.md §2.5)."""
        if lic.kind != "user":
            return frozenset({lic.serial or lic.member})
        found = {lic.client_user_id} if lic.client_user_id else set()
        upn = self.member_of(lic)
        found |= {r.client_user_id for r in self.rows_of.get(upn.casefold(), [])}
        if not found:
            found.add(lic.member)
        return frozenset(found)


def location_token_ids(session: Session, token_id: int) -> tuple[str, list[int]]:
    """(location key, ids of every token of the token's location, this one first)."""
    token = session.get(m.Token, token_id)
    if token is None or not token.location_id:
        return location_key(None, token_id), [token_id]
    others = session.exec(select(m.Token.id).where(
        m.Token.location_id == token.location_id, m.Token.id != token_id)).all()
    return token.location_id, [token_id, *sorted(i for i in others if i is not None)]


def apple_ids(session: Session, token_id: int, only: Iterable[str] | None = None
              ) -> AppleIds:
    """Who is who at Apple for the token's location. `only`: just the Apple users with
    these clientUserIds (what `member_of` needs for licenses naming them, and
    `identities` for a person whose ids they all are), read in statements of 500, so a
    revoke by user reads the rows it touches, not every user of the location."""
    location, token_ids = location_token_ids(session, token_id)
    ids = AppleIds(token_id, location, installation_in(session))
    # A Core read of the driver's tuples (`plain_rows`: no ORM object, no SQLAlchemy row
    # per Apple user; flushed as an ORM read would be).
    t = m.AppleUser.__table__.c  # type: ignore[attr-defined]
    query = core_select(t.id, t.token_id, t.client_user_id, t.upn, t.email,
                        t.managed_apple_id, t.status).where(t.token_id.in_(token_ids))
    make = AppleUserRow._make
    if only is None:
        rows = list(map(make, plain_rows(session, query.order_by(t.id))))
    else:
        wanted, rows = sorted(set(only)), []
        for start in range(0, len(wanted), 500):
            rows += map(make, plain_rows(session, query.where(
                t.client_user_id.in_(wanted[start:start + 500]))))
        rows.sort(key=lambda r: r.id or 0)
    person_of, add = people.person_of, ids.add
    for row in rows:
        add(row, person_of(row.upn, row.email))
    return ids


def columns_of(model: type) -> Any:
    """A select of every column of `model` as plain rows (attribute access by column name,
    autoflushed as an ORM query), not as ORM objects: a bulk plan reads thousands."""
    return core_select(*(getattr(model, c.key) for c in model.__table__.c))  # type: ignore[attr-defined]


def location_asset_ids(session: Session, asset_id: int) -> list[int]:
    """The ids of one item (adamId, pricingParam) under every token of its location,
    this asset's first: Apple's assignments are the location's (apple-api.md §2.5)."""
    asset = session.get(m.Asset, asset_id)
    if asset is None:
        return [asset_id]
    _location, token_ids = location_token_ids(session, asset.token_id)
    if len(token_ids) == 1:
        return [asset_id]
    others = session.exec(select(m.Asset.id).where(
        col(m.Asset.token_id).in_(token_ids[1:]), m.Asset.adam_id == asset.adam_id,
        m.Asset.pricing_param == asset.pricing_param)).all()
    return [asset_id, *sorted(i for i in others if i is not None)]


def license_rows(session: Session, asset_id: int) -> list[m.License]:
    """The license rows of an item at its location: this asset's, then those other tokens
    of the location hold for the same item."""
    ids = location_asset_ids(session, asset_id)
    rows = session.exec(select(m.License).where(col(m.License.asset_id).in_(ids))).all()
    return sorted(rows, key=lambda r: (r.asset_id != asset_id, r.id or 0))


def license_keys(session: Session, asset_id: int) -> list[LicenseKey]:
    """`license_rows` as plain rows, in the same order: for the plans, which only read."""
    ids = location_asset_ids(session, asset_id)
    t = m.License
    rows = [LicenseKey(*r) for r in session.execute(core_select(  # type: ignore[call-overload]
        t.id, t.asset_id, t.kind, t.member, t.client_user_id, t.serial, t.status).where(
        col(t.asset_id).in_(ids)))]
    return sorted(rows, key=lambda r: (r.asset_id != asset_id, r.id or 0))


def holdings_of(rows: Iterable[LicenseKey | m.License], ids: AppleIds) -> Holdings:
    users: set[str] = set()
    devices: set[str] = set()
    for lic in rows:
        if lic.status not in HELD:
            continue
        if lic.kind == "user":
            users.add(ids.member_of(lic))
        else:
            devices.add(lic.member)
    return Holdings(users=frozenset(users), devices=frozenset(devices))
