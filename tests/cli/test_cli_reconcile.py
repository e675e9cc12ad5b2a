"""`vpp-tui reconcile` on the demo store, in-process (the HTTP proof is in
test_cli_reconcile_http.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from tests.services.conftest import make_world
from vpp_tui.apple.clock import FakeClock
from vpp_tui.cli import main
from vpp_tui.services import demo
from vpp_tui.services.context import os_login
from vpp_tui.services.reconcile import COLUMNS
from vpp_tui.simulator import discrepancies
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store.engine import open_store

DIRECTORY = demo_directory()
TEACHERS = next(g["members"] for g in DIRECTORY["groups"] if g["name"] == "Teachers")
INACTIVE = {u["upn"] for u in DIRECTORY["users"] if not u["active"]}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reconcile")
    url, key = f"sqlite:///{folder / 'cli.db'}", str(folder / "cli.key")
    store = open_store(url)
    world = make_world(store, tmp_key=key, actor=os_login(), clock=FakeClock(datetime.now(UTC)))
    files = [demo.DemoToken(location_name=f.location_name, content=f.content)
             for f in world.sim.token_files()]
    demo.seed(world.ctx, files, DIRECTORY)
    assert demo.add_intent(world.ctx)
    yield ["--db", url, "--key-file", key]
    store.close()


def run(capsys, shop, *command: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main([*shop, *command])
    out = capsys.readouterr()
    return code, out.out, out.err


def _rows(doc: dict, name: str) -> list[dict]:
    return next(c for c in doc["classes"] if c["class"] == name)["rows"]


def test_reconcile_json_on_the_demo_lists_each_class_with_its_rows(capsys, shop) -> None:
    code, out, err = run(capsys, shop, "reconcile", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert all(doc["counts"][c] >= 1 for c in doc["counts"]), doc["counts"]
    assert [(r["member"], r["item"], r["reason"]) for r in _rows(doc, "unmanaged_device")] == [
        (discrepancies.UNKNOWN_SERIAL, "Graphing Pro", "not_in_directory")]
    assert [(r["member"], r["target"]) for r in _rows(doc, "foreign_client_user")] == list(
        zip(discrepancies.FOREIGN_EMAILS, discrepancies.FOREIGN, strict=True))
    departed = _rows(doc, "departed_user")
    assert [(r["item"], r["reason"]) for r in departed] == [
        ("Story Builder", "apple_user_retired")]
    # An earlier Apple user of a person still in the directory, retired since.
    assert departed[0]["member"] not in INACTIVE
    assert departed[0]["member"] in {u["upn"] for u in DIRECTORY["users"]}
    duplicate = _rows(doc, "duplicate_license")
    assert [(r["item"], r["pricing_param"], r["product_type"], r["also"]) for r in duplicate] \
        == [("The Young Scientist's Handbook", "PLUS", "book", "STDQ (North Campus)")]
    # The demo's recorded intent: Story Builder for the Teachers, not applied yet.
    wanted = _rows(doc, "intended_not_held")
    assert {r["reason"] for r in wanted} == {"never_sent"}
    assert {r["member"] for r in wanted} < set(TEACHERS)
    extra = _rows(doc, "held_not_intended")
    assert {(r["item"], r["reason"]) for r in extra} == {("Story Builder", "not_assigned")}
    assert not {r["member"] for r in extra} & set(TEACHERS)
    assert len(wanted) + 1 == len(TEACHERS) or len(wanted) < len(TEACHERS)


def test_reconcile_csv_round_trips_through_dictreader(capsys, shop) -> None:
    code, out, _err = run(capsys, shop, "reconcile", "--token", "North Campus", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == COLUMNS
    doc = json.loads(run(capsys, shop, "reconcile", "--token", "North Campus", "--json")[1])
    assert len(rows) == sum(doc["counts"].values())
    assert {r["class"] for r in rows} == set(doc["counts"])


@pytest.mark.parametrize("bad", ["ghosts", "intended_not_held"])
def test_reclaim_refuses_an_unknown_class_with_one_error_line(capsys, shop, bad) -> None:
    code, out, err = run(capsys, shop, "reconcile", "--reclaim", bad, "--dry-run")
    assert code == 2 and out == ""
    assert err.startswith("error:") and err.count("\n") == 1 and bad in err


def test_reclaim_without_yes_or_dry_run_changes_nothing(capsys, shop) -> None:
    code, out, err = run(capsys, shop, "reconcile", "--reclaim", "foreign_client_user")
    assert code == 2 and "--yes" in err and out == ""
    assert json.loads(run(capsys, shop, "reconcile", "--json")[1])["counts"][
        "foreign_client_user"] == 2


def test_reclaim_dry_run_keeps_books_with_the_reason(capsys, shop) -> None:
    code, out, err = run(capsys, shop, "reconcile", "--reclaim", "duplicate_license",
                         "unmanaged_device", "--dry-run", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["reclaimed"], doc["excluded"]) == (1, 1)
    book = next(e for e in doc["licenses"] if e["outcome"] == "skipped")
    assert (book["product_type"], book["outcome_reason"]) == ("book", "book_irrevocable")
    code, text, _err = run(capsys, shop, "reconcile", "--reclaim", "duplicate_license",
                           "--dry-run")
    assert code == 0 and "book" in text.lower()


def test_csv_on_stdout_keeps_the_last_column_name_whole(capsys, shop) -> None:
    """Fault: the CLI's terminal guard turned the csv module's \\r\\n line ends into
    "also \\n", so DictReader read a column named "also " (print_csv)."""
    code, out, _err = run(capsys, shop, "reconcile", "--csv")
    assert code == 0
    assert out.splitlines()[0] == ",".join(COLUMNS)


def test_reclaim_queue_queues_a_reconcile_job_that_jobs_lists(capsys, shop) -> None:
    code, out, err = run(capsys, shop, "reconcile", "--reclaim", "unmanaged_device",
                         "--queue")
    assert code == 2 and "--yes" in err and out == ""  # --yes still asked for
    code, out, err = run(capsys, shop, "reconcile", "--queue")
    assert code == 2 and err.count("error:") == 1
    code, out, err = run(capsys, shop, "reconcile", "--reclaim", "unmanaged_device",
                         "--token", "North Campus", "--yes", "--queue", "--json")
    assert code == 0, err
    job = json.loads(out)
    assert (job["kind"], job["token"], job["state"]) == ("reconcile", "North Campus", "queued")
    assert job["payload"] == {"classes": ["unmanaged_device"], "token": "North Campus"}
    listed = json.loads(run(capsys, shop, "jobs", "--json")[1])
    assert [j["id"] for j in listed] == [job["id"]]
    assert json.loads(run(capsys, shop, "reconcile", "--json")[1])["counts"][
        "unmanaged_device"] == 1  # nothing done yet: a worker does it


def test_reclaim_dry_run_says_a_retired_apple_users_person_stays_unlicensed(capsys, shop) -> None:
    """Fault: reclaiming a retired Apple user's license left the person (still in an
    assigned group) intended but unlicensed until the next apply, and the dry run did
    not say so."""
    code, out, err = run(capsys, shop, "reconcile", "--reclaim", "departed_user",
                         "--dry-run", "--json")
    assert code == 0, err
    entry = json.loads(out)["licenses"][0]
    assert entry["reason"] == "apple_user_retired"
    assert entry["still_intended_by"] == "Teachers"
    code, text, _err = run(capsys, shop, "reconcile", "--reclaim", "departed_user",
                           "--dry-run")
    assert code == 0 and "Teachers" in text and "vpp-tui assign" in text


def test_reconcile_text_says_why_a_duplicate_book_cannot_be_reclaimed(capsys, shop) -> None:
    """Fault: a book held twice kept `status` at exit 1 with no word on why (books cannot
    be reclaimed); the row now says so and it no longer counts for the exit status."""
    code, out, _err = run(capsys, shop, "reconcile")
    assert code == 0
    assert "book licenses cannot be reclaimed" in out
    doc = json.loads(run(capsys, shop, "reconcile", "--json")[1])
    assert _rows(doc, "duplicate_license")[0]["kept_reason"] == "book_irrevocable"
    assert doc["unreclaimable"]["duplicate_license"] == 1
    code, status, _err = run(capsys, shop, "status", "--json")
    report = json.loads(status)
    assert report["reconciliation"]["duplicate_license"] == 1
    assert report["reconciliation_unreclaimable"] == {"duplicate_license": 1}
    assert not any("duplicate_license" in line for line in report["attention"])
    code, status, _err = run(capsys, shop, "status")
    assert "cannot be reclaimed" in status


@pytest.mark.parametrize("flag", ["--dry-run", "--yes"])
def test_reconcile_refuses_dry_run_or_yes_without_reclaim(capsys, shop, flag) -> None:
    """Fault: `--dry-run` or `--yes` without `--reclaim` were silently ignored."""
    code, out, err = run(capsys, shop, "reconcile", flag)
    assert code == 2 and out == ""
    assert err.startswith("error:") and err.count("\n") == 1 and "--reclaim" in err


def test_reconcile_on_a_never_synced_token_says_so(capsys, shop) -> None:
    """Fault: `reconcile --token X` on a never-synced token showed zeros without a word."""
    from datetime import timedelta

    from vpp_tui.store import models as m

    store = open_store(shop[1])
    with store.session() as session:
        session.add(m.Token(name="Lonely", apple_id="l@example.com", secret=b"x",
                            secret_sha256="1" * 64,
                            expires_at=datetime.now(UTC) + timedelta(days=200),
                            location_id="loc-lonely", location_name="Lonely"))
    store.close()
    code, out, err = run(capsys, shop, "reconcile", "--token", "Lonely")
    assert code == 0, err
    assert "never synced; run vpp-tui sync Lonely" in out + err
    doc = json.loads(run(capsys, shop, "reconcile", "--token", "Lonely", "--json")[1])
    assert doc["synced"] is False and doc["never_synced"] == ["Lonely"]
    doc = json.loads(run(capsys, shop, "reconcile", "--token", "North Campus", "--json")[1])
    assert doc["synced"] is True
