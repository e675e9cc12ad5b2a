"""The two Ctrl-C gaps left by the held Ctrl-C (issue 13 round, "crashes must lose nothing").

1. A Ctrl-C (KeyboardInterrupt) during the GET that re-reads the asset's counts, after the
   events were awaited: it went up through `txn.fetch_counts` before the results were
   written, so the batch Apple completed was recorded nowhere (ledger != Apple).
2. A Ctrl-C during the POST itself, after the request reached Apple but before its answer:
   the batch was reported "not sent" and nothing reached the audit, though Apple took it.
   Now the post's entry says its outcome is unknown and the next sync settles it.
"""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import col, select

from tests.services.licensing_helpers import NORTH, NORTH_UID, asset, north, store_held
from vpp_tui.services import apple_posts, audit, sync
from vpp_tui.services.licensing.revoke import apply_revoke
from vpp_tui.store import models as m

ITEM = "Exam Lockdown"


class _CtrlC(httpx.BaseTransport):
    """Passes requests on. `during_post`: the POST to `post_path` reaches Apple, then
    KeyboardInterrupt instead of its answer. Otherwise the first GET of `/assets` after
    that POST raises KeyboardInterrupt (the counts re-read)."""

    def __init__(self, inner: httpx.BaseTransport, post_path: str, during_post: bool) -> None:
        self.inner, self.post_path, self.during_post = inner, post_path, during_post
        self.posted, self.fired = False, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if (not self.fired and self.posted and request.method == "GET"
                and path.endswith("/assets")):
            self.fired = True
            raise KeyboardInterrupt
        response = self.inner.handle_request(request)
        if request.method == "POST" and path.endswith(self.post_path):
            self.posted = True
            if self.during_post and not self.fired:
                self.fired = True
                raise KeyboardInterrupt  # Apple took it; the answer never arrives
        return response


def _apple_held(world) -> set[tuple[str, str, str, str]]:
    world.clock.advance(3600)
    world.sim.tick_all()
    return set(world.sim.location(NORTH_UID).assignments)


def _posts(world) -> list[m.AuditEntry]:
    with world.ctx.store.session() as s:
        return list(s.exec(select(m.AuditEntry).where(
            col(m.AuditEntry.action).in_(apple_posts.ACTIONS)).order_by(
            col(m.AuditEntry.id))).all())


def test_ctrl_c_while_the_counts_are_read_keeps_what_apple_did(world) -> None:
    north(world)
    world.transport.inner = _CtrlC(world.transport.inner, "/assets/disassociate", False)
    with pytest.raises(KeyboardInterrupt):
        apply_revoke(world.ctx, item=ITEM, token=NORTH)
    assert world.transport.inner.fired
    assert store_held(world) == _apple_held(world)  # the batch Apple completed is recorded
    row = asset(world, ITEM)
    assert row.assigned + row.available == row.total
    [post] = _posts(world)
    assert post.result == apple_posts.SENT and post.apple_event_id  # closed with the batch


def test_ctrl_c_during_the_post_leaves_it_unknown_until_sync_settles_it(world) -> None:
    north(world)
    asked = {h for h in store_held(world) if h[0] == asset(world, ITEM).adam_id}
    world.transport.inner = _CtrlC(world.transport.inner, "/assets/disassociate", True)
    with pytest.raises(KeyboardInterrupt):
        apply_revoke(world.ctx, item=ITEM, token=NORTH)
    [post] = _posts(world)
    assert post.result == apple_posts.UNKNOWN  # not "nothing was changed"
    shown = audit.list_entries(world.ctx, text="apple.disassociate")
    assert shown[0].detail.startswith("posted to Apple, outcome unknown")
    assert all(serial in shown[0].detail for _a, _p, _k, serial in asked)
    with world.ctx.store.session() as s:  # the members: outcome unknown, not "not sent"
        reasons = set(s.exec(select(m.License.reason).join(m.Asset).where(
            m.Asset.name == ITEM, m.License.status == "failed")).all())
    assert "not_sent" not in reasons

    apple = _apple_held(world)  # Apple finished the event it took
    assert sync.sync_token(world.ctx, NORTH).status == "completed"
    assert store_held(world) == apple
    row = asset(world, ITEM)
    assert row.assigned + row.available == row.total
    settled = audit.list_entries(world.ctx, text="settled by sync")
    assert settled and settled[0].detail.startswith(
        f"settled by sync: 0 of {len(asked)} now assigned at Apple")
    assert [p.result for p in _posts(world)] == [apple_posts.SETTLED, apple_posts.SETTLED]


class _CtrlCDuringNthPost(httpx.BaseTransport):
    """The `nth` POST to `path` reaches Apple, then KeyboardInterrupt instead of its answer."""

    def __init__(self, inner: httpx.BaseTransport, path: str, nth: int) -> None:
        self.inner, self.path, self.nth, self.posts = inner, path, nth, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith(self.path):
            self.posts += 1
            if self.posts == self.nth:
                raise KeyboardInterrupt
        return response


def test_revoke_all_ctrl_c_during_a_post_leaves_it_unknown_until_sync(world) -> None:
    """`token delete --revoke-licenses`: the 2nd revoke POST cut off by a Ctrl-C."""
    from vpp_tui.services import tokens

    north(world)
    world.sim.limits["maxRevokeClientUserIds"] = 2
    world.sim.limits["maxRevokeSerialNumbers"] = 2
    world.transport.inner = _CtrlCDuringNthPost(world.transport.inner, "/assets/revoke", 2)
    with pytest.raises(KeyboardInterrupt):
        tokens.delete_token(world.ctx, NORTH, revoke_licenses=True)
    assert [p.result for p in _posts(world)] == [apple_posts.SENT, apple_posts.UNKNOWN]
    assert NORTH in apple_posts.unknown_here()  # what the CLI names on its way out
    apple = _apple_held(world)
    assert sync.sync_token(world.ctx, NORTH).status == "completed"
    assert store_held(world) == apple
    assert [p.result for p in _posts(world)][:2] == [apple_posts.SENT, apple_posts.SETTLED]
    assert audit.list_entries(world.ctx, text="settled by sync: 0 of ")
