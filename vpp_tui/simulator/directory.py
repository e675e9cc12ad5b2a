"""The demo organisation's directory (cli.md "Directory files"): users, devices and groups.

Deterministic (fixed seed), so screenshots and tests see the same people every run. It fits
the demo world: the clientUserIds Apple already knows are derived from these UPNs, and the
Exam iPads' serials hold some of North Campus's licenses.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

DOMAIN = "contoso.edu"
APPLE_DOMAIN = "appleid.contoso.edu"
_SERIAL_CHARS = "0123456789CDFGHJKLMNPQRTVWXY"
_NS = uuid.UUID("0b6f6a39-1d0e-4f55-9a47-2c7e3c1f5d10")

FIRST = ["Ana", "Ben", "Chloé", "Daniel", "Elif", "Farah", "Gabriel", "Hana", "Ivan", "Jade",
         "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Samir", "Tara",
         "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Amir", "Bianca", "Carlos", "Dina",
         "Emil", "Freya", "Goran", "Helena", "Isaac", "Julia", "Kai", "Leila", "Marco", "Noor"]
LAST = ["Ruiz", "Chen", "Okafor", "Martin", "Nguyen", "Kowalski", "Haddad", "Silva", "Larsen",
        "Moreau", "Patel", "Schmidt", "Tanaka", "Rossi", "Novak", "Ibrahim", "Dubois", "Kim",
        "Lindqvist", "Costa", "Fischer", "Yilmaz", "Murphy", "Sato", "Hart", "Alvarez", "Berg",
        "Mensah", "Ivanova", "Rahman", "Weber", "Lopez", "Andersen", "Ali", "Park", "Horvat",
        "Bianchi", "Jansen", "Cohen", "Singh"]

GROUP_SIZES = [("Teachers", 60), ("Students Grade 9", 200), ("Students Grade 10", 170),
               ("Students Grade 11", 160), ("Staff", 10)]
EXAM_IPADS = 500


def client_user_id(upn: str) -> str:
    """How the demo's earlier MDM named users for Apple: opaque, stable per person."""
    return str(uuid.uuid5(_NS, upn))


def _serials(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    out = []
    while len(out) < count:
        serial = "".join(rng.choice(_SERIAL_CHARS) for _ in range(12))
        if serial not in taken:
            taken.add(serial)
            out.append(serial)
    return out


def _people(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    seen: set[str] = set()
    groups: dict[str, list[dict[str, Any]]] = {}
    for group, size in GROUP_SIZES:
        members = []
        for _ in range(size):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            base = f"{first}.{last}".lower().replace("é", "e")
            local, n = base, 1
            while local in seen:
                n += 1
                local = f"{base}{n}"
            seen.add(local)
            staff = group in ("Teachers", "Staff")
            managed = staff or rng.random() < 0.4
            members.append({
                "upn": f"{local}@{DOMAIN}", "name": f"{first} {last}",
                "managed_apple_id": f"{local}@{APPLE_DOMAIN}" if managed else None,
                "personal_apple_id": False, "active": True,
            })
        groups[group] = members
    students = [u for g, us in groups.items() if g.startswith("Students") for u in us]
    for user in rng.sample([u for u in students if not u["managed_apple_id"]], 5):
        user["personal_apple_id"] = True
    for user in rng.sample(students, 7) + [groups["Staff"][0]]:
        user["active"] = False
    return groups


def _device(serial: str, name: str, platform: str, *, ownership: str = "corporate",
            supervised: bool = True, enrollment: str = "automated", kiosk: bool = False,
            blocked: bool = False, user: str | None = None) -> dict[str, Any]:
    return {"serial": serial, "name": name, "platform": platform, "ownership": ownership,
            "supervised": supervised, "enrollment": enrollment, "kiosk": kiosk,
            "app_store_blocked": blocked, "primary_user": user, "managed": True}


def demo_directory(seed: int = 20261123) -> dict[str, Any]:
    rng = random.Random(seed)
    people = _people(rng)
    teachers = people["Teachers"]
    students = [u for g, us in people.items() if g.startswith("Students") for u in us]
    taken: set[str] = set()
    device_groups: dict[str, list[dict[str, Any]]] = {}
    device_groups["Exam iPads"] = [
        _device(s, f"Exam iPad {i + 1:03d}", "iPadOS")
        for i, s in enumerate(_serials(rng, EXAM_IPADS, taken))]
    device_groups["Teacher iPads"] = [
        _device(s, f"{t['name'].split()[0]}'s iPad", "iPadOS", enrollment="device",
                blocked=i < 3, user=t["upn"])
        for i, (s, t) in enumerate(zip(_serials(rng, 40, taken), teachers, strict=False))]
    device_groups["Mac Lab"] = [
        _device(s, f"Mac Lab {i + 1:02d}", "macOS")
        for i, s in enumerate(_serials(rng, 30, taken))]
    device_groups["Music Macs"] = [
        _device(s, f"Music Mac {i + 1}", "macOS") for i, s in enumerate(_serials(rng, 8, taken))]
    device_groups["BYOD iPhones"] = [
        _device(s, f"{u['name'].split()[0]}'s iPhone", "iOS", ownership="personal",
                supervised=False, enrollment="user", user=u["upn"])
        for s, u in zip(_serials(rng, 5, taken), students[:5], strict=True)]
    device_groups["Library Kiosks"] = [
        _device(s, f"Library Kiosk {i + 1}", "iPadOS", kiosk=True)
        for i, s in enumerate(_serials(rng, 2, taken))]
    device_groups["Loaner iPads"] = [
        _device(s, f"Loaner iPad {i + 1:02d}", "iPadOS", supervised=False, enrollment="device")
        for i, s in enumerate(_serials(rng, 10, taken))]
    music = rng.sample(students, 40)
    science = teachers[:12]
    user_groups = dict(people)
    user_groups["Music Students"] = music
    user_groups["Science Staff"] = science
    return {
        "users": [u for us in people.values() for u in us],
        "devices": [d for ds in device_groups.values() for d in ds],
        "groups": [{"name": n, "kind": "user", "members": [u["upn"] for u in us]}
                   for n, us in user_groups.items()]
        + [{"name": n, "kind": "device", "members": [d["serial"] for d in ds]}
           for n, ds in device_groups.items()],
    }
