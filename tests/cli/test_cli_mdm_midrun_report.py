"""Fault: `assign/unassign/revoke --json` printed nothing on stdout when another MDM took
the location mid-run. The result was recorded, but the refusal raised on leaving the
write block lost the report; README: the full `--json` report is still printed on exit 1.
In-process: `main()` over the store, the simulator's `claim` fault."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlmodel import select

from tests.services.conftest import make_world
from tests.services.licensing_helpers import north
from vpp_tui.apple.clock import FakeClock
from vpp_tui.cli import main, runtime
from vpp_tui.cli.commands import common
from vpp_tui.services.context import os_login
from vpp_tui.store import models as m


@pytest.fixture
def world(store, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    # The CLI reads the real time: the world is built now, acting as the store's owner.
    w = make_world(store, tmp_key=str(tmp_path / "k.key"), actor=os_login(),
                   clock=FakeClock(datetime.now(UTC)))
    monkeypatch.setattr(common, "build_runtime", partial(
        runtime.build_runtime, simulator=w.sim, clock=w.clock))
    return w


def test_assign_json_report_is_printed_when_another_mdm_takes_the_location_mid_run(
        capsys, world) -> None:  # noqa: ANN001
    north(world)
    world.sim.add_fault("claim:location=North Campus:after=4")
    code = main(["--db", world.ctx.store.url, "--key-file", world.ctx.key_file,
                 "assign", "Star Chart", "--group", "Loaner iPads", "--intent", "required",
                 "--license", "device", "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("error:") and err.count("\n") == 1, err
    assert "take-control" in err
    doc = json.loads(out)
    assert doc["members"] and any(m_["outcome"] == "failed" for m_ in doc["members"])
    with world.ctx.store.session() as s:
        refused = s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == "assignment.create",
            m.AuditEntry.result == "failed")).all()
    assert refused
