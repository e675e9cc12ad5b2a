"""The one end-to-end proof of `reconcile --reclaim` (issue 12 "Done when"): a served
simulator, the demo's North Campus, dry run then apply, and Apple no longer holds exactly
the licenses the dry run listed."""

from __future__ import annotations

import json

import pytest

from tests import simserver
from vpp_tui.cli import main
from vpp_tui.simulator import discrepancies
from vpp_tui.simulator.worlds import demo_directory

CLASSES = ("foreign_client_user", "departed_user", "unmanaged_device", "duplicate_license")


@pytest.fixture
def served(tmp_path_factory):
    sim = simserver.start(tmp_path_factory.mktemp("reconcile"), "--event-delay", "0.05")
    yield sim
    sim.stop()


def test_reclaim_dry_run_then_apply_frees_exactly_those_licenses_over_http(
        capsys, served, tmp_path) -> None:
    base = ["--db", f"sqlite:///{tmp_path / 's.db'}", "--key-file", str(tmp_path / "s.key"),
            "--apple", served.base_url]

    def ok(*command: str) -> str:
        code = main([*base, *command])
        out = capsys.readouterr()
        assert code == 0, out.err
        return out.out

    folder = tmp_path / "directory.json"
    folder.write_text(json.dumps(demo_directory()))
    ok("directory", "import", str(folder))
    north = next(e for e in served.manifest["tokens"] if e["location_name"] == "North Campus")
    ok("token", "add", str(served.tokens_dir / north["file"]), "--name", "North",
       "--apple-id", "vpp@appleid.contoso.edu", "--consent")
    ok("sync", "North", "--full")

    def used() -> dict[tuple[str, str], int]:
        return {(a["name"], a["pricing_param"]): a["used"]
                for a in json.loads(ok("apps", "list", "--token", "North", "--json"))}

    before = used()
    preview = json.loads(ok("reconcile", "--reclaim", *CLASSES, "--dry-run", "--json"))
    to_free = sorted((e["item"], e["member"]) for e in preview["licenses"]
                     if e["outcome"] == "reclaimed")
    assert to_free == sorted([("Graphing Pro", discrepancies.UNKNOWN_SERIAL)]
                             + [("Story Builder", m) for m in discrepancies.FOREIGN_EMAILS]
                             + [("Story Builder", next(
                                 e["member"] for e in preview["licenses"]
                                 if e["class"] == "departed_user"))])
    kept = [e for e in preview["licenses"] if e["outcome"] != "reclaimed"]
    assert [(e["class"], e["outcome_reason"]) for e in kept] == [
        ("duplicate_license", "book_irrevocable")]

    done = json.loads(ok("reconcile", "--reclaim", *CLASSES, "--yes", "--json"))
    assert (done["reclaimed"], done["failed"], done["errors"]) == (4, 0, [])
    events = [e for r in done["results"] for e in r["events"]]
    assert events and all(e["event_id"] and e["status"] == "COMPLETE" for e in events)

    # Apple's own picture, read afresh: exactly those four licenses are gone.
    ok("sync", "North", "--full")
    after = used()
    freed = {k: before[k] - after[k] for k in before if before[k] != after[k]}
    assert freed == {("Graphing Pro", "STDQ"): 1, ("Story Builder", "STDQ"): 3}
    counts = json.loads(ok("reconcile", "--json"))["counts"]
    assert (counts["foreign_client_user"], counts["departed_user"],
            counts["unmanaged_device"], counts["duplicate_license"]) == (0, 0, 0, 1)
    audited = json.loads(ok("audit", "--json"))
    assert any(a.get("apple_event_id") in {e["event_id"] for e in events} for a in audited)
