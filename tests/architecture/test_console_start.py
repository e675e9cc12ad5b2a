"""Start-up of the console (issue 13): importing the app loads the Tokens section only;
each other section's module is imported when the section is first shown."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from vpp_tui.ui.app import section_class
section_class("tokens")  # what the console shows first
print(json.dumps(sorted(m for m in sys.modules if m.startswith("vpp_tui.ui.sections."))))
"""
OTHER_SECTIONS = ("apps", "ebooks", "assignments", "prompts", "directory", "activity",
                  "settings", "access.section", "catalog")


def test_the_console_imports_only_the_tokens_section_at_start() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, check=True)
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert "vpp_tui.ui.sections.tokens.section" in loaded
    assert [m for m in loaded
            if any(m.startswith(f"vpp_tui.ui.sections.{s}") for s in OTHER_SECTIONS)] == []


# The console's first token row, in a process of its own: what was imported, and which of
# the app's loads had started, when the Tokens table first holds a row (rows.show). "app"
# opens VppApp on the store; "command" starts it as `vpp-tui --db URL --key-file KEY` does
# (cli.main: the parser, the runtime, the admin's saved language), headless.
FIRST_ROW_PROBE = """
import asyncio, gc, json, sys
from vpp_tui.ui.app import VppApp
from vpp_tui.ui.sections.tokens import rows

how, url, key, actor = sys.argv[1:5]
seen = {}
show = rows.show

def recording(table, views, now):
    show(table, views, now)
    if table.row_count and not seen:
        app = table.app
        seen["modules"] = sorted(sys.modules)
        seen["app_loads"] = sorted(w.group for w in app.workers
                                   if w.group in ("access", "glance"))
        seen["loaded"] = [app.access is not None, app.glance is not None]
        seen["collector"] = gc.isenabled()

def headless(app):
    async def run():
        async with app.run_test(size=(120, 40)) as pilot:
            while not seen:
                await pilot.pause(0.01)
            for _tick in range(500):  # the first rows shown: the preload starts (ui.preload)
                if getattr(app, "_preloading", None) is not None:
                    break
                await pilot.pause(0.01)
            thread = getattr(app, "_preloading", None)
            if thread is not None:
                thread.join(60)
            seen["after the first rows"] = sorted(
                m for m in sys.modules
                if m.startswith("vpp_tui.ui.sections.") or m == "vpp_tui.services.licensing")
            app.stop_jobs()

    asyncio.run(run())

rows.show = recording
if how == "command":
    from vpp_tui.cli import main

    VppApp.run = headless
    assert main(["--db", url, "--key-file", key, "--as", actor]) == 0
    seen["collector after"] = gc.isenabled()
else:
    from vpp_tui.services.context import ServiceContext
    from vpp_tui.store.engine import open_store

    store = open_store(url)
    headless(VppApp(ServiceContext(store=store, actor=actor, key_file=key), demo=True,
                    cursor_blink=False))
    store.close()
print(json.dumps(seen))
"""
# Nothing the first token row does not need: no other section, no dialog of the Tokens
# section (nor the expiry chart's plotting library), no secret decrypted, no sync, no
# Apple client or simulator, none of the header's notices or the access snapshot, and no
# ORM: the Tokens table reads with SQLAlchemy Core (`Store.reading()`), as `token list`.
NOT_BEFORE_FIRST_ROW = (
    "sqlmodel", "pydantic", "sqlalchemy.orm", "vpp_tui.store.models", "alembic",
    *(f"vpp_tui.ui.sections.{s}" for s in OTHER_SECTIONS), "vpp_tui.ui.screens.tokens",
    "vpp_tui.ui.screens.help", "vpp_tui.ui.widgets.charts", "plotext", "textual_plotext",
    "cryptography", "vpp_tui.services.sync", "vpp_tui.services.status",
    "vpp_tui.services.licensing", "vpp_tui.apple.client", "httpx", "vpp_tui.simulator")


def _first_row(sqlite_store, tmp_path, how: str) -> dict:
    from tests.services.conftest import make_world
    from vpp_tui.services import tokens
    from vpp_tui.services.context import os_login

    world = make_world(sqlite_store, tmp_key=str(tmp_path / "k.key"), world="scale", size=2,
                       actor=os_login())  # the store's owner: `--as` names the OS login
    tokens.add_token(world.ctx, tokens.NewToken(
        name="Scale District", apple_id="a@appleid.example.edu",
        content=world.token_file("Scale District").content, consent=True))
    done = subprocess.run(
        [sys.executable, "-c", FIRST_ROW_PROBE, how, sqlite_store.url, world.ctx.key_file,
         world.ctx.actor], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def _loaded_too_early(seen: dict) -> list[str]:
    return [m for m in seen["modules"] if any(
        m == p or m.startswith(p + ".") for p in NOT_BEFORE_FIRST_ROW)]


def test_the_console_paints_its_first_token_row_before_anything_else_loads(
        sqlite_store, tmp_path) -> None:
    """...and then imports the other sections in the background (ui.preload): the first
    visit to Apps imported the ORM and the licensing services, 0.3 s idle."""
    seen = _first_row(sqlite_store, tmp_path, "app")
    assert _loaded_too_early(seen) == []
    after = seen["after the first rows"]
    assert {"vpp_tui.ui.sections.apps", "vpp_tui.ui.sections.directory",
            "vpp_tui.ui.sections.settings", "vpp_tui.services.licensing"} <= set(after)
    assert seen["app_loads"] == []
    assert seen["loaded"] == [False, False]
    assert seen["collector"] is True  # only the console command pauses it (ui.heap)


def test_the_console_command_loads_no_orm_and_pauses_the_collector_until_its_first_rows(
        sqlite_store, tmp_path) -> None:
    """The console as the command starts it: the admin's saved language is read with Core
    (it imported the whole ORM: SQLModel, pydantic and every model). Start-up makes
    objects, not garbage (ui.heap.paused_for_start): no collection runs over the imports
    and the first screen; it runs again once the first rows are shown, and after the
    console (a console the command did not start leaves it be: above)."""
    seen = _first_row(sqlite_store, tmp_path, "command")
    assert _loaded_too_early(seen) == []
    assert seen["app_loads"] == []
    assert [seen["collector"], seen["collector after"]] == [False, True]
