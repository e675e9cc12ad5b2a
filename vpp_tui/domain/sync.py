"""What a sync must read from Apple, decided from what the store already knows (issue 13).

Pure rules, no I/O: the sync service asks them which asset pages and which metadata
lookups a sync needs, so a delta sync with nothing changed costs a constant number of
requests whatever the catalog size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownAsset:
    """What the store holds about one asset's store metadata: the country store it came
    from (None: never found) and whether that store lacked it last time."""

    metadata_country: str | None
    missing_in_store: bool


def assets_unchanged(known_version: str | None, apple_version: str | None, *,
                     full: bool) -> bool:
    """Whether a sync may skip every `/assets` page after page 0: Apple's `versionId` of
    page 0 is the one stored at the last full asset read. A full sync always reads every
    page; an unknown version on either side reads them too.
    Source: apple-api.md §3.2 (`/assets` returns a versionId but takes no sinceVersionId).
    """
    return (not full and known_version is not None and apple_version is not None
            and known_version == apple_version)


def metadata_lookups(remote_ids: Iterable[str], known: Mapping[str, KnownAsset],
                     country: str, *, full: bool) -> list[str]:
    """The adamIds (sorted, unique) whose store metadata a sync looks up.

    - full sync (the daily refresh, or `--full`, which reads every asset page): every
      asset Apple listed (`remote_ids`);
    - otherwise: assets new to the store (in `remote_ids`, not in `known`), and assets
      whose metadata came from another country store than `country` (the token's country
      changed) unless that store lacked them already. Nothing else: a delta with no change
      looks nothing up. Source: issue 13 "Delta sync with no change: ≤ 5 requests";
      apple-api.md §9.1 (metadata per country store `cc`).
    """
    remote = {str(i) for i in remote_ids if i}
    if full:
        return sorted(remote)
    wanted = {i for i in remote if i not in known}
    wanted |= {i for i, k in known.items()
               if k.metadata_country and k.metadata_country.lower() != country.lower()
               and not k.missing_in_store}
    return sorted(wanted)
