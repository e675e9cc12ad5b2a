"""What the ledger machine compares: the store's rows and the simulator's own state.

The simulator is read directly (its `Location` objects), never through the client, so a
fault in the client cannot hide a fault in the ledger. Every function returns a list of
problems (empty: the invariant holds), each one line naming what differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, SQLModel, col, delete, select

from vpp_tui.services.licensing.facts import apple_ids
from vpp_tui.simulator.core import Simulator
from vpp_tui.store import models as m
from vpp_tui.store.engine import Store

ItemKey = tuple[str, str]  # (adamId, pricingParam)
Member = tuple[str, str]  # (kind, UPN or serial as the admin knows it)
Arrival = tuple[int, int]  # (step it started waiting, its position then)


# What the migrations seed (the built-in roles, the default scope tag) is kept.
SEEDED = {"roles", "scope_tags"}


def wipe(store: Store) -> None:
    """Empty every table but the seeded ones: each example starts from a new store without
    a new database."""
    with store.session() as session:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in SEEDED:
                session.execute(delete(table))


def location_tokens(session: Session, uid: str) -> list[m.Token]:
    return list(session.exec(select(m.Token).where(m.Token.location_id == uid)).all())


def _rows(session: Session, uid: str) -> list[tuple[m.License, m.Asset]]:
    ids = [t.id for t in location_tokens(session, uid)]
    return list(session.exec(select(m.License, m.Asset).join(
        m.Asset, col(m.Asset.id) == col(m.License.asset_id)).where(
        col(m.Asset.token_id).in_(ids))).all())


def store_holders(session: Session, uid: str) -> dict[ItemKey, set[tuple[str, str]]]:
    """Licensed rows of every token of the location: {item: {(kind, clientUserId|serial)}}."""
    # A person's Apple users at the location (two for a personal and a Managed Apple ID):
    # the store's AppleUser rows of every token of the location, matched by UPN or e-mail.
    tokens = [t.id for t in location_tokens(session, uid)]
    accounts: dict[str, set[str]] = {}
    retired: set[str] = set()
    for user in session.exec(select(m.AppleUser).where(
            col(m.AppleUser.token_id).in_(tokens))).all():
        if user.status == "Retired":
            retired.add(user.client_user_id)
            continue
        for name in {user.upn, user.email} - {None}:
            accounts.setdefault(str(name).casefold(), set()).add(user.client_user_id)
    out: dict[ItemKey, set[tuple[str, str]]] = {}
    for lic, asset in _rows(session, uid):
        if lic.status != "licensed":
            continue
        if lic.kind == "device":
            targets = {lic.serial or lic.member}
        elif lic.client_user_id in retired:
            # Held by an Apple user retired since (the demo world has one): that user, not
            # the person's live Apple users.
            targets = {lic.client_user_id}
        else:
            targets = accounts.get(lic.member.casefold(), set()) | {
                lic.client_user_id or lic.member}
        out.setdefault((asset.adam_id, asset.pricing_param), set()).update(
            (lic.kind, t) for t in targets)
    return out


def apple_holders(sim: Simulator, uid: str) -> dict[ItemKey, set[tuple[str, str]]]:
    out: dict[ItemKey, set[tuple[str, str]]] = {}
    for adam, pricing, kind, target in sim.locations[uid].assignments:
        out.setdefault((adam, pricing), set()).add((kind, target))
    return out


def ledger_problems(session: Session, sim: Simulator, uid: str) -> list[str]:
    """Local licensed rows equal Apple's assignments, item by item."""
    return holder_problems(store_holders(session, uid), apple_holders(sim, uid))


def holder_problems(mine: dict[ItemKey, set[tuple[str, str]]],
                    apple: dict[ItemKey, set[tuple[str, str]]]) -> list[str]:
    """Item by item, what the store holds and Apple does not, and the reverse (one line
    per item that differs); the holder sets come from `store_holders` and
    `apple_holders` (or the served simulator's answers, tests/concurrency/agree.py)."""
    problems = []
    for key in sorted(set(mine) | set(apple)):
        extra = sorted(mine.get(key, set()) - apple.get(key, set()))
        missing = sorted(apple.get(key, set()) - mine.get(key, set()))
        if extra or missing:
            problems.append(f"{key}: store licenses not at Apple {extra}, "
                            f"Apple assignments not in the store {missing}")
    return problems


def count_problems(session: Session) -> list[str]:
    """used + available = total on every asset row (unlimited assets excepted)."""
    return [f"{a.adam_id}:{a.pricing_param} of token {a.token_id}: assigned {a.assigned} + "
            f"available {a.available} != total {a.total}"
            for a in session.exec(select(m.Asset)).all()
            if not a.unlimited and a.assigned + a.available != a.total]


def apple_count_problems(session: Session, sim: Simulator, token_name: str) -> list[str]:
    """After a sync of the token: its counts are Apple's."""
    token = session.exec(select(m.Token).where(m.Token.name == token_name)).one()
    loc = sim.locations[token.location_id or ""]
    problems = []
    for a in session.exec(select(m.Asset).where(m.Asset.token_id == token.id)).all():
        rec = loc.assets.get((a.adam_id, a.pricing_param))
        if rec is None:
            continue
        have, want = (a.total, a.assigned, a.available), (rec.total_count, rec.assigned,
                                                           rec.available)
        if have != want:
            problems.append(f"{a.adam_id} under {token_name}: (total, assigned, available) "
                            f"{have} in the store, {want} at Apple")
    return problems


