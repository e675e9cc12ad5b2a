"""What an access change will do, said before it is saved; the AccessSnapshot decides as
`authorize` does."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.services.test_access_scope import NORTH, SOUTH
from tests.services.test_tokens import add
from vpp_tui.domain.access import Permission, describe_permissions
from vpp_tui.services import tokens
from vpp_tui.services.access import admin, check_action, review
from vpp_tui.services.access.snapshot import access_snapshot
from vpp_tui.services.errors import InvalidInput, NotFound


@pytest.fixture
def tagged(world):
    add(world, NORTH)
    add(world, SOUTH)
    admin.create_scope_tag(world.ctx, "north")
    tokens.update_settings(world.ctx, NORTH, scope_tags=["north"])
    return world


def test_rule_describe_permissions_groups_by_family() -> None:
    assert describe_permissions([Permission.APPS_ASSIGN, Permission.TOKENS_READ,
                                 Permission.APPS_READ]) == \
        "Managed apps (read); Mobile apps (read, assign)"
    assert describe_permissions([]) == "nothing"


def test_grant_review_says_who_gets_what_on_how_many_tokens(tagged) -> None:
    r = review.review_grant(tagged.ctx, "nina", "Token manager", ["north"])
    assert r.lines[0] == "nina gets Token manager on scope tags north."
    assert r.lines[1].startswith("nina will be able to do this on 1 token: Managed apps (")
    every = review.review_grant(tagged.ctx, "nina", "Token manager", all_scopes=True)
    assert "on 2 tokens" in every.text and "over every scope" in every.text
    assert admin.list_admins(tagged.ctx)[0].admin != "nina"  # nothing saved


def test_grant_review_of_a_held_role_says_it_replaces_the_scope(tagged) -> None:
    admin.grant(tagged.ctx, "nina", "Read only")
    r = review.review_grant(tagged.ctx, "nina", "Read only", ["north"])
    assert "replaces the scope of the Read only grant nina holds (on scope tags default)" \
        in r.text


def test_revoke_review_says_what_the_admin_keeps(tagged) -> None:
    admin.grant(tagged.ctx, "nina", "Read only")
    admin.grant(tagged.ctx, "nina", "App manager", ["north"])
    r = review.review_revoke_grant(tagged.ctx, "nina", "App manager")
    assert "nina loses App manager on scope tags north." in r.text
    assert "nina keeps: Read only." in r.text
    with pytest.raises(NotFound):
        review.review_revoke_grant(tagged.ctx, "olga", "App manager")


def test_reviews_refuse_what_the_save_would_refuse(tagged) -> None:
    with pytest.raises(InvalidInput, match="built-in"):
        review.review_delete_role(tagged.ctx, "Read only")
    admin.create_role(tagged.ctx, "Temp", ["audit.read"])
    admin.grant(tagged.ctx, "olga", "Temp")
    with pytest.raises(InvalidInput, match="granted to olga"):
        review.review_delete_role(tagged.ctx, "Temp")
    with pytest.raises(InvalidInput, match="on tokens or grants"):
        review.review_delete_scope_tag(tagged.ctx, "north")
    with pytest.raises(InvalidInput, match="exists"):
        review.review_create_scope_tag(tagged.ctx, "North")
    with pytest.raises(InvalidInput, match="at least one permission"):
        review.review_create_role(tagged.ctx, "Empty", [])


def test_access_snapshot_decides_as_check_action(tagged) -> None:
    admin.grant(tagged.ctx, "nina", "App manager", ["north"])
    nina = replace(tagged.ctx, actor="nina")
    snap = access_snapshot(nina)
    ids = {v.name: v.id for v in tokens.list_tokens(tagged.ctx)}
    for permission in Permission:
        for token in (None, NORTH, SOUTH, "Nope"):
            token_id = ids.get(token) if token else None
            assert snap.allows(permission, token) == check_action(
                nina, permission, token_id), (permission, token)
            if token in ids:
                assert snap.allows(permission, ids[token]) == snap.allows(permission, token)
