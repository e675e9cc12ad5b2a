"""Issue 11, the command line's gaps, one test per fault as an admin meets it.

The store is the demo's (every token state, the demo directory, a first sync), filled
in-process against the simulator with a clock started now, because the CLI reads the real
time. Commands run through `vpp_tui.cli.main` in-process (a real store file, real output,
real exit status); the closed pipe needs a real process and a real pipe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from tests import simserver
from tests.services.conftest import World, make_world
from vpp_tui.apple.clock import FakeClock
from vpp_tui.cli import main
from vpp_tui.services import demo, sync, tokens
from vpp_tui.services.context import os_login
from vpp_tui.simulator.worlds import demo_directory
from vpp_tui.store import models as m
from vpp_tui.store.engine import open_store


@dataclass
class DemoStore:
    url: str
    key: str
    world: World | None

    def args(self, *command: str) -> list[str]:
        return ["--db", self.url, "--key-file", self.key, *command]


def _demo_store(folder: Path) -> tuple[DemoStore, object]:
    url, key = f"sqlite:///{folder / 'cli.db'}", str(folder / "cli.key")
    store = open_store(url)
    world = make_world(store, tmp_key=key, actor=os_login(), clock=FakeClock(datetime.now(UTC)))
    files = [demo.DemoToken(location_name=f.location_name, content=f.content)
             for f in world.sim.token_files()]
    demo.seed(world.ctx, files, demo_directory())
    return DemoStore(url, key, world), store


@pytest.fixture
def shop(tmp_path):
    found, store = _demo_store(tmp_path)
    yield found
    store.close()


def run(capsys, shop: DemoStore, *command: str) -> tuple[int, str, str]:
    code = main(shop.args(*command))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys, shop: DemoStore, *command: str) -> str:
    code, out, err = run(capsys, shop, *command)
    assert code == 0, err
    return out


# --- piping to head ------------------------------------------------------------------

ROWS = 3000  # far more output than a pipe buffers, so the writer meets the closed pipe


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    found, store = _demo_store(tmp_path_factory.mktemp("big"))
    ctx = found.world.ctx
    with ctx.store.session() as session:
        north = session.exec(select(m.Token).where(m.Token.name == "North Campus")).one()
        now = ctx.clock.now()
        for i in range(ROWS):
            session.add(m.Asset(token_id=north.id, adam_id=str(9000000000 + i),
                                product_type="app", name=f"Bulk app number {i:05d}",
                                platforms="iOS", total=10, available=10))
            session.add(m.AuditEntry(at=now, actor="ana", action="bulk.entry",
                                     target=f"bulk target {i:05d}", result="ok",
                                     detail="padding " * 8))
            session.add(m.Token(name=f"Bulk token {i:05d}", apple_id=north.apple_id,
                                secret=north.secret, secret_sha256=north.secret_sha256,
                                org_name=north.org_name, expires_at=north.expires_at))
    yield found
    store.close()


@pytest.mark.parametrize("command", [["apps", "list"], ["token", "list"],
                                     ["audit", "--limit", str(ROWS)]], ids=" ".join)
def test_piping_to_head_exits_quietly_without_a_traceback(big_store, command) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "vpp_tui.cli", *big_store.args(*command)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(os.environ))
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # `| head -1`: one line read, then the pipe is closed
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert first.strip()
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert err == "" and code in (0, 141), (code, err)


# --- --json on every token change, token delete --dry-run ----------------------------

@pytest.fixture
def served(tmp_path_factory):
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--event-delay", "0")
    yield sim
    sim.stop()


def test_token_renew_set_take_control_and_delete_accept_json(capsys, served,
                                                             tmp_path) -> None:
    apple = DemoStore(f"sqlite:///{tmp_path / 'own.db'}", str(tmp_path / "own.key"), None)
    apple_args = apple.args
    apple.args = lambda *c: [*apple_args("--apple", served.base_url), *c]  # type: ignore
    files = {e["location_name"]: str(served.tokens_dir / e["file"])
             for e in served.manifest["tokens"]}
    ok(capsys, apple, "token", "add", files["North Campus"], "--name", "North", "--apple-id",
       "vpp@appleid.contoso.edu", "--consent", "--take-control")
    changed = json.loads(ok(capsys, apple, "token", "set", "North", "--country", "FR",
                            "--json"))
    assert changed["name"] == "North" and changed["country"] == "FR"
    assert changed["state"] == "valid"  # the fields of `token show --json`
    renewed = json.loads(ok(capsys, apple, "token", "renew", "North", files["North Campus"],
                            "--json"))
    assert renewed["name"] == "North" and "expires_at" in renewed
    taken = json.loads(ok(capsys, apple, "token", "take-control", "North", "--json"))
    assert taken["state"] == "valid" and taken["external_mdm_name"] is None
    deleted = json.loads(ok(capsys, apple, "token", "delete", "North", "--yes", "--json"))
    assert deleted["deleted"] is True and deleted["dry_run"] is False
    assert deleted["name"] == "North" and deleted["location_tokens"] == []
    assert json.loads(ok(capsys, apple, "token", "list", "--json")) == []


def test_token_delete_json_names_the_other_tokens_of_the_location(capsys, shop) -> None:
    deleted = json.loads(ok(capsys, shop, "token", "delete", "Music A", "--yes", "--json"))
    assert deleted["deleted"] is True and deleted["location_tokens"] == ["Music B"]
    names = [t["name"] for t in json.loads(ok(capsys, shop, "token", "list", "--json"))]
    assert "Music A" not in names and "Music B" in names


def test_token_delete_revoke_failing_with_json_still_prints_the_report(capsys, shop) -> None:
    """Breaker3 fault 4: exit 1 printed nothing on stdout; README: the --json report is
    printed on exit 1 too. Here Apple cannot be reached (no Apple service configured)."""
    code, out, err = run(capsys, shop, "token", "delete", "North Campus", "--yes",
                         "--revoke-licenses", "--json")
    assert code == 1 and err.startswith("error: ")
    report = json.loads(out)
    assert report["deleted"] is False and report["dry_run"] is False
    assert report["name"] == "North Campus" and report["error"] in err
    assert "North Campus" in ok(capsys, shop, "token", "list")


def test_token_delete_dry_run_shows_what_would_go_and_changes_nothing(capsys, shop) -> None:
    before = ok(capsys, shop, "token", "list", "--json")
    text = ok(capsys, shop, "token", "delete", "Music A", "--dry-run")
    assert "DRY RUN" in text and "Music B" in text and "assignments" in text
    plan = json.loads(ok(capsys, shop, "token", "delete", "North Campus", "--dry-run",
                         "--revoke-licenses", "--json"))
    assert plan["dry_run"] is True and plan["deleted"] is False
    assert plan["licenses"] > 0 and plan["revoke"]["users"] + plan["revoke"]["devices"] > 0
    assert plan["revoke"]["irrevocable"] > 0  # books stay with their users
    assert plan["apps"] > 0 and "assignments" in plan and plan["revokes_first"]
    text = ok(capsys, shop, "token", "delete", "North Campus", "--dry-run",
              "--revoke-licenses")
    assert "revokes" in text and "users" in text and "devices" in text
    assert ok(capsys, shop, "token", "list", "--json") == before
    actions = [e["action"] for e in json.loads(ok(capsys, shop, "audit", "--json"))]
    assert not any(a.startswith("token.delete") or a == "license.revoke_all" for a in actions)


# --- names, not adamIds ----------------------------------------------------------------

def test_revoke_by_user_lists_item_names_not_adam_ids(capsys, shop) -> None:
    holders = json.loads(ok(capsys, shop, "licenses", "Chem Lab 3D", "--json"))["holders"]
    user = next(h["member"] for h in holders if h["kind"] == "user")
    text = ok(capsys, shop, "revoke", "--user", user, "--dry-run")
    assert "Chem Lab 3D" in text and "1484000103" in text  # the name, with its adamId
    plan = json.loads(ok(capsys, shop, "revoke", "--user", user, "--dry-run", "--json"))
    chem = next(mm for mm in plan["members"] if mm["item"] == "1484000103")
    assert chem["item_name"] == "Chem Lab 3D"


# --- new version available -------------------------------------------------------------

def test_new_version_available_shows_in_apps_list_and_apps_show(capsys, shop) -> None:
    ctx = shop.world.ctx
    with ctx.store.session() as session:
        chem = session.exec(select(m.Asset).where(m.Asset.adam_id == "1484000103")).one()
        teachers = session.exec(select(m.DirectoryGroup).where(
            m.DirectoryGroup.name == "Teachers")).one()
        session.add(m.Assignment(asset_id=chem.id, group_id=teachers.id, intent="available",
                                 license_type="user"))
    shop.world.sim.release_version("1484000103", "9.9.9")  # auto-update is on in the demo
    # A new version is read by the daily full refresh (a delta looks up new assets only).
    assert sync.sync_token(ctx, "North Campus", full=True).status == "completed"
    listed = json.loads(ok(capsys, shop, "apps", "list", "--json"))
    assert {a["name"]: a["update_available"] for a in listed}["Chem Lab 3D"] == "9.9.9"
    assert {a["update_available"] for a in listed if a["name"] != "Chem Lab 3D"} == {None}
    text = ok(capsys, shop, "apps", "list")
    assert "UPDATE" in text and "new 9.9.9" in text
    shown = ok(capsys, shop, "apps", "show", "Chem Lab 3D")
    assert "new version 9.9.9 available" in shown and "Teachers" in shown
    doc = json.loads(ok(capsys, shop, "apps", "show", "Chem Lab 3D", "--json"))
    assert doc["update_available"] == "9.9.9"
    assert doc["assignments"][0]["update_pending"] is True


# --- internal values, which installation, advice ----------------------------------------

def test_cli_human_output_shows_labels_not_internal_values(capsys, shop) -> None:
    text = ok(capsys, shop, "token", "list")
    for raw in ("expiring_soon", "assigned_to_external_mdm", "in_progress"):
        assert raw not in text
    assert "expiring" in text and "external MDM" in text
    holders = {h["member"] for h in json.loads(
        ok(capsys, shop, "licenses", "Chem Lab 3D", "--json"))["holders"]}
    group = next(g["name"] for g in demo_directory()["groups"]
                 if g["kind"] == "user" and holders & set(g["members"]))
    ask = ("assign", "Chem Lab 3D", "--group", group, "--intent", "available",
           "--license", "user", "--dry-run")
    text = ok(capsys, shop, *ask)
    assert "already_licensed" not in text
    assert any("already licensed" in line and "@" in line for line in text.splitlines())
    members = json.loads(ok(capsys, shop, *ask, "--json"))["members"]
    assert "already_licensed" in {mm["outcome"] for mm in members}  # JSON keeps the value


def test_held_by_another_vpp_tui_installation_says_which(capsys, shop) -> None:
    shop.world.sim.claim_by_other("North Campus", "vpp-tui", mdm_id="other-install",
                                  metadata="vpp-tui installation 0badc0de")
    sync.sync_token(shop.world.ctx, "North Campus")  # Apple's answer shows the other owner
    text = ok(capsys, shop, "token", "list")
    assert "held by vpp-tui (vpp-tui installation 0badc0de)" in text
    shown = json.loads(ok(capsys, shop, "token", "show", "North Campus", "--json"))
    assert shown["state"] == "assigned_to_external_mdm"
    assert shown["external_mdm_metadata"] == "vpp-tui installation 0badc0de"


def test_cli_advice_names_commands_not_console_keys(capsys, shop) -> None:
    south = ok(capsys, shop, "token", "show", "South Campus")
    advice = next(line for line in south.splitlines() if "advice:" in line)
    assert "vpp-tui token renew 'South Campus' FILE" in advice and "(r)" not in advice
    science = json.loads(ok(capsys, shop, "token", "show", "Science Dept", "--json"))
    assert "vpp-tui token take-control 'Science Dept'" in science["advice"]
    assert "(c)" not in science["advice"]
    north = json.loads(ok(capsys, shop, "token", "show", "North Campus", "--json"))
    assert "vpp-tui sync 'North Campus'" in north["advice"] and "press s" not in north["advice"]
    # The console keeps its keys: the same service, without the CLI's hints.
    console = tokens.get_token(shop.world.ctx, "South Campus").token.advice
    assert "(r)" in console and "vpp-tui" not in console
    # A write refused because another MDM holds the location says what to run, no key.
    shop.world.sim.claim_by_other("North Campus", "Jamf Pro")
    sync.sync_token(shop.world.ctx, "North Campus")
    code, out, err = run(capsys, shop, "assign", "Chem Lab 3D", "--group", "Teachers",
                         "--intent", "available", "--license", "user")
    assert code == 1 and err.startswith("error:") and out == ""
    assert "vpp-tui token take-control 'North Campus'" in err and "console" not in err



# --- --json on every command that changes something --------------------------------

NOT_SCRIPTED = {"demo", "serve", "simulator"}  # start a console, a server or a demo store


def _leaf_commands(parser, prefix=()):  # noqa: ANN001, ANN202
    import argparse
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield prefix, {o for a in parser._actions for o in a.option_strings}
    for sub in subs:
        for name, child in sub.choices.items():
            yield from _leaf_commands(child, (*prefix, name))


def test_every_command_that_changes_something_accepts_json() -> None:
    from vpp_tui.cli.parser import build_parser
    missing = [" ".join(c) for c, options in _leaf_commands(build_parser())
               if c[0] not in NOT_SCRIPTED and "--json" not in options]
    assert missing == []


def test_access_changes_print_json(capsys, shop) -> None:
    created = json.loads(ok(capsys, shop, "scope-tag", "create", "North", "--json"))
    assert created["name"] == "North"
    ok(capsys, shop, "role", "create", "Auditor", "--permission", "audit.read")
    ok(capsys, shop, "grant", "dan", "Auditor", "--scope-tag", "North")
    assert json.loads(ok(capsys, shop, "revoke-grant", "dan", "Auditor", "--json")) == {
        "admin": "dan", "role": "Auditor", "revoked": True}
    assert json.loads(ok(capsys, shop, "role", "delete", "Auditor", "--json")) == {
        "role": "Auditor", "deleted": True}
    assert json.loads(ok(capsys, shop, "scope-tag", "delete", "North", "--json")) == {
        "scope_tag": "North", "deleted": True}


def test_directory_import_prints_json(capsys, shop, tmp_path) -> None:
    folder = tmp_path / "dir.json"
    directory = demo_directory()  # what the store holds, and one new user
    directory["users"].append({"upn": "new.person@contoso.com", "name": "New Person"})
    folder.write_text(json.dumps(directory))
    found = json.loads(ok(capsys, shop, "directory", "import", str(folder), "--json"))
    assert found["file"] == str(folder)
    assert found["added"]["users"] == 1
    assert found["error"] is None and found["reclaims"] == []
