"""What one sync reads from Apple: planned from the store, then read with no transaction open.

A delta sync with nothing changed makes a constant number of requests whatever the
catalog size (issue 13): `/service/config`, `/client/config`, page 0 of `/assets` (the
rest only when Apple's versionId moved, `domain.sync.assets_unchanged`), one page each of
the `/assignments` and `/users` deltas, and store lookups only for the assets
`domain.sync.metadata_lookups` names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from vpp_tui.domain import sync as sync_rules
from vpp_tui.domain import tokens as rules
from vpp_tui.services import apple_posts
from vpp_tui.services.apple_link import client_for
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.settings import get_setting
from vpp_tui.services.sync.apply import AppleSnapshot
from vpp_tui.store import models as m

METADATA_BATCH = 100
Progress = Callable[[str, int, int], None]


@dataclass
class Plan:
    """One sync's starting point, read from the store under the lease: whether it is
    full, the versionIds it reads from, and what the store knows of each asset."""

    token_id: int
    name: str
    full: bool
    assignments_since: str | None
    users_since: str | None
    country: str
    platform: str | None
    assets_version: str | None = None
    known: dict[str, sync_rules.KnownAsset] = field(default_factory=dict)


def make_plan(ctx: ServiceContext, name: str, force_full: bool) -> Plan:
    """The plan of a sync of token `name` (NoResultFound when it is gone)."""
    with ctx.store.session() as session:
        token = session.exec(select(m.Token).where(m.Token.name == name)).one()
        _due, full = rules.sync_due(token.last_sync_at, token.last_full_sync_at,
                                    ctx.clock.now(), int(get_setting(ctx, "sync_interval_hours")))
        full = full or force_full or not token.assignments_version_id
        # A post whose outcome was lost: only a full read shows what it removed.
        full = full or apple_posts.any_open(session, token.id or 0)
        known = {adam: sync_rules.KnownAsset(country, bool(missing))
                 for adam, country, missing in session.exec(
                     select(m.Asset.adam_id, m.Asset.metadata_country,
                            m.Asset.missing_in_store).where(m.Asset.token_id == token.id)).all()}
        return Plan(token_id=token.id or 0, name=token.name, full=full,
                    assignments_since=None if full else token.assignments_version_id,
                    users_since=None if full else token.users_version_id,
                    country=token.country, platform=token.default_platform,
                    assets_version=None if full else token.assets_version_id, known=known)


@dataclass
class Tally:
    """HTTP requests made so far; read even when a request raised."""

    requests: int = 0


def fetch(ctx: ServiceContext, plan: Plan, bearer: str, on_progress: Progress | None,
          tally: Tally, stream: Any = None) -> AppleSnapshot:
    """Everything this sync needs from Apple (no transaction is open meanwhile); AppleError,
    Cancelled or httpx errors propagate. `tally.requests` is set even when it raises.
    `stream` (an `apple.client.PageStream`, e.g. `sync.stream.StageWriter`): the
    assignment pages go there as they arrive instead of into the snapshot."""
    def progress(stage: str, done: int, total: int) -> None:
        if on_progress is not None:
            on_progress(stage, done, total)

    with client_for(ctx, bearer, check_owner=True, on_progress=on_progress) as client:
        try:
            return read_apple(client, plan, progress, stream)
        finally:
            tally.requests = client.requests_made


def read_apple(client: Any, plan: Plan, progress: Progress, stream: Any = None
               ) -> AppleSnapshot:
    """Read config, assets (page 0 only when unchanged), assignment and user deltas and
    the metadata `domain.sync.metadata_lookups` asks for, with `client` (an AppleClient)."""
    progress("config", 0, 5)
    config = client.client_config()
    progress("assets", 1, 5)
    assets = client.assets(unless_version=lambda version: sync_rules.assets_unchanged(
        plan.assets_version, version, full=plan.full))
    progress("assignments", 2, 5)
    assignments = client.assignments(since_version_id=plan.assignments_since, compact=True,
                                     stream=stream)
    progress("users", 3, 5)
    users = client.users(since_version_id=plan.users_since)
    progress("metadata", 4, 5)
    platform = config.defaultPlatform or plan.platform or "enterprisestore"
    ids = sync_rules.metadata_lookups((a.adamId for a in assets.items if a.adamId),
                                      plan.known, plan.country, full=plan.full)
    metadata: dict[str, Any] = {}
    for start in range(0, len(ids), METADATA_BATCH):
        metadata.update(client.lookup_metadata(ids[start:start + METADATA_BATCH],
                                               plan.country, platform))
    progress("apply", 5, 5)
    return AppleSnapshot(config=config, assets=assets.items,
                         unlimited=getattr(assets, "unlimited", []) or [],
                         assignments=assignments.items,
                         assignments_version=assignments.version_id,
                         assignments_delta=assignments.delta,
                         users=users.items, users_version=users.version_id,
                         users_delta=users.delta, metadata=metadata, country=plan.country,
                         assets_version=assets.version_id,
                         assets_unchanged=assets.unchanged,
                         looked_up=frozenset(ids), assignment_pages=assignments.indexes)
