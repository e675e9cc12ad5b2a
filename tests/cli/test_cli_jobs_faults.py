"""Faults of the worker and the job queue through `vpp_tui.cli.main` in-process (issue 13,
found by the breaker): `worker --json` stdout, job ids past 32 bits, an in-memory or
garbage store URL, `sync --all --queue` saying what it left out, quoting of bad values,
a full sync swallowed by a queued delta, and `worker --once` after a job left work undone.
Fresh SQLite stores (one test also on PostgreSQL): cheap."""

from __future__ import annotations

import json

from vpp_tui.cli import main


def _run(capsys, tmp_path, *command: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["--db", f"sqlite:///{tmp_path / 's.db'}", "--key-file",
                 str(tmp_path / "s.key"), *command])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_worker_json_prints_only_one_json_document_on_stdout(capsys, tmp_path) -> None:
    """Fault: `worker --json` prints "worker NAME: 1 job slots" on stdout before the JSON
    report, so `vpp-tui worker --once --json | jq` fails (README: `--json` prints one JSON
    document on stdout and nothing else; bench/workers.py slices from the first "{")."""
    code, out, err = _run(capsys, tmp_path, "worker", "--once", "--no-due", "--json")
    assert code == 0, err
    doc = json.loads(out)  # raises on the leading text line
    assert doc["done"] == 0


