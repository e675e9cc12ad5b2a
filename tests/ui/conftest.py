"""Console tests: a fresh SQLite store, a fixed clock, UTC, and a home of `tmp_path`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.templates import migrated_sqlite_url
from vpp_tui.apple.clock import FakeClock
from vpp_tui.services.context import ServiceContext
from vpp_tui.store.engine import open_store
from vpp_tui.ui.app import VppApp

SIZE = (120, 34)


@pytest.fixture(autouse=True)
def _fixed_place_and_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Local times and the "~" in the store path must read the same on every machine.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[ServiceContext]:
    store = open_store(migrated_sqlite_url(tmp_path / "s.db"))
    yield ServiceContext(store=store, actor="ana", clock=FakeClock())
    store.close()


@pytest.fixture
def make_app(ctx: ServiceContext) -> Callable[..., VppApp]:
    def build(**kwargs) -> VppApp:  # noqa: ANN003
        return VppApp(ctx, cursor_blink=False, **kwargs)

    return build


async def settle(pilot) -> None:  # noqa: ANN001
    """Wait for every worker, the messages it posted, the dialogs and tables they filled.

    A DataTable measures new rows on its next idle, and shows the new widths only after
    the next layout pass; a snapshot taken before shows columns as wide as their headers.
    """
    from textual.widgets import DataTable
    from textual.worker import WorkerCancelled

    for _round in range(50):
        screen = pilot.app.screen
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # a load superseded by a newer one (typing in a filter)
            continue
        await pilot.pause()
        busy = any(w.is_running for w in pilot.app.workers)
        pending = any(t._require_update_dimensions or t._updated_cells
                      for t in pilot.app.screen.query(DataTable))
        # A job's end may push a dialog a moment later: wait until the screen stays put.
        if not busy and not pending and pilot.app.screen is screen:
            break
    # The measured widths reach the screen on its next layout pass, and the table
    # repaints on the Resize that pass sends it; the footer shows the bindings of the
    # screen on top only once they are refreshed.
    # Every screen of the stack: the footer of a screen under a dialog shows what may be
    # done while the dialog is open (e.g. no f1), whenever the dialog came.
    for screen in pilot.app.screen_stack:
        screen.refresh_bindings()
    await pilot.pause()
    await pilot.pause()


@pytest.fixture
def demo(tmp_path: Path):  # noqa: ANN201
    """(ctx, simulator) of a demo-seeded store: seven tokens in every state, synced once."""
    from tests.ui.demo_world import demo_context

    ctx, simulator = demo_context(tmp_path)
    yield ctx, simulator
    ctx.store.close()


@pytest.fixture
def demo_app(demo) -> Callable[..., VppApp]:  # noqa: ANN001
    def build(**kwargs) -> VppApp:  # noqa: ANN003
        return VppApp(demo[0], demo=True, cursor_blink=False, **kwargs)

    return build


def token_file(simulator, location: str, folder: Path, name: str | None = None) -> str:  # noqa: ANN001
    """Writes the simulator's token file for a location; returns a `~/…` path (HOME is tmp)."""
    content = next(f.content for f in simulator.token_files() if f.location_name == location)
    filename = name or location.replace(" ", "_") + ".vpptoken"
    (folder / filename).write_text(content, encoding="utf-8")
    return f"~/{filename}"


def table_keys(app) -> list[str]:  # noqa: ANN001
    from textual.widgets import DataTable

    table = app.screen.query_one("#tokens-table", DataTable)
    return [str(row.value) for row in table.rows]


async def select_token(pilot, name: str) -> None:  # noqa: ANN001
    from textual.widgets import DataTable

    table = pilot.app.screen.query_one("#tokens-table", DataTable)
    table.focus()
    table.move_cursor(row=table_keys(pilot.app).index(name), animate=False)
    await pilot.pause()


def shown_footer_keys(footer) -> set[str]:  # noqa: ANN001
    """The actions of the keys `footer` shows, after checking that none runs under the
    palette key (a footer that does not fit its width)."""
    from textual.widgets._footer import FooterKey

    keys = [k for k in footer.query(FooterKey) if k.display]
    palette = next(k for k in keys if k.has_class("-command-palette"))
    ends = [k.region.right for k in keys if k is not palette]
    assert max(ends) <= palette.region.x, ends
    return {k.action for k in keys}
