"""A North Campus world with the demo directory imported: the setting of the license tests."""

from __future__ import annotations

import json

from sqlmodel import select

from tests.services.test_tokens import add
from vpp_tui.services import directory, sync
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store import models as m

NORTH = "North Campus"
NORTH_UID = "204902500043143901"


def north(world, doc: dict | None = None) -> dict:
    """Import the directory, add and sync North Campus; returns the directory document."""
    doc = doc or demo_directory()
    directory.import_directory(world.ctx, json.dumps(doc))
    add(world, NORTH)
    assert sync.sync_token(world.ctx, NORTH).status == "completed"
    return doc


def asset(world, name: str) -> m.Asset:
    with world.ctx.store.session() as s:
        return s.exec(select(m.Asset).join(m.Token).where(
            m.Asset.name == name, m.Token.name == NORTH)).one()


def sim_counts(world, name: str) -> tuple[int, int]:
    """(assigned, available) as the simulated Apple holds them."""
    row = asset(world, name)
    record = world.sim.location(NORTH_UID).assets[(row.adam_id, row.pricing_param)]
    return record.assigned, record.available


def apple_holds(world, name: str, kind: str, target: str) -> bool:
    row = asset(world, name)
    return (row.adam_id, row.pricing_param, kind, target) in world.sim.location(
        NORTH_UID).assignments


def licenses_of(world, name: str) -> list[m.License]:
    row = asset(world, name)
    with world.ctx.store.session() as s:
        return list(s.exec(select(m.License).where(m.License.asset_id == row.id)).all())


def group_members(doc: dict, group: str) -> list[str]:
    return next(g["members"] for g in doc["groups"] if g["name"] == group)


def store_held(world) -> set[tuple[str, str, str, str]]:  # noqa: ANN001
    """North Campus's licensed rows in the store as (adamId, pricingParam, kind, holder):
    the shape of the simulator's `location(...).assignments`, to compare the ledger."""
    with world.ctx.store.session() as s:
        rows = s.exec(select(m.License, m.Asset).join(
            m.Asset, m.Asset.id == m.License.asset_id).join(
            m.Token, m.Token.id == m.Asset.token_id).where(
            m.Token.name == NORTH, m.License.status == "licensed")).all()
    return {(a.adam_id, a.pricing_param, lic.kind,
             (lic.client_user_id if lic.kind == "user" else lic.serial) or "")
            for lic, a in rows}
