"""`--queue`, `vpp-tui jobs [--json|--csv]`, `jobs cancel` and the SQLite worker slot
through `vpp_tui.cli.main` in-process on the demo store (issue 13, several hosts)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import delete

from tests.cli.test_cli_gaps import _demo_store, ok, run
from vpp_tui.services import jobs
from vpp_tui.services.context import os_login
from vpp_tui.services.jobs import queue
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store import models as m

SERIAL = demo_directory()["devices"][0]["serial"]


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory):  # noqa: ANN001, ANN201
    found, store = _demo_store(tmp_path_factory.mktemp("jobs"))
    yield found
    store.close()


@pytest.fixture
def shop(demo_shop, _isolated_dirs):  # noqa: ANN001, ANN201
    """The module's demo store (built once: it takes seconds), its job queue emptied."""
    with demo_shop.world.ctx.store.session() as s:
        s.execute(delete(m.Job))
    return demo_shop


def test_queue_prints_the_job_and_jobs_lists_it_with_progress(capsys, shop) -> None:
    queued = json.loads(ok(capsys, shop, "sync", "North Campus", "--queue", "--json"))
    assert [(j["kind"], j["token"], j["state"]) for j in queued] == [
        ("sync", "North Campus", "queued")]
    job_id = queued[0]["id"]
    assert f"queued job {job_id}: sync North Campus" in ok(
        capsys, shop, "sync", "North Campus", "--queue")  # the same job: one per token
    listed = json.loads(ok(capsys, shop, "jobs", "--json"))
    assert [(j["id"], j["progress_done"], j["actor"]) for j in listed] == [
        (job_id, 0, os_login())]
    header = ok(capsys, shop, "jobs", "--csv").splitlines()[0]
    assert header.strip().split(",") == list(jobs.LIST_COLUMNS)
    assert "queued" in ok(capsys, shop, "jobs")


def test_queue_refuses_bad_input_first_and_queues_nothing(capsys, shop) -> None:
    code, out, err = run(capsys, shop, "assign", "Star Chart", "--group", "Nobody",
                         "--intent", "required", "--queue")
    assert (code, out) == (2, "") and err.startswith("error:")
    assert json.loads(ok(capsys, shop, "jobs", "--json")) == []


def test_jobs_cancel_a_queued_job_then_refuses_a_second_cancel(capsys, shop) -> None:
    queued = json.loads(ok(capsys, shop, "revoke", "--device", SERIAL, "--queue",
                           "--json"))
    assert queued["kind"] == "revoke"
    done = json.loads(ok(capsys, shop, "jobs", "cancel", str(queued["id"]), "--json"))
    assert done["state"] == "cancelled"
    code, _out, err = run(capsys, shop, "jobs", "cancel", str(queued["id"]))
    assert code == 2 and "cancelled already" in err


def test_a_second_worker_on_one_sqlite_store_is_refused(capsys, shop) -> None:
    with queue.sqlite_slot(shop.world.ctx, "someone@elsewhere:1:x"):
        code, _out, err = run(capsys, shop, "worker", "--once")
    assert code == 1 and "someone@elsewhere" in err and "PostgreSQL" in err


def test_sync_queue_of_an_expired_token_is_refused_as_inline_sync_reports_it(
        capsys, shop) -> None:
    """Fault: `sync --queue` of an expired token queued a job that then failed."""
    code, out, err = run(capsys, shop, "sync", "Old Annex", "--queue")
    assert (code, out) == (1, "")
    assert err.count("error:") == 1 and "Old Annex: skipped" in err
    code, out, err = run(capsys, shop, "sync", "Old Annex", "North Campus", "--queue")
    assert code == 1 and "queued job" in out and "North Campus" in out
    assert [j["token"] for j in json.loads(ok(capsys, shop, "jobs", "--json"))] == [
        "North Campus"]


def test_worker_once_exits_1_when_a_job_it_ran_failed(capsys, shop) -> None:
    """Fault: `worker --once` exited 0 though the job it ran failed."""
    with shop.world.ctx.store.session() as s:
        s.add(m.Job(kind="no-such-kind", payload={}, actor=os_login(), state="queued",
                    queued_at=shop.world.ctx.clock.now()))
    code, out, _err = run(capsys, shop, "worker", "--once", "--no-due")
    assert code == 1 and "1 failed" in out


def test_a_worker_without_permission_leaves_others_jobs_queued_and_warns_once(
        capsys, shop) -> None:
    """Fault: `--as bob worker --once` claimed the owner's job and failed it ("bob may
    not act as ..."). Now the job stays queued and one `warning:` names the permission."""
    queued = json.loads(ok(capsys, shop, "sync", "North Campus", "--queue", "--json"))
    ok(capsys, shop, "sync", "South Campus", "--queue")
    code, out, err = run(capsys, shop, "--as", "bob", "worker", "--once", "--no-due")
    assert (code, err.count("warning:")) == (0, 1), err
    assert "roles.act_for_others" in err and "0 failed" in out
    states = {j["id"]: j["state"] for j in json.loads(ok(capsys, shop, "jobs", "--json"))}
    assert states[queued[0]["id"]] == "queued" and set(states.values()) == {"queued"}


def test_jobs_list_shows_kinds_and_states_translated_and_json_as_stored(capsys, shop) -> None:
    """Fault: `vpp-tui --lang fr jobs` printed the kind and state raw ("sync", "queued");
    they read through `domain.labels` now, `--json` keeps the stored values."""
    ok(capsys, shop, "sync", "North Campus", "--queue")
    rows = ok(capsys, shop, "--lang", "fr", "jobs").splitlines()
    assert "synchro" in rows[1] and "en file" in rows[1], rows
    listed = json.loads(ok(capsys, shop, "--lang", "fr", "jobs", "--json"))
    assert [(j["kind"], j["state"]) for j in listed] == [("sync", "queued")]