@dataclass
class Queue:
    """Per item of one location, across its tokens: who is licensed, who waits (and where)."""

    licensed: dict[ItemKey, set[Member]] = field(default_factory=dict)
    waiting: dict[ItemKey, dict[Member, int]] = field(default_factory=dict)


def queue(session: Session, uid: str) -> Queue:
    """Who holds and who waits; a user who left the company no longer waits (the waitlist
    skips them: they get nothing and block nobody)."""
    q = Queue()
    active = {u.upn.casefold() for u in session.exec(select(m.DirectoryUser)).all()
              if u.active}
    ids_of: dict[int, object] = {}
    for lic, asset in _rows(session, uid):
        ids = ids_of.setdefault(asset.token_id, apple_ids(session, asset.token_id))
        who = (lic.kind, ids.member_of(lic))  # type: ignore[attr-defined]
        key = (asset.adam_id, asset.pricing_param)
        if lic.status == "licensed":
            q.licensed.setdefault(key, set()).add(who)
        elif lic.status == "waitlisted":
            if who[0] == "user" and who[1].casefold() not in active:
                continue
            place = q.waiting.setdefault(key, {})
            place[who] = min(place.get(who, lic.position or 0), lic.position or 0)
    return q


def both_problems(q: Queue) -> list[str]:
    """Nobody is both licensed and waitlisted for one item (across the location's tokens)."""
    return [f"{key}: {sorted(q.licensed.get(key, set()) & set(waiting))} are licensed "
            f"and waitlisted" for key, waiting in sorted(q.waiting.items())
            if q.licensed.get(key, set()) & set(waiting)]


def needs(session: Session) -> dict[Member, int]:
    """Licenses a member uses: 2 for a user with a personal and a Managed Apple ID."""
    return {("user", u.upn): 2 for u in session.exec(select(m.DirectoryUser)).all()
            if u.managed_apple_id and u.personal_apple_id}


def served_problems(q: Queue, sim: Simulator, uid: str, arrivals: dict[ItemKey, dict],
                    need: dict[Member, int]) -> list[str]:
    """Free licenses at Apple leave nobody waiting whom they could serve (the first in line)."""
    problems = []
    for key, waiting in sorted(q.waiting.items()):
        rec = sim.locations[uid].assets.get(key)
        if not waiting or rec is None:
            continue
        order = arrivals.get(key, {})
        head = min(waiting, key=lambda w: (order.get(w, (10**9, waiting[w])), w))
        if rec.available >= need.get(head, 1):
            problems.append(f"{key}: {rec.available} licenses free at Apple but "
                            f"{len(waiting)} wait, first {head}")
    return problems


def overtaking(before: Queue, after: Queue, arrivals: dict[ItemKey, dict[Member, Arrival]],
               ) -> list[str]:
    """First come, first served: nobody gets a license while someone who came earlier waits."""
    problems = []
    for key, now_held in sorted(after.licensed.items()):
        newly = now_held - before.licensed.get(key, set())
        earlier = before.waiting.get(key, {})
        still = [w for w in earlier if w in after.waiting.get(key, {})]
        order = arrivals.get(key, {})
        for n in sorted(newly):
            mine = order.get(n) if n in earlier else None
            passed = sorted(w for w in still if mine is None or order.get(w, mine) < mine)
            if passed:
                problems.append(f"{key}: {n} got a license while {passed} (waiting since "
                                f"earlier) still wait")
    return problems


def update_arrivals(arrivals: dict[ItemKey, dict[Member, Arrival]], q: Queue, step: int,
                    ) -> None:
    for key in set(arrivals) | set(q.waiting):
        waiting = q.waiting.get(key, {})
        known = arrivals.setdefault(key, {})
        for who in [w for w in known if w not in waiting]:
            del known[who]
        for who, position in waiting.items():
            known.setdefault(who, (step, position))


def planned_use_problems(q: Queue, sim: Simulator, uid: str, need: dict[Member, int],
                         ) -> list[str]:
    """Apple's assigned count is what the licensed holders use (2 for personal + managed)."""
    problems = []
    for key, rec in sorted(sim.locations[uid].assets.items()):
        held = q.licensed.get(key, set())
        planned = sum(need.get(h, 1) for h in held)
        if planned != rec.assigned:
            problems.append(f"{key}: the store's holders {sorted(held)} use {planned} "
                            f"licenses, Apple counts {rec.assigned} assigned")
    return problems


def apple_user_problems(sim: Simulator, uid: str, need: dict[Member, int],
                        people: Iterable[str]) -> list[str]:
    """One live Apple user per person and location (two for personal + managed)."""
    live: dict[str, list[str]] = {}
    for user in sim.locations[uid].users:
        if user.status != "Retired" and user.email:
            live.setdefault(user.email.casefold(), []).append(user.client_user_id)
    return [f"{upn} has {len(live[upn.casefold()])} live Apple users at {uid}: "
            f"{sorted(live[upn.casefold()])}" for upn in sorted(people)
            if len(live.get(upn.casefold(), [])) > need.get(("user", upn), 1)]
