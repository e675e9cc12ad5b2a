"""What the demo's North Campus holds that its console would not have given (issue 12).

Each reconciliation class that Apple's side alone can show is made present once, by
swapping holders of licenses the world already hands out (the counts stay as they were,
and no random draw is added, so the rest of the demo is unchanged):
- two users another MDM registered (clientUserIds this installation never made, e-mails
  of another organisation) hold Story Builder;
- an earlier Apple user of a person still in the directory, retired since, holds Story
  Builder (the person is active: a directory import does not reclaim it by itself);
- a serial the directory does not know holds Graphing Pro;
- a user holds both editions (STDQ and PLUS) of The Young Scientist's Handbook.
"""

from __future__ import annotations

from typing import Any

from vpp_tui.simulator.catalog import BY_NAME
from vpp_tui.simulator.directory import client_user_id
from vpp_tui.simulator.state import Location, UserRecord, id_hash

SITE = "North Campus"
FOREIGN = ("f1d3c0de-0001-4a6b-9e1f-fabrikam00001", "f1d3c0de-0002-4a6b-9e1f-fabrikam00002")
FOREIGN_EMAILS = ("kiosk.a@fabrikam-mdm.example", "kiosk.b@fabrikam-mdm.example")
UNKNOWN_SERIAL = "LEGACYGONE0001"
RETIRED_SUFFIX = "#retired"  # the earlier Apple user of a person, retired since


def _holders(loc: Location, name: str, pricing: str, kind: str) -> list[str]:
    adam = BY_NAME[name].adam_id
    return sorted(t for a, p, k, t in loc.assignments if (a, p, k) == (adam, pricing, kind))


def _swap(loc: Location, name: str, pricing: str, kind: str, old: str, new: str) -> None:
    adam = BY_NAME[name].adam_id
    del loc.assignments[(adam, pricing, kind, old)]
    loc.assignments[(adam, pricing, kind, new)] = 0


def add_discrepancies(loc: Location, people: list[dict[str, Any]]) -> None:
    """Swap holders at `loc` (North Campus) so every holder class is present; `people`:
    the directory users Apple knows at the location. Call before `reindex_assignments`."""
    story = _holders(loc, "Story Builder", "STDQ", "user")
    for cid, email, old in zip(FOREIGN, FOREIGN_EMAILS, story, strict=False):
        loc.add_user(UserRecord(client_user_id=cid, status="Associated", email=email,
                                id_hash=id_hash(cid)))
        _swap(loc, "Story Builder", "STDQ", "user", old, cid)
    rest = _holders(loc, "Story Builder", "STDQ", "user")
    person = next((p for p in people if p["active"]
                   and client_user_id(p["upn"]) not in rest), None)
    mine = [c for c in rest if c not in FOREIGN]
    if person is not None and mine:
        old = client_user_id(person["upn"] + RETIRED_SUFFIX)
        loc.add_user(UserRecord(client_user_id=old, status="Retired", email=person["upn"],
                                id_hash=id_hash(old)))
        _swap(loc, "Story Builder", "STDQ", "user", mine[0], old)
    devices = _holders(loc, "Graphing Pro", "STDQ", "device")
    if devices:
        _swap(loc, "Graphing Pro", "STDQ", "device", devices[-1], UNKNOWN_SERIAL)
    book = "The Young Scientist's Handbook"
    standard = _holders(loc, book, "STDQ", "user")
    plus = _holders(loc, book, "PLUS", "user")
    both = [c for c in standard if c in plus]
    if not both and standard and plus:
        _swap(loc, book, "PLUS", "user", plus[0], standard[0])
