"""Scope tags: what a grant does not cover is absent from every list, count and search."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.services.licensing_helpers import north
from tests.services.test_tokens import add
from vpp_tui.domain.access import Grant, Permission, allowed, reach, token_scope
from vpp_tui.services import audit, catalog, licensing, sync, tokens
from vpp_tui.services.access import AccessDenied, admin, check_action, token_id_of
from vpp_tui.services.access.identity import owner_of
from vpp_tui.services.catalog import queries as catalog_queries
from vpp_tui.services.errors import NotFound

NORTH, SOUTH = "North Campus", "South Campus"


@pytest.fixture
def split(world):
    """North tagged `north`, South untagged; nina manages North's apps, dan the default."""
    north(world)
    add(world, SOUTH)
    sync.sync_token(world.ctx, SOUTH)
    admin.create_scope_tag(world.ctx, "north")
    tokens.update_settings(world.ctx, NORTH, scope_tags=["north"])
    admin.grant(world.ctx, "nina", "App manager", ["north"])
    admin.grant(world.ctx, "dan", "App manager")
    licensing.apply_assign(world.ctx, "Mind Map", "Teachers", "required", "user")
    return world, replace(world.ctx, actor="nina"), replace(world.ctx, actor="dan")


def test_the_first_admin_of_a_new_store_owns_it(world) -> None:
    tokens.list_tokens(world.ctx)
    assert owner_of(world.ctx) == "ana"
    me = next(a for a in admin.list_admins(world.ctx) if a.admin == "ana")
    assert me.owner and [(g.role, g.all_scopes) for g in me.grants] == [
        ("Administrator", True)]


def test_out_of_scope_tokens_are_absent_from_token_lists(split) -> None:
    world, nina, dan = split
    assert [t.name for t in tokens.list_tokens(nina)] == [NORTH]
    assert [t.name for t in tokens.list_tokens(dan)] == [SOUTH]
    assert {t.name for t in tokens.list_tokens(world.ctx)} == {NORTH, SOUTH}
    with pytest.raises(AccessDenied, match="managed_apps.read"):
        tokens.get_token(dan, NORTH)


def test_out_of_scope_apps_are_absent_from_lists_counts_and_searches(split) -> None:
    world, nina, dan = split
    everything = catalog.list_assets(world.ctx, books=None, limit=None)
    mine = catalog.list_assets(nina, books=None, limit=None)
    theirs = catalog.list_assets(dan, books=None, limit=None)
    assert {r.token for r in mine.rows} == {NORTH} and {r.token for r in theirs.rows} == {SOUTH}
    assert mine.total == len(mine.rows) and theirs.total == len(theirs.rows)
    assert mine.total + theirs.total == everything.total
    assert catalog.list_assets(dan, books=None, text="Mind Map").total == len(
        [r for r in theirs.rows if "mind map" in r.name.lower()])
    with pytest.raises(NotFound):
        catalog.resolve_item(dan, "Mind Map", NORTH)


def test_out_of_scope_assignments_are_absent(split) -> None:
    world, nina, dan = split
    assert catalog_queries.list_assignments(nina).total == 1
    assert catalog_queries.list_assignments(dan).total == 0
    assert catalog_queries.list_assignments(world.ctx).total == 1


def test_out_of_scope_audit_entries_are_absent(split) -> None:
    world, nina, dan = split
    admin.grant(world.ctx, "nina", "Read only", ["north"])
    admin.grant(world.ctx, "dan", "Read only")
    seen_by_nina = {e.target for e in audit.list_entries(nina)}
    seen_by_dan = {e.target for e in audit.list_entries(dan)}
    assert NORTH in seen_by_nina and SOUTH not in seen_by_nina
    assert SOUTH in seen_by_dan and NORTH not in seen_by_dan
    assert not any("(North Campus)" in t for t in seen_by_dan)
    assert audit.count_entries(dan) == len(audit.list_entries(dan, limit=10_000))
    page = audit.page_of_entries(dan, limit=10_000)  # the console's read: the same scope
    assert (page.total, page.entries) == (audit.count_entries(dan),
                                          audit.list_entries(dan, limit=10_000))
    assert audit.count_entries(dan) < audit.count_entries(world.ctx)


def test_a_write_outside_the_grants_scope_is_refused_and_audited(split) -> None:
    world, nina, dan = split
    admin.grant(world.ctx, "dan", "Token manager")  # the default scope only
    north_id = token_id_of(world.ctx, NORTH)
    assert not check_action(dan, Permission.TOKENS_DELETE, token_id=north_id)
    assert check_action(dan, Permission.TOKENS_DELETE, token_id=token_id_of(dan, SOUTH))
    with pytest.raises(AccessDenied, match="managed_apps.delete"):
        tokens.delete_token(dan, NORTH)
    assert {t.name for t in tokens.list_tokens(world.ctx)} == {NORTH, SOUTH}
    last = audit.list_entries(world.ctx, limit=1)[0]
    assert (last.actor, last.action, last.result) == ("dan", "access.denied", "denied")


def test_revoking_a_users_licenses_stays_within_scope(split) -> None:
    world, nina, dan = split
    admin.grant(world.ctx, "helen", "Help desk")  # default scope: South only
    helen = replace(world.ctx, actor="helen")
    held = licensing.licenses(world.ctx, "Mind Map", NORTH)
    upn = next(h.member for h in held.holders if h.kind == "user")
    preview = licensing.plan_revoke(helen, user=upn)
    assert preview.plan.members == ()  # North's license is out of helen's reach


# The rules themselves (domain.access), named after them.

def test_rule_an_untagged_token_is_in_the_default_scope() -> None:
    assert token_scope([]) == {"default"}
    assert Grant("r", frozenset({Permission.TOKENS_READ})).covers([])
    assert not Grant("r", frozenset({Permission.TOKENS_READ})).covers(["north"])


def test_rule_scoped_permissions_need_a_grant_covering_the_token() -> None:
    g = Grant("r", frozenset({Permission.TOKENS_READ, Permission.AUDIT_READ}),
              scope_tags=frozenset({"north"}))
    assert allowed([g], Permission.TOKENS_READ, ["North"])
    assert not allowed([g], Permission.TOKENS_READ, ["south"])
    assert allowed([g], Permission.AUDIT_READ, ["south"])  # tenant-wide family
    assert allowed([g], Permission.TOKENS_READ)  # somewhere
    assert reach([g], Permission.TOKENS_READ) == (False, frozenset({"north"}))
    assert reach([Grant("a", frozenset(Permission), all_scopes=True)],
                 Permission.TOKENS_READ) == (True, frozenset())


def test_may_act_as_itself_always_and_as_others_only_with_act_for_others() -> None:
    from vpp_tui.domain.access import may_act_as

    reader = Grant("Readers", frozenset({Permission.TOKENS_SYNC}))
    runner = Grant("Runners", frozenset({Permission.ACT_FOR_OTHERS}))
    assert may_act_as("bob", "bob", [])
    assert not may_act_as("bob", "ana", [reader])
    assert may_act_as("bob", "ana", [runner])
