"""Every filter is literal text: `%` and `_` match only themselves (store.text_match), on
SQLite and PostgreSQL alike (`world` runs on both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vpp_tui.services import audit, catalog
from vpp_tui.services.catalog import queries
from vpp_tui.store import models as m
from vpp_tui.store.text_match import like_pattern

# Each set holds one name with the literal text, and names the wildcards would also match.
NAMES = ("Map a%z one", "Map a_z two", "Map abz three", "Map aXYz four", "Map a/z five")


def _seed(ctx) -> None:  # noqa: ANN001
    now = datetime.now(UTC)
    with ctx.store.session() as session:
        token = m.Token(name="Literal Campus", apple_id="a@example.com", secret=b"x",
                        secret_sha256="0" * 64, expires_at=now + timedelta(days=300))
        session.add(token)
        session.flush()
        groups = []
        for i, name in enumerate(NAMES):
            asset = m.Asset(token_id=token.id or 0, adam_id=str(900 + i), product_type="app",
                            name=name)
            group = m.DirectoryGroup(name=name, kind="user")
            session.add_all([asset, group])
            session.flush()
            groups.append(group)
            session.add(m.Assignment(asset_id=asset.id or 0, group_id=group.id or 0,
                                     intent="available", license_type="user"))
            session.add(m.DirectoryUser(upn=f"u{i}@example.com", name=name))
            session.add(m.DirectoryDevice(serial=f"SER{i}", name=name, platform="iOS"))
            audit.record(session, ctx, "test.filter", f"target {i}", detail=name,
                         apple_event_id=f"ev-{name}")


def _names(rows) -> set[str]:  # noqa: ANN001
    return {r.name for r in rows}


@pytest.mark.parametrize(("text", "expected"), [
    ("a%z", {"Map a%z one"}), ("a_z", {"Map a_z two"}), ("A%Z", {"Map a%z one"}),
    ("a/z", {"Map a/z five"}),
])
def test_filters_match_percent_and_underscore_literally_in_every_section(
        world, text: str, expected: set[str]) -> None:  # noqa: ANN001
    ctx = world.ctx
    _seed(ctx)
    assert _names(catalog.list_assets(ctx, text=text, limit=None).rows) == expected
    assert {r.item for r in queries.list_assignments(ctx, text=text, limit=None).rows} \
        == expected
    assert _names(queries.list_users(ctx, text=text, limit=None).rows) == expected
    assert _names(queries.list_devices(ctx, text=text, limit=None).rows) == expected
    assert _names(queries.list_groups(ctx, text=text, limit=None).rows) == expected
    entries = audit.list_entries(ctx, text=text)
    assert {e.detail for e in entries} == expected
    assert audit.count_entries(ctx, text=text) == len(expected)


def test_filters_still_match_plain_text_case_insensitively(world) -> None:  # noqa: ANN001
    _seed(world.ctx)
    assert len(queries.list_users(world.ctx, text="MAP A", limit=None).rows) == len(NAMES)
    assert queries.list_users(world.ctx, text="  ", limit=None).total == len(NAMES)


def test_like_pattern_escapes_wildcards_and_the_escape_character() -> None:
    assert like_pattern("A%b_c/d") == "%a/%b/_c//d%"
