"""From the store to the reconciliation's inputs, with SQLAlchemy Core, in a fixed number of
statements: the one reader of `reconcile_report`, the reclaim and `vpp-tui status`.

Read from `store.tables` through "a session or a connection" (`.execute` of Core
statements: a `Store.reading()` Connection, or an ORM Session, flushed first), so `status`
loads no SQLModel, pydantic or ORM (issue 13). Linear in rows: the tokens, the assets,
the license rows, the Apple users of the locations with rows and the directory users and
devices held rows name are each read with one statement (chunked beyond `CHUNK` ids);
each assigned group once per location (`directory_reads.read_group`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select, true

from vpp_tui.domain.leases import location_key
from vpp_tui.domain.licensing import (
    Group,
    Intent,
    LicenseType,
    MemberKind,
    people,
)
from vpp_tui.domain.reconcile import Directory, HeldRow, Intention, ItemKey, NotHeld
from vpp_tui.services.directory_reads import HELD, held_directory, read_group, to_item
from vpp_tui.store import tables
from vpp_tui.store.reads import plain_rows, prepared

CHUNK = 500
_KINDS = {str(k): k for k in MemberKind}
_UNKNOWN = (None, False)  # an Apple user the store does not know: (status, ours)
_TK, _AS, _LIC = tables.tokens.c, tables.assets.c, tables.licenses.c


@dataclass
class Facts:
    """What `domain.reconcile.reconcile` is given (`held`, `not_held`, `intentions`,
    `directory`), and what its rows are shown with: `location_names` (location key ->
    the name of its first token in scope: Apple's location name, else the token's) and
    `assets` (asset id -> its `store.tables.assets` row, for the assets rows and
    assignments name: `product_type`, `total`, `assigned` read by the report and the
    reclaim)."""

    held: list[HeldRow] = field(default_factory=list)
    not_held: list[NotHeld] = field(default_factory=list)
    intentions: list[Intention] = field(default_factory=list)
    directory: Directory = field(default_factory=lambda: Directory({}, {}))
    location_names: dict[str, str] = field(default_factory=dict)
    assets: dict[int, Any] = field(default_factory=dict)


def _chunks(ids: list[Any]) -> list[list[Any]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)] or [[]]


@dataclass
class _Scope:
    """The tokens read: id -> (name, location key); the location keys' token ids (every
    token of the location, in scope or not: Apple users are the location's)."""

    tokens: dict[int, tuple[str, str]]
    location_tokens: dict[str, list[int]]


def _scope(db: Any, names: Iterable[str], facts: Facts) -> _Scope:
    wanted = set(names)
    rows = [r for r in db.execute(select(_TK.id, _TK.name, _TK.location_id,
                                         _TK.location_name).order_by(_TK.id)).all()]
    tokens: dict[int, tuple[str, str]] = {}
    location_tokens: dict[str, list[int]] = {}
    for token_id, name, location_id, location_name in rows:
        key = location_key(location_id, token_id)
        if name in wanted:
            tokens[token_id] = (name, key)
            facts.location_names.setdefault(key, location_name or name)
    for token_id, _name, location_id, _location_name in rows:
        key = location_key(location_id, token_id)
        if key in facts.location_names:
            location_tokens.setdefault(key, []).append(token_id)
    return _Scope(tokens, location_tokens)


def load_facts(db: Any, token_names: frozenset[str] | set[str], *,
               not_held: bool = True, rows: str = "every") -> Facts:
    """The facts of every location one of `token_names` belongs to (its tokens' rows).
    `db`: a Session or a Connection. Tokens outside `token_names` are left out (the
    admin's scope). `not_held`: False leaves `Facts.not_held` empty (for a caller not
    asking who holds nothing). `rows`: which held rows to read, as
    `domain.reconcile.judged_rows` names them ("every", or "intended_or_console": those
    of items with assignments and those the console gave; issue 13: a reclaim of
    `held_not_intended` read and judged all 100k). The Apple users and the directory
    are read only when a row needs them. Read only."""
    facts = Facts()
    prepared(db)
    scope = _scope(db, token_names, facts)
    if not scope.tokens:
        return facts
    token_ids = sorted(scope.tokens)
    assets: dict[int, Any] = {}
    for part in _chunks(token_ids):
        assets.update((a.id, a) for a in db.execute(select(tables.assets).where(
            _AS.token_id.in_(part))).all())
    place = {i: (*scope.tokens[a.token_id],
                 ItemKey(scope.tokens[a.token_id][1], a.adam_id, a.pricing_param))
             for i, a in assets.items()}  # asset id -> (token name, location, item key)
    assigned = _load_intentions(db, facts, scope, place, assets)
    which: Any = true()
    if rows != "every":  # the rows of assigned items, and the console's
        intended = {it.key for it in facts.intentions}
        which = or_(_LIC.source == "console", _LIC.status.not_in(HELD), _LIC.asset_id.in_(
            sorted(i for i, p in place.items() if p[2] in intended)))
    if not not_held:
        which = and_(which, _LIC.status.in_(HELD))
    found: list[Any] = []  # the driver's tuples (`plain_rows`), unpacked once each
    for part in _chunks(token_ids):
        found += plain_rows(db, select(
            _LIC.id, _LIC.asset_id, _LIC.kind, _LIC.member, _LIC.client_user_id,
            _LIC.serial, _LIC.status, _LIC.assignment_id, _LIC.source).join(
            tables.assets, _AS.id == _LIC.asset_id).where(
            _AS.token_id.in_(part), which).order_by(_LIC.id))
    used = _read_rows(db, facts, found, scope, place, assets, not_held)
    facts.assets = {i: a for i, a in assets.items() if i in used or i in assigned}
    return facts


