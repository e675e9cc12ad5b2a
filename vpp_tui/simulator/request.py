"""One incoming request as the route handlers see it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vpp_tui.simulator.errors import ApiError
from vpp_tui.simulator.state import Location, TokenRecord


@dataclass
class Request:
    method: str
    path: str  # path below the origin, e.g. /mdm/v2/assets
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    origin: str  # scheme://host[:port], so URLs we hand out point back at us
    location: Location | None = None
    token: TokenRecord | None = None
    _json: Any = field(default=None, repr=False)

    def json(self) -> Any:
        """The JSON body; 9727 for another content type, 9602 for JSON that does not parse."""
        if self._json is None:
            ctype = self.headers.get("content-type", "")
            if ctype.split(";")[0].strip().lower() != "application/json":
                raise ApiError(9727)
            try:
                self._json = json.loads(self.body.decode("utf-8") or "null")
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ApiError(9602) from exc
        return self._json

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise ApiError(9602)
        return data

    @property
    def loc(self) -> Location:
        assert self.location is not None, "authenticated route without a location"
        return self.location


Response = tuple[int, dict[str, str], bytes]


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    out = {"Content-Type": "application/json;charset=UTF-8", **(headers or {})}
    return status, out, json.dumps(body, separators=(",", ":")).encode("utf-8")
