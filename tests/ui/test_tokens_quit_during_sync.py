"""Issue 8 fault 11: quitting the console during a sync leaves the token `interrupted`.

The sync is held at an exact Apple request by a gate (threading events, no sleeps); the
admin quits; the request is let go, and the sync thread stops at its next Apple call.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from tests.ui.conftest import SIZE, select_token, settle
from vpp_tui.cli.runtime import SIM_BASE_URL
from vpp_tui.services import tokens
from vpp_tui.simulator.transport import SimulatorTransport
from vpp_tui.ui.app import VppApp

WAIT = 30  # seconds: a bound on a hang, never reached when all is well


class Gate(httpx.BaseTransport):
    """Holds the `hold_at`-th request after `arm()` until `release` is set."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.armed_at: int | None = None
        self.hold_at = 2
        self.count = 0
        self.entered = threading.Event()
        self.release = threading.Event()

    def arm(self) -> None:
        self.armed_at = self.count

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.armed_at is not None and self.count == self.armed_at + self.hold_at:
            self.entered.set()
            assert self.release.wait(WAIT)
        return self.inner.handle_request(request)


def gated(ctx, simulator) -> Gate:  # noqa: ANN001
    from vpp_tui.apple.client import AppleClient

    gate = Gate(SimulatorTransport(simulator))

    def factory(bearer: str, **kwargs: Any) -> AppleClient:
        kwargs.setdefault("clock", ctx.clock)
        kwargs.setdefault("cancel", ctx.cancel)
        kwargs.setdefault("poll_interval", 0.25)
        return AppleClient(bearer, base_url=SIM_BASE_URL, transport=gate, **kwargs)

    ctx.apple = factory
    return gate


@pytest.mark.parametrize("how", ["ctrl+q", "closed"])
async def test_quitting_the_console_during_a_sync_leaves_the_token_interrupted(demo, how):
    ctx, simulator = demo
    gate = gated(ctx, simulator)
    app = VppApp(ctx, demo=True, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        gate.arm()
        await pilot.press("s")
        assert await asyncio.to_thread(gate.entered.wait, WAIT)
        if how == "ctrl+q":
            await pilot.press("ctrl+q")
        else:
            app.exit()  # the console closing any other way (a dropped SSH session)
        await pilot.pause()
    gate.release.set()
    # `App.run` returns only when the worker threads have finished; here, wait the same way.
    await asyncio.get_running_loop().shutdown_default_executor()
    details = tokens.get_token(ctx, "North Campus")
    token = details.token
    assert token.last_sync_status == "interrupted"
    assert token.state == "valid" and token.can_sync
    assert "interrupted" in (token.last_sync_error or "")
    assert "could not be reached" not in (token.last_sync_error or "")
    assert details.history[0].status == "interrupted" and details.history[0].requests >= 2
