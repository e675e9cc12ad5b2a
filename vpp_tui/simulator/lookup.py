"""The legacy metadata lookup (`urls.contentMetadataLookup`, apple-api.md §9.1) per country store,
and the invitation link an end user opens.

Results are keyed by id; an app a store does not carry is simply absent (HTTP 200, like Apple).
Custom (B2B) apps come back only with the `itvt` cookie of a token whose location owns them.
`platform=macappstore` returns only Mac-capable items; the other platform values return all,
which is kinder than Apple to a client that asks only with `defaultPlatform`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vpp_tui.simulator.request import Request, Response, json_response

if TYPE_CHECKING:
    from vpp_tui.simulator.core import Simulator

STOREFRONTS = {"us": "143441", "fr": "143442", "de": "143443", "gb": "143444", "ca": "143455"}
_LANG = {"us": "en-us", "fr": "fr-fr", "de": "de-de", "gb": "en-gb", "ca": "en-ca"}
_FAMILIES = {"iOS": ["iphone", "ipad", "ipod"], "macOS": ["mac"], "tvOS": ["tvos"],
             "watchOS": ["watch"], "visionOS": ["realityDevice"]}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "item"


def make_result(*, adam_id: str, name: str, cc: str, kind: str, platforms: list[str],
                artist: str, version: str | None, device_assignable: bool,
                genre: str = "Education", bundle_id: str | None = None, custom: bool = False,
                price: float = 0.0, minimum_os: str = "16.0") -> dict[str, Any]:
    """One lookup result in Apple's shape (the authenticated sample's artwork object)."""
    is_book = kind == "epubBook"
    families = ["iphone", "ipad", "mac"] if is_book else [
        f for p in platforms for f in _FAMILIES.get(p, [])]
    store = "books.apple.com" if is_book else "apps.apple.com"
    path = "book" if is_book else "app"
    url = f"https://{store}/{cc}/{path}/{slug(name)}/id{adam_id}"
    offer: dict[str, Any] = {"price": price, "priceFormatted": f"${price:.2f}",
                             "type": "buy" if price else "get"}
    if version is not None:
        offer["version"] = {"display": version, "externalId": int(adam_id) % 900000000 + 1000}
    result: dict[str, Any] = {
        "id": adam_id, "name": name, "nameRaw": name, "artistName": artist, "kind": kind,
        "deviceFamilies": families, "offers": [offer],
        "artwork": {"width": 1024, "height": 1024, "bgColor": "ffffff",
                    "url": f"https://is1-ssl.mzstatic.com/image/thumb/Sim/v4/{adam_id}/"
                           "AppIcon.png/{w}x{h}bb.{f}"},
        "isVppDeviceBasedLicensingEnabled": device_assignable, "isB2BCustomApp": custom,
        "url": url, "shortUrl": url, "genreNames": [genre],
        "releaseDate": "2021-09-01",
    }
    if not is_book:
        result["bundleId"] = bundle_id or f"com.{slug(artist)}.{slug(name)}".replace("-", "")
        result["minimumOSVersion"] = minimum_os
    return result


def handle(sim: Simulator, req: Request) -> Response:
    q = req.query
    if req.method != "GET":
        return json_response(405, {"status": 405})
    if not q.get("p"):
        return json_response(400, {"status": 7011})
    if not q.get("caller"):
        return json_response(403, {"status": 403})
    cc = (q.get("cc") or "us").lower()
    if cc not in sim.metadata:
        cc = "us"  # Apple silently falls back to the US store
    owner = _cookie_location(sim, req)
    platform = (q.get("platform") or "").lower()
    store = sim.metadata.get(cc, {})
    results: dict[str, Any] = {}
    for adam in (i.strip() for i in (q.get("id") or "").split(",")):
        item = store.get(adam)
        if item is None:
            continue
        if item.get("isB2BCustomApp") and (owner is None or not any(
                a == adam for a, _ in owner.assets)):
            continue
        if platform == "macappstore" and "mac" not in item["deviceFamilies"]:
            continue
        results[adam] = item
    body = {"isAuthenticated": False,
            "meta": {"language": {"tag": _LANG.get(cc, "en-us")},
                     "storefront": {"cc": cc.upper(), "id": STOREFRONTS.get(cc, "143441")}},
            "results": results, "version": 2}
    return json_response(200, body)


def _cookie_location(sim: Simulator, req: Request):  # noqa: ANN202
    for part in req.headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "itvt" and value:
            record = sim.token_for_bearer(value.strip().strip('"'))
            if record is not None and not record.revoked:
                return sim.locations.get(record.location_uid)
    return None


def accept_invite(sim: Simulator, req: Request) -> Response:
    """The end user's side of the invitation link: accepting associates the user."""
    user = sim.accept_invite_code(req.query.get("inviteCode", ""))
    if user is None:
        return json_response(404, {"accepted": False, "reason": "unknown or used invitation"})
    return json_response(200, {"accepted": True, "user": user})
