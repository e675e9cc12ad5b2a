"""Many license rows at once, for the linear-time tests and `bench/revoke_scale.py`.

`add_rows(world, token, users=U, devices=D, per_member=K)` writes, on the assets of one
synced token, U Apple users (each in the directory) and D directory devices, each holding
a license for K of the token's apps (round-robin), in a few bulk INSERTs: the ledger a
sync of a big location leaves, without Apple. Returns (users, devices) as written."""

from __future__ import annotations

from sqlalchemy import insert
from sqlmodel import select

from vpp_tui.store import models as m


def add_rows(world, token: str, *, users: int, devices: int, per_member: int,  # noqa: ANN001
             prefix: str = "bulk", assets: int | None = None) -> tuple[list[str], list[str]]:
    """`assets`: spread the licenses over the first N apps only (all by default)."""
    with world.ctx.store.session() as session:
        token_id = session.exec(select(m.Token.id).where(m.Token.name == token)).one()
        apps = session.exec(select(m.Asset.id).where(
            m.Asset.token_id == token_id, m.Asset.product_type == "app").order_by(
            m.Asset.id)).all()
        apps = list(apps[:assets] if assets else apps)
        upns = [f"{prefix}{i:06d}@contoso.edu" for i in range(users)]
        serials = [f"{prefix.upper()}{i:08d}" for i in range(devices)]
        if upns:
            session.execute(insert(m.DirectoryUser), [{"upn": u, "name": u} for u in upns])
            session.execute(insert(m.AppleUser), [
                {"token_id": token_id, "client_user_id": f"cid-{u}", "upn": u,
                 "status": "Associated"} for u in upns])
        if serials:
            session.execute(insert(m.DirectoryDevice), [
                {"serial": s, "platform": "iOS", "managed": True} for s in serials])
        rows = []
        for n, upn in enumerate(upns):
            for k in range(per_member):
                rows.append({"asset_id": apps[(n + k) % len(apps)], "kind": "user",
                             "member": upn, "client_user_id": f"cid-{upn}",
                             "status": "licensed", "source": "apple"})
        for n, serial in enumerate(serials):
            for k in range(per_member):
                rows.append({"asset_id": apps[(n + k) % len(apps)], "kind": "device",
                             "member": serial, "serial": serial, "status": "licensed",
                             "source": "apple"})
        for start in range(0, len(rows), 5000):
            session.execute(insert(m.License), rows[start:start + 5000])
    return upns, serials


def add_group(world, name: str, *, kind: str, size: int,  # noqa: ANN001
              prefix: str = "grp") -> list[str]:
    """A directory group of `size` new members (`kind` "user" or "device"), written in
    bulk INSERTs: the 100k-member group of `bench/plan_large_group.py --db`. Returns the
    members in group order."""
    with world.ctx.store.session() as session:
        if kind == "user":
            members = [f"{prefix}{i:06d}@contoso.edu" for i in range(size)]
            session.execute(insert(m.DirectoryUser), [{"upn": u, "name": u} for u in members])
        else:
            members = [f"{prefix.upper()}{i:08d}" for i in range(size)]
            session.execute(insert(m.DirectoryDevice), [
                {"serial": s, "platform": "iOS", "managed": True} for s in members])
        group = m.DirectoryGroup(name=name, kind=kind)
        session.add(group)
        session.flush()
        group_id = group.id
        rows = [{"group_id": group_id, "member": x, "position": i}
                for i, x in enumerate(members)]
        for start in range(0, len(rows), 5000):
            session.execute(insert(m.GroupMember), rows[start:start + 5000])
    return members


def depart(world, upns: list[str]) -> None:  # noqa: ANN001
    """Mark these directory users inactive (left the company): their licenses become
    pending reclaim (`licensing.departures`)."""
    from sqlalchemy import update

    with world.ctx.store.session() as session:
        for start in range(0, len(upns), 500):
            session.execute(update(m.DirectoryUser).where(
                m.DirectoryUser.upn.in_(upns[start:start + 500])).values(active=False))
