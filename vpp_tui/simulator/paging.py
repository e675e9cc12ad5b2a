"""Page-index paging as Apple does it: zero-based, `nextPageIndex` only when another page exists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vpp_tui.simulator.errors import ApiError

TRUE = {"true", "1"}
FALSE = {"false", "0"}


def page_index(query: Mapping[str, str]) -> int:
    raw = query.get("pageIndex")
    if raw is None or raw == "":
        return 0
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(9650) from exc
    if value < 0:
        raise ApiError(9650)
    return value


def boolean(query: Mapping[str, str], name: str) -> bool | None:
    raw = query.get(name)
    if raw is None:
        return None
    lowered = raw.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ApiError(9602)


def integer(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ApiError(9602) from exc


def page(items: Sequence[Any], index: int, size: int) -> tuple[Sequence[Any], dict[str, Any]]:
    """The slice for `index` and the paging fields. An empty set is one empty page 0
    with `totalPages` 0 (Apple's choice is undocumented; this one never strands a client)."""
    total_pages = (len(items) + size - 1) // size
    if index >= max(total_pages, 1):
        raise ApiError(9650)
    chunk = items[index * size:(index + 1) * size]
    fields: dict[str, Any] = {"currentPageIndex": index, "size": len(chunk),
                              "totalPages": total_pages}
    if index + 1 < total_pages:
        fields["nextPageIndex"] = index + 1
    return chunk, fields
