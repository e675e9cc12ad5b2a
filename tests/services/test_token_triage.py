"""The Tokens table's light list and its page reads (issue 13): `token_briefs` judges every
token with the one rule as `list_tokens` does, `token_views` reads only the tokens asked."""

from __future__ import annotations

from dataclasses import replace

from tests.services.test_access_scope import split  # noqa: F401  # a fixture
from tests.services.test_tokens import add
from vpp_tui.services import sync, tokens

LOCATIONS = ("North Campus", "Old Annex", "South Campus", "Science Dept", "Library")


def test_token_briefs_judge_and_order_every_token_as_list_tokens_does(world) -> None:
    for loc in LOCATIONS:
        add(world, loc)
    add(world, "Music Dept", "Music A", 0)
    add(world, "Music Dept", "Music B", 1)
    sync.sync_token(world.ctx, "North Campus")
    views = tokens.list_tokens(world.ctx)
    briefs = tokens.token_briefs(world.ctx)
    fields = ("id", "name", "state", "state_reason", "needs_attention", "urgency",
              "location_name", "org_name", "apple_id", "country", "expires_at", "days_left",
              "app_count", "book_count")
    assert [tuple(getattr(b, f) for f in fields) for b in briefs] == [
        tuple(getattr(v, f) for f in fields) for v in views]
    assert {b.state for b in briefs} >= {"expired", "invalid", "duplicate", "valid"}
    assert any(b.app_count for b in briefs)


def test_the_token_filter_picks_the_same_tokens_from_briefs_as_from_views(world) -> None:
    for loc in LOCATIONS:
        add(world, loc)
    briefs, views = tokens.token_briefs(world.ctx), tokens.list_tokens(world.ctx)
    for text in ("campus", "expired", "revoked", "zzz", "US"):
        for attention in (False, True):
            assert [b.name for b in tokens.matching(briefs, attention_only=attention,
                                                    text=text)] == \
                [v.name for v in tokens.matching(views, attention_only=attention, text=text)]


def test_token_views_read_the_tokens_asked_in_the_order_asked(world) -> None:
    for loc in LOCATIONS:
        add(world, loc)
    everything = {v.id: v for v in tokens.list_tokens(world.ctx)}
    ids = sorted(everything, reverse=True)[:3]

    def unmasked(views):  # a list shows no secret hint; the page's rows do
        assert all(v.secret_hint for v in views)
        return [replace(v, secret_hint="") for v in views]

    assert unmasked(tokens.token_views(world.ctx, ids)) == [everything[i] for i in ids]
    assert tokens.token_views(world.ctx, []) == []
    assert unmasked(tokens.token_views(world.ctx, [ids[0], 999_999])) == [everything[ids[0]]]


def test_token_briefs_and_views_leave_out_tokens_outside_the_admins_scope(split) -> None:  # noqa: F811
    world, nina, _dan = split
    assert [b.name for b in tokens.token_briefs(nina)] == ["North Campus"]
    every_id = [b.id for b in tokens.token_briefs(world.ctx)]
    assert [v.name for v in tokens.token_views(nina, every_id)] == ["North Campus"]
    assert [v.name for v in tokens.token_views(replace(world.ctx), every_id)] == [
        b.name for b in tokens.token_briefs(world.ctx)]
