"""The demo's store and its in-process Apple world stay in step across runs."""

from __future__ import annotations

import argparse

from vpp_tui.cli.commands.console import demo_paths, prepare_demo
from vpp_tui.services import sync, tokens


def demo(reset: bool = False):  # noqa: ANN201
    return prepare_demo(argparse.Namespace(reset=reset, db=None, apple=None, actor="ana",
                                           key_file=None))


def states(runtime) -> dict[str, str]:  # noqa: ANN001
    return {v.name: v.state for v in tokens.list_tokens(runtime.ctx)}


def test_demo_seeds_every_token_state_once() -> None:
    runtime = demo(reset=True)
    try:
        assert sorted(set(states(runtime).values())) == sorted(
            {"valid", "expiring_soon", "expired", "invalid", "duplicate",
             "assigned_to_external_mdm"})
    finally:
        runtime.close()


def test_a_killed_demo_session_leaves_store_and_apple_world_in_step() -> None:
    first = demo(reset=True)
    tokens.take_control(first.ctx, "Science Dept")  # a change on Apple's side
    first.ctx.store.close()  # killed: Runtime.close() never ran
    second = demo()
    try:
        assert states(second)["Science Dept"] == "valid"
        assert sync.sync_token(second.ctx, "Science Dept").status == "completed"
    finally:
        second.close()


def test_demo_store_without_its_apple_world_starts_afresh(capsys) -> None:  # noqa: ANN001
    demo(reset=True).close()
    _url, key = demo_paths()
    sim_file = key.removesuffix(".key") + ".sim"
    import os

    os.remove(sim_file)
    runtime = demo()
    try:
        assert "starts afresh" in capsys.readouterr().err
        assert sync.sync_token(runtime.ctx, "North Campus").status == "completed"
    finally:
        runtime.close()
