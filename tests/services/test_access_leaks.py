"""Scope leaks in hints: an admin never reads the name of a token outside their scope tags,
not in the "no token named" hint, nor as the other half of a duplicate pair."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.services.test_tokens import add
from vpp_tui.services import tokens
from vpp_tui.services.access import admin
from vpp_tui.services.errors import NotFound

HIDDEN, SEEN = "Music North", "Music Default"


@pytest.fixture
def pair(world):
    """Two tokens of one location: HIDDEN tagged `north`, SEEN untagged; dan reads the
    default scope only (Read only)."""
    add(world, "Music Dept", HIDDEN, 0)
    add(world, "Music Dept", SEEN, 1)
    admin.create_scope_tag(world.ctx, "north")
    tokens.update_settings(world.ctx, HIDDEN, scope_tags=["north"])
    admin.grant(world.ctx, "dan", "Token manager")
    return world, replace(world.ctx, actor="dan")


def test_unknown_token_hint_lists_only_tokens_in_scope(pair) -> None:
    """Fault: "no token named 'x' (tokens: …)" listed every token of the store."""
    world, dan = pair
    with pytest.raises(NotFound) as refused:
        tokens.get_token(dan, "Nope")
    assert SEEN in str(refused.value) and HIDDEN not in str(refused.value)
    with pytest.raises(NotFound) as everything:
        tokens.get_token(world.ctx, "Nope")
    assert HIDDEN in str(everything.value)


def test_duplicate_of_names_only_tokens_in_scope(pair) -> None:
    """Fault: "same location as <name>" named a duplicate outside the admin's scope."""
    world, dan = pair
    [view] = tokens.list_tokens(dan)
    assert view.name == SEEN and view.state == "duplicate"
    assert HIDDEN not in view.state_reason and "another token" in view.state_reason
    assert HIDDEN not in tokens.get_token(dan, SEEN).token.state_reason
    mine = {v.name: v.state_reason for v in tokens.list_tokens(world.ctx)}
    assert HIDDEN in mine[SEEN]


def test_delete_preview_counts_but_never_names_duplicates_out_of_scope(pair) -> None:
    """Fault: the delete preview named the other tokens of the location, in scope or not."""
    world, dan = pair
    preview = tokens.delete_preview(dan, SEEN)
    text = " ".join((*preview.location_tokens, *preview.revoked, *preview.kept))
    assert HIDDEN not in text and "1 token outside your scope tags" in text
    assert preview.location_tokens == ()
    assert HIDDEN in tokens.delete_preview(world.ctx, SEEN).location_tokens
