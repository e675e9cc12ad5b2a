"""`/assets`, `/assignments` and the asset-managing POSTs (associate, disassociate, revoke)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpp_tui.simulator import paging
from vpp_tui.simulator.errors import ApiError
from vpp_tui.simulator.request import Request
from vpp_tui.simulator.state import AssetRecord, Location, minted_id

if TYPE_CHECKING:
    from vpp_tui.simulator.core import Simulator

PRICING = ("STDQ", "PLUS")


def assets_version(loc: Location) -> str:
    return minted_id(loc.uid, "assets", loc.assignment_versions.seq, loc.asset_changes)


def get_assets(sim: Simulator, req: Request) -> dict[str, Any]:
    q = req.query
    index = paging.page_index(q)
    product = q.get("productType")
    pricing = q.get("pricingParam")
    if product is not None and product not in ("App", "Book"):
        raise ApiError(9602)
    if pricing is not None and pricing not in PRICING:
        raise ApiError(9602)
    revocable = paging.boolean(q, "revocable")
    assignable = paging.boolean(q, "deviceAssignable")
    unlimited = paging.boolean(q, "unlimited")
    bounds = [(paging.integer(q, name), name) for name in (
        "maxAvailableCount", "minAvailableCount", "maxAssignedCount", "minAssignedCount")]
    adam = q.get("adamId")

    def keep(a: AssetRecord) -> bool:
        if unlimited is False and a.unlimited:
            return False
        checks = ((product, a.product_type), (pricing, a.pricing_param), (adam, a.adam_id),
                  (revocable, a.revocable), (assignable, a.device_assignable))
        if any(want is not None and want != have for want, have in checks):
            return False
        for value, name in bounds:
            if value is None:
                continue
            have = a.available if "Available" in name else a.assigned
            if (name.startswith("max") and have > value) or (
                    name.startswith("min") and have < value):
                return False
        return True

    chosen = [a for a in req.loc.assets.values() if keep(a)]
    chunk, fields = paging.page(chosen, index, sim.page_size)
    body: dict[str, Any] = {
        "assets": [a.wire() for a in chunk if not (unlimited and a.unlimited)]}
    if unlimited:
        body["unlimitedAssets"] = [a.wire_unlimited() for a in chunk if a.unlimited]
    body.update(fields)
    body["versionId"] = assets_version(req.loc)
    return body


def get_assignments(sim: Simulator, req: Request) -> dict[str, Any]:
    q = req.query
    loc = req.loc
    index = paging.page_index(q)
    since = q.get("sinceVersionId")
    since_seq = None
    if since is not None:
        since_seq = loc.assignment_versions.seq_of(since)
        if since_seq is None:
            raise ApiError(9721)
    exclude_inactive = paging.boolean(q, "excludeInactiveUsers")
    with_state = paging.boolean(q, "includeUserState")
    filters = (q.get("adamId"), q.get("pricingParam"), q.get("clientUserId"),
               q.get("serialNumber"), since_seq, bool(exclude_inactive))
    keys = sim.cached(loc, "assignments", (loc.assignment_versions.seq, loc.user_versions.seq),
                      filters,
                      lambda: _select_assignments(loc, *filters))
    chunk, fields = paging.page(keys, index, sim.page_size)
    items = []
    for adam, pricing, kind, target in chunk:
        item: dict[str, Any] = {"adamId": adam, "pricingParam": pricing}
        if kind == "user":
            item["clientUserId"] = target
            if with_state:
                user = loc.live_user(target) or _last_record(loc, target)
                item["userStatus"] = user.status if user else "Retired"
                if user and user.id_hash:
                    item["idHash"] = user.id_hash
        else:
            item["serialNumber"] = target
        items.append(item)
    return {"assignments": items, **fields, "versionId": loc.assignment_versions.current}


def _last_record(loc: Location, client_user_id: str):  # noqa: ANN202
    return next((u for u in reversed(loc.users) if u.client_user_id == client_user_id), None)


def _select_assignments(loc: Location, adam: str | None, pricing: str | None,
                        user: str | None, serial: str | None, since_seq: int | None,
                        exclude_inactive: bool) -> list[tuple[str, str, str, str]]:
    out = []
    for key, seq in loc.assignments.items():
        a, p, kind, target = key
        if (adam is not None and a != adam) or (pricing is not None and p != pricing):
            continue
        if user is not None and (kind != "user" or target != user):
            continue
        if serial is not None and (kind != "device" or target != serial):
            continue
        if since_seq is not None and seq <= since_seq:
            continue
        if exclude_inactive and kind == "user" and loc.live_user(target) is None:
            continue
        out.append(key)
    return out


def _strings(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ApiError(9602)
    return value


def _assets(loc: Location, data: dict[str, Any]) -> list[tuple[str, str]]:
    raw = data.get("assets")
    if raw is None or raw == []:
        raise ApiError(9718)
    if not isinstance(raw, list):
        raise ApiError(9602)
    out = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("adamId"), str | int):
            raise ApiError(9602)
        adam = str(item["adamId"])
        pricing = item.get("pricingParam")
        if pricing is None:  # v1 defaulted to STDQ; prefer the edition the location owns
            pricing = "STDQ" if (adam, "STDQ") in loc.assets or (
                adam, "PLUS") not in loc.assets else "PLUS"
        if pricing not in PRICING:
            raise ApiError(9602)
        out.append((adam, pricing))
    return out


def _targets_checked(sim: Simulator, data: dict[str, Any], user_limit: str,
                     serial_limit: str) -> tuple[list[str], list[str]]:
    users, serials = _strings(data, "clientUserIds"), _strings(data, "serialNumbers")
    if not users and not serials:
        raise ApiError(9719)
    if len(set(users)) > sim.limits[user_limit]:
        raise ApiError(9701)
    if len(set(serials)) > sim.limits[serial_limit]:
        raise ApiError(9702)
    if len(set(users)) != len(users):
        raise ApiError(9704)
    if len(set(serials)) != len(serials):
        raise ApiError(9705)
    return users, serials


def _manage(sim: Simulator, req: Request, op: str, event_type: str) -> dict[str, Any]:
    data = req.json_object()
    loc = req.loc
    assets = _assets(loc, data)
    if len(set(assets)) > sim.limits["maxAssets"]:
        raise ApiError(9700)
    users, serials = _targets_checked(sim, data, "maxClientUserIds", "maxSerialNumbers")
    if len(set(assets)) != len(assets):
        raise ApiError(9703)
    unknown = [a for a in assets if a not in loc.assets]
    if unknown:
        raise ApiError(9602, error_info={"assets": _wire_assets(unknown)})
    if serials:
        bad = [a for a in assets if not loc.assets[a].device_assignable]
        if bad:
            raise ApiError(9707, error_info={"assets": _wire_assets(bad)})
    if op == "d":
        bad = [a for a in assets if not loc.assets[a].revocable]
        if bad:
            raise ApiError(9706, error_info={"assets": _wire_assets(bad)})
    tasks: list[list[Any]] = []
    for adam, pricing in assets:
        tasks.extend([op, adam, pricing, "user", u] for u in users)
        tasks.extend([op, adam, pricing, "device", s] for s in serials)
    return {"eventId": sim.start_event(loc, event_type, tasks)}


def _wire_assets(keys: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"adamId": a, "pricingParam": p} for a, p in keys]


def associate(sim: Simulator, req: Request) -> dict[str, Any]:
    return _manage(sim, req, "a", "ASSOCIATE")


def disassociate(sim: Simulator, req: Request) -> dict[str, Any]:
    return _manage(sim, req, "d", "DISASSOCIATE")


def revoke(sim: Simulator, req: Request) -> dict[str, Any]:
    data = req.json_object()
    users, serials = _targets_checked(sim, data, "maxRevokeClientUserIds",
                                      "maxRevokeSerialNumbers")
    tasks: list[list[Any]] = [["r", "user", u] for u in users]
    tasks += [["r", "device", s] for s in serials]
    return {"eventId": sim.start_event(req.loc, "REVOKE", tasks)}
