"""Product names, versions and icons from Apple's legacy lookup (`urls.contentMetadataLookup`).

Apple's two samples disagree on shapes (ids as numbers or strings, artwork as a list of
sized images or one template object), so both are read. An id missing from `results`
means the product is not in that country's store (or not visible to this token); it is
left out of the answer rather than treated as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vpp_tui.apple.models import LookupResponse, LookupResult

BATCH = 100
ARTWORK_SIZE = 512

_FAMILY_PLATFORM = {
    "iphone": "iOS", "ipad": "iOS", "ipod": "iOS", "mac": "macOS", "tvos": "tvOS",
    "appletv": "tvOS", "watch": "watchOS", "realitydevice": "visionOS",
}
_KIND_PLATFORM = {"desktopApp": "macOS", "macSoftware": "macOS"}


@dataclass
class AssetMetadata:
    adam_id: str
    name: str | None = None
    version: str | None = None
    platforms: list[str] = field(default_factory=list)
    kind: str | None = None
    artwork_url: str | None = None
    store_url: str | None = None
    device_assignable: bool | None = None
    is_custom: bool = False
    bundle_id: str | None = None


def lookup_params(ids: list[str], country: str, platform: str) -> dict[str, str]:
    return {"version": "2", "p": "mdm-lockup", "caller": "MDM", "platform": platform,
            "cc": country.lower(), "l": "en", "id": ",".join(ids)}


def parse_lookup(payload: dict[str, Any]) -> dict[str, AssetMetadata]:
    response = LookupResponse.model_validate(payload)
    out: dict[str, AssetMetadata] = {}
    for key, result in (response.results or {}).items():
        adam_id = str(result.id or key)
        out[adam_id] = _metadata(adam_id, result)
    return out


def _metadata(adam_id: str, result: LookupResult) -> AssetMetadata:
    offers = result.offers or []
    version = None
    if offers and isinstance(offers[0], dict):
        version_info = offers[0].get("version")
        if isinstance(version_info, dict) and version_info.get("display") is not None:
            version = str(version_info["display"])
    return AssetMetadata(
        adam_id=adam_id, name=result.name, version=version,
        platforms=_platforms(result), kind=result.kind,
        artwork_url=artwork_url(result.artwork),
        store_url=result.url or result.shortUrl,
        device_assignable=result.isVppDeviceBasedLicensingEnabled,
        is_custom=bool(result.isB2BCustomApp), bundle_id=result.bundleId,
    )


def _platforms(result: LookupResult) -> list[str]:
    names = [_FAMILY_PLATFORM[f.lower()] for f in result.deviceFamilies or []
             if f.lower() in _FAMILY_PLATFORM]
    if result.kind in _KIND_PLATFORM:
        names.append(_KIND_PLATFORM[result.kind])
    return list(dict.fromkeys(names))


def artwork_url(artwork: list[dict[str, Any]] | dict[str, Any] | None) -> str | None:
    """The icon URL: the largest of the sized images, or the template filled in."""
    if isinstance(artwork, list):
        sized = [a for a in artwork if isinstance(a, dict) and a.get("url")]
        if not sized:
            return None
        best = max(sized, key=lambda a: _number(a.get("width")))
        return str(best["url"])
    if isinstance(artwork, dict) and artwork.get("url"):
        url = str(artwork["url"])
        return (url.replace("{w}", str(ARTWORK_SIZE)).replace("{h}", str(ARTWORK_SIZE))
                .replace("{f}", "png").replace("{c}", "bb"))
    return None


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
