"""Issue 9 item 8: one spurious auth error inside an HTTP 200 does not park a token.

An auth error (9601, 9625…) that arrives inside HTTP 200 is confirmed with one
`GET client/config` before the token is marked invalid (`domain.tokens.park_needs_recheck`,
apple-api.md §11.1). The simulator's fault injection gives the 9601-in-200.
"""

from __future__ import annotations

from tests.services.test_tokens import add
from vpp_tui.domain.tokens import park_needs_recheck
from vpp_tui.services import sync, tokens


def test_park_needs_recheck_only_for_auth_errors_inside_http_200() -> None:
    assert park_needs_recheck(9601, 200) and park_needs_recheck(9625, 200)
    assert not park_needs_recheck(9601, 401)  # Apple's own answer: believed at once
    assert not park_needs_recheck(9646, 200)  # not a token fault
    assert not park_needs_recheck(None, 200)


def test_one_spurious_9601_in_http_200_does_not_park_the_token(world) -> None:
    add(world, "North Campus")
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    world.sim.add_fault("error200:code=9601:count=1:path=/assets")
    result = sync.sync_token(world.ctx, "North Campus", full=True)
    assert result.status == "failed" and "9601" in (result.error or "")
    assert "stays valid" in (result.error or "")
    view = tokens.get_token(world.ctx, "North Campus").token
    assert view.state == "valid" and view.can_sync, view.state_reason
    again = sync.sync_token(world.ctx, "North Campus", full=True)
    assert again.status == "completed", again.error  # the next sync runs


def test_a_repeated_9601_in_http_200_parks_the_token(world) -> None:
    add(world, "North Campus")
    world.sim.add_fault("error200:code=9601:count=*")
    result = sync.sync_token(world.ctx, "North Campus")
    assert result.status == "failed" and "9601" in (result.error or "")
    view = tokens.get_token(world.ctx, "North Campus").token
    assert view.state == "invalid" and not view.can_sync
    skipped = sync.sync_token(world.ctx, "North Campus")
    assert skipped.status == "skipped" and skipped.skip_reason == "needs_attention"


def test_a_9601_with_http_401_parks_the_token_without_a_recheck(world) -> None:
    add(world, "North Campus")
    world.sim.revoke_token("North Campus")  # Apple answers 9625 with 401 from now on
    before = world.transport.count
    result = sync.sync_token(world.ctx, "North Campus")
    assert result.status == "failed"
    assert tokens.get_token(world.ctx, "North Campus").token.state == "invalid"
    assert world.transport.count - before == result.requests  # no recheck was sent


def test_apple_text_longer_than_its_column_is_clipped_not_a_failed_sync(world) -> None:
    """Issue 9 item 7 on Apple's side: a name Apple writes is not the admin's to fix; it is
    made to fit its column (`store.limits.clip`) on both stores, the sync completes."""
    from sqlmodel import select

    from vpp_tui.store import models as m

    add(world, "North Campus")
    for result in world.sim.metadata["us"].values():
        result["name"] = "Field Notes \x00" + "N" * 400
    world.sim.location("North Campus").name = "North \ud800 Campus " + "L" * 400
    synced = sync.sync_token(world.ctx, "North Campus", full=True)
    assert synced.status == "completed", synced.error
    with world.ctx.store.session() as session:
        names = session.exec(select(m.Asset.name)).all()
        location = session.exec(select(m.Token.location_name)).one()
    assert names and all(len(n) == 300 and "\x00" not in n for n in names)
    assert len(location or "") == 300 and "\ud800" not in (location or "")
