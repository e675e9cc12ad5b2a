"""`vpp-tui audit`: the log newest first, `--filter TEXT` (literal text), Apple's eventId."""

from __future__ import annotations

import json

from tests.cli.test_cli_basics import vpp
from vpp_tui.apple.clock import FakeClock
from vpp_tui.services import audit
from vpp_tui.services.context import ServiceContext, os_login
from vpp_tui.store.engine import open_store


def _store_with_entries(tmp_path) -> str:  # noqa: ANN001
    db = f"sqlite:///{tmp_path / 'a.db'}"
    store = open_store(db)
    ctx = ServiceContext(store=store, actor=os_login(), clock=FakeClock())
    try:
        audit.list_entries(ctx)  # the store's first use claims it for this login
        with store.session() as session:
            audit.record(session, ctx, "license.assign", "Map a%z", detail="50% done",
                         apple_event_id="ev-111")
            audit.record(session, ctx, "license.assign", "Map abz", detail="done",
                         apple_event_id="ev-222")
            audit.record(session, ctx, "token.renew", "North Campus", result="refused",
                         detail="the file is for another location")
    finally:
        store.close()
    return db


def test_audit_filter_is_literal_text_in_actor_action_target_detail_and_event_id(
        tmp_path) -> None:  # noqa: ANN001
    db = _store_with_entries(tmp_path)
    result = vpp("--db", db, "audit", "--filter", "a%z", "--json")
    assert result.returncode == 0, result.stderr
    assert [e["target"] for e in json.loads(result.stdout)] == ["Map a%z"]
    by_event = json.loads(vpp("--db", db, "audit", "--filter", "EV-222", "--json").stdout)
    assert [e["apple_event_id"] for e in by_event] == ["ev-222"]
    table = vpp("--db", db, "audit", "--filter", "another location").stdout
    assert "North Campus" in table and "Map" not in table


def test_audit_json_shows_the_entry_id_and_apple_event_id(tmp_path) -> None:  # noqa: ANN001
    db = _store_with_entries(tmp_path)
    entries = json.loads(vpp("--db", db, "audit", "--json").stdout)
    assert {"id", "at", "actor", "action", "target", "result", "detail", "apple_event_id",
            "apple_event_status"} <= set(entries[0])
    assert [e["apple_event_id"] for e in entries if e["action"] == "license.assign"] == [
        "ev-222", "ev-111"]
    assert entries[0]["id"] > entries[1]["id"]


def test_audit_filters_by_admin_action_target_result_and_dates(capsys, tmp_path) -> None:  # noqa: ANN001
    from vpp_tui.cli import main

    db = _store_with_entries(tmp_path)
    assert main(["--db", db, "audit", "--action", "renew", "--result", "refused",
                 "--json"]) == 0
    assert [e["target"] for e in json.loads(capsys.readouterr().out)] == ["North Campus"]
    assert main(["--db", db, "audit", "--admin", os_login(), "--target", "abz",
                 "--since", "2000-01-01", "--until", "2999-12-31", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split(",")[4] == "Map abz"
    assert main(["--db", db, "audit", "--until", "2000-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_audit_date_that_is_not_one_is_exit_2_and_one_line(capsys, tmp_path) -> None:  # noqa: ANN001
    from vpp_tui.cli import main

    db = _store_with_entries(tmp_path)
    assert main(["--db", db, "audit", "--since", "2026-13-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: since: '2026-13-01' is not a date") and err.count("\n") == 1
