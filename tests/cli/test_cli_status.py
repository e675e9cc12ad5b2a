"""`vpp-tui status [--json]` through `main()` as cron runs it: exit 0 when healthy, 1 when
something needs attention, 2 for bad usage (docs/cli.md "status")."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.services.conftest import make_world
from vpp_tui.apple.clock import FakeClock
from vpp_tui.cli import main
from vpp_tui.services import sync, tokens
from vpp_tui.services.context import os_login

APPLE_ID = "vpp-admin@appleid.contoso.edu"
NOWHERE = "http://127.0.0.1:9/mdm/v2"  # status never calls Apple


@pytest.fixture
def world(sqlite_store, tmp_path):  # noqa: ANN001, ANN201
    # The CLI reads the real time: the world is built now, acting as the store's owner.
    return make_world(sqlite_store, tmp_key=str(tmp_path / "k.key"), actor=os_login(),
                      clock=FakeClock(datetime.now(UTC)))


def cli(capsys, world, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["--db", world.ctx.store.url, "--key-file", world.ctx.key_file,
                 "--apple", NOWHERE, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_status_exits_0_when_healthy(capsys, world) -> None:  # noqa: ANN001
    code, out, err = cli(capsys, world, "status", "--json")
    assert code == 0
    # An empty store is healthy, but never silently: a mistyped --db opens one.
    assert err == "warning: no tokens in this store: add one, or check --db (VPP_DB)\n"
    doc = json.loads(out)
    assert doc["healthy"] is True and doc["attention"] == [] and doc["tokens"] == []
    code, out, _err = cli(capsys, world, "status")
    assert code == 0 and ": healthy" in out.splitlines()[0]


def test_status_exits_1_when_something_needs_attention(capsys, world) -> None:  # noqa: ANN001
    f = world.token_file("North Campus")
    tokens.add_token(world.ctx, tokens.NewToken(name="North Campus", apple_id=APPLE_ID,
                                                content=f.content, consent=True))
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    code, out, err = cli(capsys, world, "status", "--json")
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["healthy"] is False
    assert any(r.endswith("nearly out of licenses") for r in doc["attention"])
    assert "Graphing Pro" in {i["name"] for i in doc["low_on_licenses"]}
    assert doc["tokens"][0]["name"] == "North Campus"
    code, out, _err = cli(capsys, world, "status")
    assert code == 1 and "needs attention" in out and "Graphing Pro" in out


def test_status_takes_no_arguments(capsys, world) -> None:  # noqa: ANN001
    code, _out, err = cli(capsys, world, "status", "everything")
    assert code == 2 and err.startswith("error:")


def test_status_text_keeps_a_big_estate_on_one_screen(capsys, world) -> None:  # noqa: ANN001
    """Fault: the text form listed every token (a screenful per 20 tokens); it lists the
    tokens needing attention up to a limit and says how to see the rest."""
    from datetime import timedelta

    from vpp_tui.store import models as m

    f = world.token_file("North Campus")  # one real token: the key file exists
    tokens.add_token(world.ctx, tokens.NewToken(name="North Campus", apple_id=APPLE_ID,
                                                content=f.content, consent=True))
    now = datetime.now(UTC)
    with world.ctx.store.session() as session:
        for i in range(40):
            days = -3 if i % 2 else 200  # half expired, half fine
            session.add(m.Token(name=f"T{i:02d}", apple_id="a@example.com", secret=b"x",
                                secret_sha256=f"{i:064d}", expires_at=now + timedelta(days=days),
                                location_id=f"loc-{i}", location_name=f"L{i}"))
    code, out, _err = cli(capsys, world, "status")
    assert code == 1
    listed = [line for line in out.splitlines() if line[:1] == "T" and line[1:3].isdigit()]
    assert len(listed) == 8 and all("expired" in line for line in listed)
    assert "and 12 more: vpp-tui token list --state expired" in out
    assert "21 more tokens need nothing" in out
    assert len(out.splitlines()) <= 40
    code, out, _err = cli(capsys, world, "status", "--json")
    assert len(json.loads(out)["tokens"]) == 41
    code, out, _err = cli(capsys, world, "token", "list", "--state", "expired", "--json")
    assert code == 0 and len(json.loads(out)) == 20