def _persons(db: Any, location_tokens: dict[str, list[int]]) -> dict[str, dict[str, str]]:
    """{location: {clientUserId: person}} over every token of each location, Apple users
    in id order (`domain.licensing.people`: the row with a UPN wins), as
    `licensing.facts.AppleIds.person_of` resolves them."""
    au = tables.apple_users.c
    found: dict[str, dict[str, str]] = {}
    person_of, replaces = people.person_of, people.replaces
    for loc, ids in location_tokens.items():
        upn_of = found.setdefault(loc, {})
        for cid, upn, email in plain_rows(db, select(
                au.client_user_id, au.upn, au.email).where(
                au.token_id.in_(ids)).order_by(au.id)):
            person = person_of(upn, email)
            if person and replaces(upn_of.get(cid), bool(upn)):
                upn_of[cid] = person
    return found


def _apple_users(db: Any, tokens: dict[int, tuple[str, str]]
                 ) -> dict[tuple[str, str], tuple[str, bool]]:
    """(location, clientUserId) -> (Apple's status, whether a UPN names it), over the
    Apple users of the tokens in scope: a live row's status before a retired one's."""
    au = tables.apple_users.c
    apple_users: dict[tuple[str, str], tuple[str, bool]] = {}
    for part in _chunks(sorted(tokens)):
        for cid, status, upn, token_id in plain_rows(db, select(
                au.client_user_id, au.status, au.upn, au.token_id).where(
                au.token_id.in_(part))):
            key = (tokens[token_id][1], cid)
            old = apple_users.get(key)
            if old is None or people.revives(old[0], status):
                apple_users[key] = (status, bool(upn) or bool(old and old[1]))
            elif upn:
                apple_users[key] = (old[0], True)
    return apple_users


def _read_rows(db: Any, facts: Facts, rows: list[Any], scope: _Scope,
               place: dict[int, tuple[str, str, ItemKey]], assets: dict[int, Any],
               with_not_held: bool) -> set[int]:
    """Fill `facts.held`, `not_held` and `directory` from the license rows (id, asset_id,
    kind, member, client_user_id, serial, status, assignment_id, source); returns the
    ids of the assets they name."""
    if not rows:
        return set()
    used = {r[1] for r in rows}
    locations = {place[i][1] for i in used}  # the Apple users of these rows' places only
    persons = _persons(db, {k: v for k, v in scope.location_tokens.items() if k in locations})
    apple_users = _apple_users(db, scope.tokens)
    at = {i: (*place[i], to_item(assets[i]), persons[place[i][1]]) for i in used}
    user = MemberKind.USER
    ascii_only = True
    held, not_held = facts.held, facts.not_held
    append = held.append
    for row in rows:  # 100k rows: locals only, each asset's place and item looked up once
        license_id, asset_id, kind_name, raw, cid, serial, state, assignment_id, source = row
        token_name, loc, item_key, item, upn_of = at[asset_id]
        kind = _KINDS[kind_name]
        if state in HELD:
            if kind is user:
                member = upn_of.get(cid or "") or upn_of.get(raw) or raw
                target = cid or raw
                status, ours = apple_users.get((loc, target), _UNKNOWN)
            else:
                member, target = raw, serial or raw
                status, ours = None, apple_users.get((loc, target), _UNKNOWN)[1]
            ascii_only = ascii_only and member.isascii()
            console = source == "console"
            append(HeldRow(license_id or 0, asset_id, token_name, item_key, kind, member,
                           target, item, status, ours or console,
                           assignment_id is not None, console))
        elif with_not_held and state in ("failed", "waitlisted"):
            member = (upn_of.get(cid or "") or upn_of.get(raw) or raw
                      if kind is user else raw)
            not_held.append(NotHeld(license_id or 0, item_key, kind, member, state))
    if held:  # only the directory users and devices a held row can name (issue 13)
        users, devices = held_directory(db, every_user=not ascii_only)
        facts.directory = Directory({upn.casefold(): active
                                     for upn, active in users.items()}, devices)
    return used


def _load_intentions(db: Any, facts: Facts, scope: _Scope,
                     place: dict[int, tuple[str, str, ItemKey]],
                     assets: dict[int, Any]) -> set[int]:
    """Fill `facts.intentions` (each assignment of an asset in scope with its group's
    members, read once per location and group; an assignment whose intent or license
    type this version does not know is left out); returns the ids of the assets
    assigned."""
    asg, grp = tables.assignments.c, tables.directory_groups.c
    found: list[Any] = []
    for part in _chunks(sorted(scope.tokens)):
        found += db.execute(select(asg.asset_id, asg.intent, asg.license_type, grp.id,
                                   grp.name, grp.kind).join(
            tables.assets, _AS.id == asg.asset_id).join(
            tables.directory_groups, grp.id == asg.group_id).where(
            _AS.token_id.in_(part))).all()
    groups: dict[tuple[str, int], Group] = {}
    assigned: set[int] = set()
    for asset_id, intent, license_type, group_id, group_name, group_kind in found:
        token_name, loc, item_key = place[asset_id]
        assigned.add(asset_id)
        if (loc, group_id) not in groups:
            groups[(loc, group_id)] = read_group(db, group_id, group_name, group_kind)
        try:
            wanted, kind = Intent(intent), LicenseType(license_type)
        except ValueError:
            continue
        facts.intentions.append(Intention(asset_id, token_name, item_key,
                                          to_item(assets[asset_id]),
                                          groups[(loc, group_id)], wanted, kind))
    return assigned
