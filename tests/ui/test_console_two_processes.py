"""Breaker fault 11 with two real processes: the console under Pilot on a store, and
`vpp-tui directory import` run as a subprocess on the same store (SQLite file, and
PostgreSQL). Nothing reaches the console but the store itself."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ui.conftest import SIZE, settle
from tests.ui.demo_world import demo_context
from tests.ui.test_console_other_admin_rows import late_directory, status
from vpp_tui.services.catalog.queries import list_users
from vpp_tui.ui.app import VppApp


def import_in_a_shell(url: str, key: str, folder: Path, n: int) -> subprocess.CompletedProcess:
    """`vpp-tui --db URL --key-file KEY directory import FILE` in its own process, as the
    OS login; FILE is the demo directory with `n` more users."""
    file = folder / "dir3.json"
    file.write_text(json.dumps(late_directory(n)))
    return subprocess.run([sys.executable, "-m", "vpp_tui.cli", "--db", url, "--key-file", key,
                           "directory",
                           "import", str(file)], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=120, check=False)


async def test_rows_another_process_imported_are_shown(tmp_path, store_backend,
                                                       request) -> None:
    url = None
    if store_backend == "postgresql":
        from tests.conftest import _pg

        url = _pg(request).migrated_database()
    # The console's admin is the OS login: the subprocess acts as the same admin.
    ctx, _simulator = demo_context(tmp_path, actor=getpass.getuser(), url=url)
    url = url or str(ctx.store.engine.url)
    try:
        app = VppApp(ctx, demo=True, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("6")
            await settle(pilot)
            before = app.screen.totals["users"]
            done = await asyncio.to_thread(import_in_a_shell, url, ctx.key_file, tmp_path, 300)
            assert done.returncode == 0, done.stderr
            want = list_users(ctx, limit=None).total
            assert want == before + 300
            # Paging to what the kept count says is the last page reads the new count.
            size = app.screen.page_size
            for _step in range(before // size):
                await pilot.press("n")
                await settle(pilot)
            assert app.screen.totals["users"] == want
            assert f"{want} users" in status(app)
            await pilot.press("n")  # and the rows past the old count can be reached
            await settle(pilot)
            assert app.screen.offsets["users"] >= before // size * size + size
            # Another import: a return to the section reads it.
            again = await asyncio.to_thread(import_in_a_shell, url, ctx.key_file, tmp_path, 310)
            assert again.returncode == 0, again.stderr
            await pilot.press("1")
            await settle(pilot)
            await pilot.press("6")
            await settle(pilot)
            assert app.screen.totals["users"] == want + 10
    finally:
        ctx.store.close()
