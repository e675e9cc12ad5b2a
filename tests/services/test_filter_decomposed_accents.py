"""Fault (breaker4): a filter did not find a name whose accent was stored decomposed (NFD).

Directory files exported on macOS (and some HR systems) hold "é" as "e" + U+0301. The
import kept it as is, the screen and `directory users` showed "Zoé Nfd", but typing what
is shown found nothing: `store.text_match.contains_text` compared code points, never
normalising either side. Now text a filter reads is stored in NFC (`domain.text.nfc`,
Unicode UAX #15) and the typed filter is compared in NFC; revision 0012_nfc_text rewrites
older stores (tests/store/test_migration_nfc_text.py).
"""

from __future__ import annotations

import json
import unicodedata

from vpp_tui.services import directory
from vpp_tui.services.catalog.queries import list_groups, list_users
from vpp_tui.simulator.worlds import demo_directory


def test_typed_accent_finds_decomposed_name(world) -> None:
    doc = demo_directory()
    doc["users"].append({"upn": "zoe.nfd@contoso.edu", "name": "Zoe\u0301 Nfd",
                         "managed_apple_id": None, "personal_apple_id": False,
                         "active": True})
    directory.import_directory(world.ctx, json.dumps(doc))
    typed = unicodedata.normalize("NFC", "Zoé")  # what a keyboard sends
    found = [u.upn for u in list_users(world.ctx, text=typed, limit=None).rows]
    assert "zoe.nfd@contoso.edu" in found


def test_decomposed_text_is_stored_composed_and_found_either_way(world) -> None:
    doc = demo_directory()
    doc["users"].append({"upn": "jose\u0301@contoso.edu", "name": "Jose\u0301 Nfd",
                         "managed_apple_id": None, "personal_apple_id": False,
                         "active": True})
    doc["groups"].append({"name": "E\u0301quipe", "kind": "user",
                          "members": ["JOSE\u0301@contoso.edu"]})
    directory.import_directory(world.ctx, json.dumps(doc))
    user = list_users(world.ctx, text="josé@", limit=None).rows
    assert [(u.upn, u.name) for u in user] == [("jos\u00e9@contoso.edu", "Jos\u00e9 Nfd")]
    # A decomposed filter (a paste from a macOS file name) finds the same rows.
    assert [u.upn for u in list_users(world.ctx, text="Jose\u0301", limit=None).rows] == [
        "jos\u00e9@contoso.edu"]
    assert [g.name for g in list_groups(world.ctx, text="\u00e9quipe").rows] == [
        "\u00c9quipe"]


def test_apple_names_and_audit_text_are_stored_composed() -> None:
    from vpp_tui.domain.text import nfc
    from vpp_tui.store import limits
    from vpp_tui.store import models as m

    assert limits.clip(m.Asset, "name", "Cafe\u0301 Pro") == "Caf\u00e9 Pro"  # Apple's
    assert limits.clip(m.AuditEntry, "detail", "de\u0301ja\u0300") == "d\u00e9j\u00e0"
    assert nfc("plain ascii") == "plain ascii"