def test_jobs_cancel_of_an_id_past_32_bits_is_an_unknown_job_not_a_traceback(
        capsys, tmp_path, store_url) -> None:  # noqa: ANN001
    """Fault: `jobs cancel 2147483648` on PostgreSQL ends in a psycopg NumericValueOutOfRange
    traceback (exit 1): the parser accepts ids up to 2**63-1 (`MAX_JOB_ID`) but `jobs.id`
    is a 32-bit INTEGER. Expected: the unknown-id line, exit 2, as for 99999."""
    code = main(["--db", store_url, "--key-file", str(tmp_path / "s.key"),
                 "jobs", "cancel", "2147483648"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error:") and "Traceback" not in err


def test_an_in_memory_sqlite_url_is_one_error_line_not_a_traceback(capsys, tmp_path) -> None:
    """Fault: `VPP_DB=sqlite:///:memory: vpp-tui jobs` (or `token list`, `worker`) ends in
    an OperationalError traceback "no such table: store_owner": the schema is made on one
    connection and read on another. Expected: it works, or one `error:` line (exit 2)."""
    code = -1
    try:
        code = main(["--db", "sqlite:///:memory:", "--key-file", str(tmp_path / "s.key"),
                     "jobs"])
    except Exception as exc:  # noqa: BLE001 - the fault: it escapes main
        raise AssertionError(f"traceback: {type(exc).__name__}: {exc}"[:300]) from None
    out = capsys.readouterr()
    assert code == 0 or (code == 2 and out.err.count("error:") == 1), out.err


def test_sync_all_queue_reports_the_tokens_it_left_out_as_inline_sync_all_does(
        tmp_path) -> None:  # noqa: ANN001
    """Fault: `sync --all --queue` queues the tokens that can sync and says nothing about
    the ones that cannot (expired, invalid, held by another MDM, a paused duplicate):
    exit 0, no `error:` line and (with none left) no output at all, where `sync --all`
    exits 1 naming them and `sync NAME --queue` of such a token exits 1 ("NAME: skipped
    (not synced: …)"). A cron job queuing every token never hears that a token is held
    by another MDM."""
    from tests.fuzz.harness import Cli

    cli = Cli(f"sqlite:///{tmp_path / 's.db'}", tmp_path)
    held = next(f for f in cli.sim.token_files() if f.location_name == "Science Dept")
    added = cli.run("token", "add", cli.write("t.vpptoken", held.content), "--name",
                    "Science", "--apple-id", "a@b.edu", "--consent")
    assert added.code == 1 and "Jamf" in added.stderr  # saved, cannot be used
    inline = cli.run("sync", "--all")
    assert inline.code == 1 and "Science: skipped" in inline.stderr
    queued = cli.run("sync", "--all", "--queue")
    assert queued.crash is None, queued.crash
    assert queued.code == 1 and "Science: skipped" in queued.stderr, (
        queued.code, queued.stdout, queued.stderr)


def test_bad_concurrency_and_job_id_are_quoted_and_clipped_as_other_values(
        capsys, tmp_path) -> None:  # noqa: ANN001
    """Fault: `worker --concurrency 999…9` (300 digits) and `jobs cancel xxx…x` print the
    whole value unquoted in their `error:` line (about 400 characters), where README
    "Exit status" says the line quotes what was given clipped to 80 characters, as
    `jobs --limit xxx…x` does ('xxx…')."""
    long = "9" * 300
    for command in (["worker", "--concurrency", long], ["jobs", "cancel", long]):
        code, _out, err = _run(capsys, tmp_path, *command)
        assert code == 2 and err.count("\n") == 1
        assert long not in err and "'999" in err, err


def test_sync_full_queue_is_not_swallowed_by_a_queued_delta_sync(tmp_path) -> None:  # noqa: ANN001
    """Fault: with a delta sync of North queued (by an admin, or by a worker's due scan
    every 30 s), `sync North --full --queue` prints "queued job N: sync North" and gives
    back the delta job (`payload` {"full": false}): the full sync asked for never runs and
    nothing says so. Expected: the queued job becomes (or is followed by) a full sync, or
    the command says the full sync was not queued."""
    from tests.fuzz.harness import Cli

    cli = Cli(f"sqlite:///{tmp_path / 's.db'}", tmp_path)
    north = next(f for f in cli.sim.token_files() if f.location_name == "North Campus")
    assert cli.run("token", "add", cli.write("t.vpptoken", north.content), "--name",
                   "North", "--apple-id", "a@b.edu", "--consent").code == 0
    assert cli.run("sync", "North", "--queue").code == 0  # a delta sync
    full = cli.run("sync", "North", "--full", "--queue", "--json")
    assert full.crash is None, full.crash
    jobs = json.loads(cli.run("jobs", "--json", "--state", "queued").stdout)
    assert any(j["payload"].get("full") for j in jobs) or full.code != 0, (
        full.stdout, jobs)


def test_a_garbage_store_url_is_bad_input_exit_2(capsys, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Fault: `VPP_DB=garbage vpp-tui jobs` exited 1 (operation failed) for what is bad
    input: one `error:` line, exit 2."""
    monkeypatch.setenv("VPP_DB", "garbage")
    code = main(["--key-file", str(tmp_path / "s.key"), "jobs"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "garbage" in err, err


def test_worker_once_exits_1_when_a_job_it_ran_left_members_waiting(tmp_path) -> None:  # noqa: ANN001
    """Fault: `worker --once` exited 0 after an assignment job that ended done with exit
    status 1 (licenses short: 25 members waitlisted), where the same `assign` run inline
    exits 1. A cron job must hear it the same way."""
    from tests.fuzz.harness import Cli
    from vpp_tui.simulator.worlds import demo_directory

    cli = Cli(f"sqlite:///{tmp_path / 's.db'}", tmp_path)
    north = next(f for f in cli.sim.token_files() if f.location_name == "North Campus")
    assert cli.run("token", "add", cli.write("t.vpptoken", north.content), "--name",
                   "North Campus", "--apple-id", "a@b.edu", "--consent").code == 0
    assert cli.run("directory", "import",
                   cli.write("d.json", json.dumps(demo_directory()))).code == 0
    assert cli.run("sync", "North Campus").code == 0
    assert cli.run("assign", "Star Chart", "--group", "Teachers", "--intent", "required",
                   "--license", "user", "--queue").code == 0
    ran = cli.run("worker", "--once", "--no-due", "--json")
    assert ran.crash is None, ran.crash
    assert json.loads(ran.stdout)["partial"] == 1, ran.stdout
    assert ran.code == 1 and ran.stderr.count("error:") == 1, (ran.code, ran.stderr)
