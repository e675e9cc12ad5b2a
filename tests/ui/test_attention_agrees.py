"""Fault: two meanings of `needs_attention` (the token list counted South Campus, expiring in
10 days, `status` did not): one rule, `domain.tokens.needs_attention`, on every screen."""

from __future__ import annotations

import re

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import status, tokens


async def test_attention_count_agrees_between_token_list_status_and_console(demo, demo_app):
    ctx, _simulator = demo
    listed = {v["name"] for v in (t.as_json() for t in tokens.list_tokens(ctx))
              if v["needs_attention"]}
    report = status.status_report(ctx).as_json()
    reported = {t["name"] for t in report["tokens"] if t["needs_attention"]}
    assert "South Campus" in listed
    assert listed == reported
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        count = str(app.screen.query_one("#tokens-count").render())
    assert re.search(rf"\b{len(listed)} need attention", count), count
    assert any("South Campus" in line for line in report["attention"])
