"""The directory as the bulk plans read it (issue 13): only the users and devices a held
license row can name, however big the directory, and never one a held row may name in
another case beyond ASCII (SQL's lower() folds ASCII only). Both databases."""

from __future__ import annotations

import uuid

from sqlalchemy import insert

from tests.services.bulk_ledger import add_rows
from tests.services.licensing_helpers import NORTH, north
from vpp_tui.services.directory_reads import held_directory
from vpp_tui.services.licensing.facts import _NS, minted_client_user_id
from vpp_tui.store import models as m


def test_held_directory_reads_the_members_held_rows_name_and_every_upn_beyond_ascii(
        world) -> None:
    north(world)
    upns, serials = add_rows(world, NORTH, users=2, devices=1, per_member=1, prefix="hd")
    with world.ctx.store.session() as session:
        session.execute(insert(m.DirectoryUser), [
            {"upn": "nobody@contoso.edu", "name": "holds nothing"},
            {"upn": "ſam@contoso.edu", "name": "casefolds to sam@"},  # noqa: RUF001
        ])
        session.execute(insert(m.DirectoryDevice), [
            {"serial": "UNHELD0001", "platform": "iOS", "managed": True}])
    with world.ctx.store.session() as session:
        users, devices = held_directory(session)
        every, _devices = held_directory(session, every_user=True)
    assert set(upns) <= users.keys()
    assert "ſam@contoso.edu" in users  # noqa: RUF001 — may be the holder "sam@…"
    assert "nobody@contoso.edu" not in users
    assert "nobody@contoso.edu" in every
    assert set(serials) <= devices.keys()
    assert "UNHELD0001" not in devices


def test_minted_client_user_id_is_the_uuid5_of_installation_location_and_person() -> None:
    """The fast spelling mints exactly the ids `uuid.uuid5` did: ids already registered
    at Apple must be found again."""
    for upn in ("ana@contoso.edu", "Émile@Contoso.edu", "STRASSE@x", ""):
        for account in ("", "personal"):
            name = f"inst:loc:{upn.casefold()}" + (f":{account}" if account else "")
            assert minted_client_user_id("inst", "loc", upn, account) == str(
                uuid.uuid5(_NS, name))
