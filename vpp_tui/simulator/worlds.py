"""Ready-made worlds: `demo` (Contoso Schools, every token state) and `scale` (benchmarks).

Everything is seeded and dated relative to `clock.now()` at build time, so a demo built today
shows a token expiring in 10 days whatever today is.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from vpp_tui.apple.clock import Clock
from vpp_tui.apple.stoken import encode_token
from vpp_tui.simulator import catalog, discrepancies
from vpp_tui.simulator.core import Simulator, TokenFile
from vpp_tui.simulator.directory import client_user_id, demo_directory
from vpp_tui.simulator.events import invite_code
from vpp_tui.simulator.lookup import make_result
from vpp_tui.simulator.state import AssetRecord, Location, TokenRecord, UserRecord, id_hash

__all__ = ["build_world", "demo_directory", "ORG_NAME", "add_try_files", "try_files",
           "loaded_files"]

ORG_NAME = "Contoso Schools"
UNLIMITED = -1


@dataclass(frozen=True)
class Site:
    name: str
    uid: str
    expires_in_days: int
    state: str
    reason: str
    inventory: list[tuple[str, int, int]]  # (item name, total or UNLIMITED, used)
    people: tuple[str, int, int]  # (directory group, offset, how many) known to Apple
    tokens: int = 1
    revoked: bool = False
    other_mdm: str | None = None


SITES = [
    Site("North Campus", "204902500043143901", 300, "valid", "valid for about 300 more days", [
        ("Field Notes", 100, 0), ("Graphing Pro", 100, 96), ("Math Sprint", 250, 180),
        ("Chem Lab 3D", 60, 12), ("Periodic Explorer", 40, 40), ("Story Builder", 30, 5),
        ("Code Garden", 80, 30), ("Spanish Steps", 50, 20), ("Atlas of the World", 120, 0),
        ("Classroom Timer", UNLIMITED, 45), ("Quiz Arena", UNLIMITED, 0),
        ("Exam Lockdown", 520, 500), ("Sketch Studio", 25, 10), ("Music Maker Pro", 30, 8),
        ("Type Trainer", 30, 30), ("Contoso Campus", 1000, 150), ("PDF Markup", 70, 20),
        ("Mind Map", 40, 0), ("Geometry Pad", 200, 90), ("Translate Now", 25, 3),
        ("Star Chart", 35, 0),
        ("The Young Scientist's Handbook", 60, 20), ("Algebra I Workbook", 200, 150),
        ("Biology Illustrated", 50, 10), ("Digital Citizenship Guide", UNLIMITED, 120),
        ("Grammar Essentials", 100, 99)], ("*north", 0, 220)),
    Site("South Campus", "204902500043143902", 10, "expiring_soon", "expires in 10 days", [
        ("Math Sprint", 150, 60), ("Story Builder", 40, 10), ("Read Along", 60, 40),
        ("Word Wizard", 60, 12), ("Quiz Arena", UNLIMITED, 25), ("Class Poll", UNLIMITED, 0),
        ("Coding Robots", 30, 30), ("Weather Station", 20, 4), ("Anatomy 4D", 25, 0),
        ("Field Notes", 20, 20), ("Poems for Every Day", 40, 10),
        ("Shakespeare for Schools", 30, 0), ("World Atlas for Students", 20, 5)],
        ("Students Grade 10", 0, 80)),
    Site("Old Annex", "204902500043143903", -3, "expired", "expired 3 days ago", [
        ("History Timeline", 20, 5), ("Budget Basics", UNLIMITED, 0), ("Slide Remote", 10, 2),
        ("Geometry Pad", 15, 0), ("Science Journal", 10, 10)], ("Students Grade 11", 0, 10)),
    Site("Library", "204902500043143904", 200, "invalid",
         "Apple revoked the token (the manager who made it left)", [
             ("Contoso Library Kiosk", 10, 2), ("Read Along", 20, 0), ("Photo Lab", 5, 1),
             ("Poems for Every Day", 30, 5), ("A Short History of Music", 10, 0),
             ("Introduction to Chemistry", 15, 3)], ("Staff", 0, 10), revoked=True),
    Site("Science Dept", "204902500043143905", 250, "assigned_to_external_mdm",
         "managed by another MDM: Jamf Pro", [
             ("Chem Lab 3D", 40, 25), ("Periodic Explorer", 40, 10), ("Anatomy 4D", 30, 30),
             ("Star Chart", 25, 5), ("Lab Notebook", 20, 4), ("Science Journal", 50, 12),
             ("Weather Station", 15, 0), ("Homework Planner", UNLIMITED, 20),
             ("Biology Illustrated", 30, 8), ("Introduction to Chemistry", 25, 25)],
         ("Science Staff", 0, 12), other_mdm="Jamf Pro"),
    Site("Music Dept", "204902500043143906", 180, "duplicate",
         "two token files for the one location", [
             ("Music Maker Pro", 10, 8), ("Piano Coach", 40, 22), ("Rhythm Lab", 30, 10),
             ("Score Writer", 8, 8), ("Orchestra Tuner", 50, 0), ("Drum Kit", 20, 5),
             ("Film Cut", 5, 1), ("A Short History of Music", 40, 12)],
         ("Music Students", 0, 40), tokens=2),
]


# The files the demo hands the admin to try adding and renewing (issue 11): Apple has these
# locations, the demo store has not loaded them; and a new file for the expiring location.
TO_ADD = "not in the demo store yet: add it"
RENEWAL = "a renewal for the expiring token"
RENEWED_SITE = "South Campus"
NEW_SITES = [
    Site("East Campus", "204902500043143907", 365, "valid", TO_ADD, [
        ("Math Sprint", 120, 40), ("Story Builder", 40, 8), ("Quiz Arena", UNLIMITED, 10),
        ("Grammar Essentials", 60, 12)], ("Students Grade 11", 10, 30)),
    Site("Arts Dept", "204902500043143908", 365, "valid", TO_ADD, [
        ("Sketch Studio", 30, 6), ("Film Cut", 10, 0), ("Music Maker Pro", 10, 2)],
        ("Teachers", 12, 8)),
]


def build_world(name: str, *, clock: Clock, event_delay: float = 2.0, size: int = 1000,
                seed: int = 0, page_size: int = 500, rate_limit: bool = True) -> Simulator:
    sim = Simulator(clock, page_size=page_size, event_delay=event_delay, rate_limit=rate_limit)
    if name == "demo":
        _build_demo(sim, seed)
    elif name == "scale":
        _build_scale(sim, size, seed)
    else:
        raise ValueError(f"unknown world {name!r}; use demo or scale")
    return sim


def _secret(seed: int, *parts: object) -> str:
    digest = hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).digest()
    return base64.b64encode(digest * 2).decode()


def _issue(sim: Simulator, loc: Location, days: int, state: str, reason: str, seed: int,
           index: int = 0, total: int = 1) -> TokenRecord:
    expires = (sim.clock.now() + timedelta(days=days, hours=index)).replace(microsecond=0)
    secret = _secret(seed, loc.uid, index)
    slug = loc.name.lower().replace(" ", "-")
    suffix = f"-{'ab'[index]}" if total > 1 else ""
    return sim.add_token(TokenRecord(
        secret=secret, location_uid=loc.uid, expires_at=expires,
        content=encode_token(secret, expires, loc.org_name), state=state, reason=reason,
        filename=f"sToken_for_{slug}{suffix}.vpptoken"))


def _asset(loc: Location, item: catalog.Item, total: int, pricing: str = "STDQ") -> AssetRecord:
    return loc.assets.setdefault((item.adam_id, pricing), AssetRecord(
        adam_id=item.adam_id, pricing_param=pricing,
        product_type="Book" if item.book else "App", total=max(total, 0),
        platforms=["iOS", "macOS"] if item.book else list(item.platforms),
        device_assignable=item.device_assignable and not item.book,
        revocable=not item.book, unlimited=total == UNLIMITED))


def _people_for(site: Site, directory: dict[str, Any]) -> list[dict[str, Any]]:
    by_upn = {u["upn"]: u for u in directory["users"]}
    groups = {g["name"]: g["members"] for g in directory["groups"]}
    group, offset, count = site.people
    if group == "*north":
        members = groups["Teachers"] + groups["Students Grade 9"]
    else:
        members = groups[group]
    return [by_upn[m] for m in members[offset:offset + count]]


def _add_people(loc: Location, people: list[dict[str, Any]], rng: random.Random) -> list[str]:
    live = []
    for i, person in enumerate(people):
        cid = client_user_id(person["upn"])
        if not person["active"]:
            loc.add_user(UserRecord(client_user_id=cid, status="Retired", email=person["upn"]))
            continue
        if i % 37 == 5:  # an earlier record of the same person, retired (Apple keeps twins)
            loc.add_user(UserRecord(client_user_id=cid, status="Retired",
                                    email=person["upn"], id_hash=id_hash(cid)))
        managed = person["managed_apple_id"]
        if managed:
            loc.add_user(UserRecord(client_user_id=cid, status="Associated",
                                    email=person["upn"], managed_apple_id=managed,
                                    id_hash=id_hash(managed)))
        elif rng.random() < 0.3:  # accepted the invitation with a personal account
            loc.add_user(UserRecord(client_user_id=cid, status="Associated",
                                    email=person["upn"], id_hash=id_hash(person["upn"])))
        else:
            loc.add_user(UserRecord(client_user_id=cid, status="Registered",
                                    email=person["upn"], invite_code=invite_code(loc, cid, 0)))
        live.append(cid)
    return live


def _build_demo(sim: Simulator, seed: int) -> None:
    rng = random.Random(seed + 7)
    directory = demo_directory()
    serials = {g["name"]: g["members"] for g in directory["groups"] if g["kind"] == "device"}
    macs = serials["Mac Lab"] + serials["Music Macs"]
    ipads = serials["Exam iPads"]
    for site in SITES:
        loc = sim.add_location(Location(uid=site.uid, name=site.name, org_name=ORG_NAME))
        people = _people_for(site, directory)
        users = _add_people(loc, people, rng)
        for item_name, total, used in site.inventory:
            item = catalog.BY_NAME[item_name]
            editions = [("STDQ", total, used)]
            if item.plus_twin:
                editions.append(("PLUS", max(total // 6, 5), min(used // 10, 5)))
            for pricing, count, held in editions:
                _asset(loc, item, count, pricing)
                for kind, target in _holders(item, held, users, ipads, macs, rng):
                    loc.assignments[(item.adam_id, pricing, kind, target)] = 0
        if site.name == discrepancies.SITE:
            discrepancies.add_discrepancies(loc, people)
        loc.reindex_assignments()
        if site.other_mdm:
            sim.claim_by_other(loc.uid, site.other_mdm, metadata="contoso.jamfcloud.com")
        for index in range(site.tokens):
            record = _issue(sim, loc, site.expires_in_days, site.state, site.reason, seed,
                            index, site.tokens)
            record.revoked = site.revoked
    _add_metadata(sim, catalog.APPS + catalog.BOOKS)


def add_try_files(sim: Simulator, seed: int = 0) -> None:
    """Give the demo world what the admin needs to try add and renew, once (a world that
    has them is left as it is): each of NEW_SITES with one valid token file, and a second
    file for RENEWED_SITE valid for a year. The expiring file keeps working until it is
    replaced, so the demo keeps showing a token that expires soon."""
    with sim.lock:
        if not any(loc.name == NEW_SITES[0].name for loc in sim.locations.values()):
            rng = random.Random(seed + 11)
            directory = demo_directory()
            serials = {g["name"]: g["members"] for g in directory["groups"]
                       if g["kind"] == "device"}
            for site in NEW_SITES:
                loc = sim.add_location(Location(uid=site.uid, name=site.name,
                                                org_name=ORG_NAME))
                users = _add_people(loc, _people_for(site, directory), rng)
                for item_name, total, used in site.inventory:
                    item = catalog.BY_NAME[item_name]
                    _asset(loc, item, total)
                    for kind, target in _holders(item, used, users, serials["Exam iPads"],
                                                 serials["Mac Lab"], rng):
                        loc.assignments[(item.adam_id, "STDQ", kind, target)] = 0
                loc.reindex_assignments()
                record = _issue(sim, loc, site.expires_in_days, site.state, site.reason, seed)
                record.filename = f"add-{loc.name.lower().replace(' ', '-')}.vpptoken"
        if not any(t.reason == RENEWAL for t in sim.tokens):
            record = sim.issue_token(RENEWED_SITE, 365, revoke_older=False)
            record.reason = RENEWAL
            record.filename = f"renew-{RENEWED_SITE.lower().replace(' ', '-')}.vpptoken"


def try_files(sim: Simulator) -> list[TokenFile]:
    """The files `add_try_files` made: to add (reason TO_ADD) and to renew with (RENEWAL)."""
    return [f for f in sim.token_files() if f.reason in (TO_ADD, RENEWAL)]


def loaded_files(sim: Simulator) -> list[TokenFile]:
    """The files the demo store is seeded with: every file but `try_files`."""
    return [f for f in sim.token_files() if f.reason not in (TO_ADD, RENEWAL)]


def _holders(item: catalog.Item, used: int, users: list[str], ipads: list[str],
             macs: list[str], rng: random.Random) -> list[tuple[str, str]]:
    if used <= 0:
        return []
    if item.name == "Exam Lockdown":
        pool = [("device", s) for s in ipads]
    elif item.platforms == ("macOS",):
        pool = [("device", s) for s in macs]
    elif item.name == "Graphing Pro":
        pool = [("device", s) for s in ipads[:60]] + [("user", u) for u in users]
        return pool[:used]
    else:
        pool = [("user", u) for u in users]
    if len(pool) < used:  # devices Apple knows but the directory does not (old, sold, lost)
        pool += [("device", f"LEGACY{item.adam_id[-4:]}{i:04d}")
                 for i in range(used - len(pool))]
    return rng.sample(pool, used)


def _add_metadata(sim: Simulator, items: list[catalog.Item]) -> None:
    for cc in ("us", "fr"):
        store = sim.metadata.setdefault(cc, {})
        for item in items:
            if cc == "fr" and item.name in catalog.MISSING_IN_FR:
                continue
            name = catalog.FRENCH_NAMES.get(item.name, item.name) if cc == "fr" else item.name
            store[item.adam_id] = make_result(
                adam_id=item.adam_id, name=name, cc=cc, kind=item.kind,
                platforms=list(item.platforms), artist=item.artist, version=item.version,
                device_assignable=item.device_assignable and not item.book,
                genre=item.genre, custom=item.custom)


def _build_scale(sim: Simulator, size: int, seed: int) -> None:
    """`size` assets and about 300 assignments each, on one location: paging under load."""
    rng = random.Random(seed + 1)
    loc = sim.add_location(Location(uid="204902500099000001", name="Scale District",
                                     org_name="Scale District Schools"))
    n_users = max(100, size * 20)
    cids = [f"scale-user-{i:06d}" for i in range(n_users)]
    for i, cid in enumerate(cids):
        if i % 3:
            loc.add_user(UserRecord(client_user_id=cid, status="Associated",
                                    email=f"{cid}@scale.example.edu", id_hash=id_hash(cid)))
        else:
            loc.add_user(UserRecord(client_user_id=cid, status="Registered",
                                    email=f"{cid}@scale.example.edu",
                                    invite_code=invite_code(loc, cid, 0)))
    n_serials = max(100, size * 50)
    items = []
    for i in range(size):
        book = i % 10 == 9
        platforms = ("iOS", "macOS") if i % 7 == 0 else ("macOS",) if i % 11 == 0 else ("iOS",)
        item = catalog.Item(str(1600000000 + i), f"Scale {'Book' if book else 'App'} {i:05d}",
                            f"Vendor {i % 97}", platforms, device_assignable=i % 13 != 0,
                            book=book, version=None if book else f"{1 + i % 9}.{i % 5}")
        items.append(item)
        devices = item.device_assignable and not book
        population = n_serials if devices else n_users
        # At most one license per user or device: a small world has fewer than 600 of them.
        used = min(rng.randint(0, 600), population)
        _asset(loc, item, used + rng.randint(0, 200))
        for j in rng.sample(range(population), used):
            key = ("device", f"SC{j:010d}") if devices else ("user", cids[j])
            loc.assignments[(item.adam_id, "STDQ", *key)] = 0
    loc.reindex_assignments()
    _issue(sim, loc, 300, "valid", "valid for about 300 more days", seed)
    _add_metadata(sim, items)
