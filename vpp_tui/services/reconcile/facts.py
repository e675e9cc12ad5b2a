"""From the store to the reconciliation's inputs, in a fixed number of statements.

Linear in rows: the license rows, Apple users, directory users and devices are each read
with one statement (chunked beyond `CHUNK` ids); each location's Apple identities and each
assigned group once (`licensing.facts`), never once per license row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from vpp_tui.domain.licensing import Intent, LicenseType, MemberKind
from vpp_tui.domain.reconcile import (
    Directory,
    HeldRow,
    Intention,
    ItemKey,
    NotHeld,
)
from vpp_tui.services.licensing.facts import HELD, AppleIds, apple_ids, plain_rows, to_item
from vpp_tui.services.licensing.members import held_directory, load_group
from vpp_tui.store import models as m

CHUNK = 500
_KINDS = {str(k): k for k in MemberKind}
_UNKNOWN = (None, False)  # an Apple user the store does not know: (status, ours)


@dataclass
class Facts:
    """What `domain.reconcile.reconcile` is given, and what the rows are shown with."""

    held: list[HeldRow] = field(default_factory=list)
    not_held: list[NotHeld] = field(default_factory=list)
    intentions: list[Intention] = field(default_factory=list)
    directory: Directory = field(default_factory=lambda: Directory({}, {}))
    location_names: dict[str, str] = field(default_factory=dict)  # location key -> name
    assets: dict[int, m.Asset] = field(default_factory=dict)  # by id, rows and assignments
    ids: dict[str, AppleIds] = field(default_factory=dict)  # location key -> identities


def _location(token: m.Token) -> str:
    return token.location_id or f"token:{token.id}"


def _chunks(ids: list[Any]) -> list[list[Any]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)] or [[]]


def load_facts(session: Session, token_names: frozenset[str] | set[str], *,
               not_held: bool = True, rows: str = "every") -> Facts:
    """The facts of every location one of `token_names` belongs to (its tokens' rows).
    Tokens outside `token_names` are left out (the admin's scope). `not_held`: False
    leaves `Facts.not_held` empty (for a caller not asking who holds nothing). `rows`:
    which held rows to read, as `domain.reconcile.judged_rows` names them ("every", or
    "intended_or_console": those of items with assignments and those the console gave;
    issue 13: a reclaim of `held_not_intended` read and judged all 100k). Each
    location's Apple users and the directory are read only when a row needs them."""
    facts = Facts()
    with_not_held = not_held
    tokens = [t for t in session.exec(select(m.Token)).all() if t.name in token_names]
    if not tokens:
        return facts
    by_id = {t.id: t for t in tokens}
    first_token: dict[str, int] = {}
    for t in tokens:
        key = _location(t)
        facts.location_names.setdefault(key, t.location_name or t.name)
        first_token.setdefault(key, t.id or 0)

    def ids_of(loc: str) -> AppleIds:
        """The location's identities, read once, when first needed."""
        found = facts.ids.get(loc)
        if found is None:
            found = facts.ids[loc] = apple_ids(session, first_token[loc])
        return found

    token_ids = sorted(i for i in by_id if i is not None)
    assets: dict[int, m.Asset] = {}
    for part in _chunks(token_ids):
        assets.update((a.id or 0, a) for a in session.exec(select(m.Asset).where(
            col(m.Asset.token_id).in_(part))).all())
    key_of = {i: ItemKey(_location(by_id[a.token_id]), a.adam_id, a.pricing_param)
              for i, a in assets.items()}
    assigned = _load_intentions(session, facts, by_id, ids_of)
    # Each license as plain columns, each asset's item and key once (issue 13: an ORM
    # object per license row and an Item built per row cost seconds at 100k rows).
    lic, asset_t = m.License.__table__.c, m.Asset.__table__.c  # type: ignore[attr-defined]
    which: Any = true()
    if rows != "every":  # the rows of assigned items, and the console's
        intended = {it.key for it in facts.intentions}
        which = or_(lic.source == "console", lic.status.not_in(HELD), lic.asset_id.in_(
            sorted(i for i, k in key_of.items() if k in intended)))
    if not with_not_held:
        which = and_(which, lic.status.in_(HELD))
    found: list[Any] = []  # the driver's tuples (`plain_rows`), unpacked once each below
    for part in _chunks(token_ids):
        found += plain_rows(session, sa_select(
            lic.id, lic.asset_id, lic.kind, lic.member, lic.client_user_id, lic.serial,
            lic.status, lic.assignment_id, lic.source).join(
            m.Asset.__table__, asset_t.id == lic.asset_id).where(
            asset_t.token_id.in_(part), which).order_by(lic.id))
    used = _read_rows(session, facts, found, by_id, assets, key_of, ids_of, with_not_held)
    facts.assets = {i: a for i, a in assets.items() if i in used or i in assigned}
    return facts


def _apple_users(session: Session, by_id: dict[Any, m.Token]
                 ) -> dict[tuple[str, str], tuple[str, bool]]:
    """(location, clientUserId) -> (Apple's status, whether a UPN names it)."""
    apple_users: dict[tuple[str, str], tuple[str, bool]] = {}
    token_ids = sorted(i for i in by_id if i is not None)
    for cid, status, upn, token_id in session.exec(select(
            m.AppleUser.client_user_id, m.AppleUser.status, m.AppleUser.upn,
            m.AppleUser.token_id).where(col(m.AppleUser.token_id).in_(token_ids))).all():
        key = (_location(by_id[token_id]), cid)
        old = apple_users.get(key)
        if old is None or (old[0] == "Retired" and status != "Retired"):
            apple_users[key] = (status, bool(upn) or bool(old and old[1]))
        elif upn:
            apple_users[key] = (old[0], True)
    return apple_users


def _read_rows(session: Session, facts: Facts, rows: list[Any], by_id: dict[Any, m.Token],
               assets: dict[int, m.Asset], key_of: dict[int, ItemKey],
               ids_of: Callable[[str], AppleIds], with_not_held: bool) -> set[int]:
    """Fill `facts.held`, `not_held` and `directory` from the license rows; returns the
    ids of the assets they name."""
    if not rows:
        return set()
    apple_users = _apple_users(session, by_id)
    items = {i: to_item(a) for i, a in assets.items()}
    used: set[int] = set()
    ascii_only = True
    place: dict[int, tuple[str, str, AppleIds, ItemKey]] = {}
    for asset_id in {r[1] for r in rows}:  # the locations of these rows only
        token = by_id[assets[asset_id].token_id]
        loc = _location(token)
        place[asset_id] = (token.name, loc, ids_of(loc), key_of[asset_id])
    user = MemberKind.USER
    held, not_held = facts.held, facts.not_held
    append = held.append
    for row in rows:  # 100k rows: locals only, each asset's place and item looked up once
        license_id, asset_id, kind_name, raw, cid, serial, state, assignment_id, source = row
        used.add(asset_id)
        token_name, loc, ids, item_key = place[asset_id]
        kind = _KINDS[kind_name]
        if state in HELD:
            if kind is user:
                member, target = ids.person_of(raw, cid), cid or raw
                status, ours = apple_users.get((loc, target), _UNKNOWN)
            else:
                member, target = raw, serial or raw
                status, ours = None, apple_users.get((loc, target), _UNKNOWN)[1]
            ascii_only = ascii_only and member.isascii()
            console = source == "console"
            append(HeldRow(license_id or 0, asset_id, token_name, item_key, kind, member,
                           target, items[asset_id], status, ours or console,
                           assignment_id is not None, console))
        elif with_not_held and state in ("failed", "waitlisted"):
            member = ids.person_of(raw, cid) if kind is user else raw
            not_held.append(NotHeld(license_id or 0, item_key, kind, member, state))
    if held:  # only the directory users and devices a held row can name (issue 13)
        users, devices = held_directory(session, every_user=not ascii_only)
        facts.directory = Directory({upn.casefold(): active
                                     for upn, active in users.items()}, devices)
    return used


def _load_intentions(session: Session, facts: Facts, by_id: dict[Any, m.Token],
                     ids_of: Callable[[str], AppleIds]) -> set[int]:
    """Fill `facts.intentions`; returns the ids of the assets assigned."""
    found = []
    for part in _chunks(sorted(i for i in by_id if i is not None)):
        found += session.exec(select(m.Assignment, m.Asset, m.DirectoryGroup).join(
            m.Asset, col(m.Asset.id) == col(m.Assignment.asset_id)).join(
            m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id)).where(
            col(m.Asset.token_id).in_(part))).all()
    groups: dict[tuple[str, int], Any] = {}
    assigned: set[int] = set()
    for assignment, asset, grow in found:
        token = by_id[asset.token_id]
        loc = _location(token)
        assigned.add(asset.id or 0)
        cache = (loc, grow.id or 0)
        if cache not in groups:
            groups[cache] = load_group(session, grow, ids_of(loc))
        try:
            intent, license_type = Intent(assignment.intent), LicenseType(
                assignment.license_type)
        except ValueError:
            continue
        facts.intentions.append(Intention(
            asset.id or 0, token.name, ItemKey(loc, asset.adam_id, asset.pricing_param),
            to_item(asset), groups[cache], intent, license_type))
    return assigned
