"""A demo-seeded store on the in-process simulator, with a FakeClock: fixed times, no sleeps.

Shared by the console tests and `scripts/screenshots.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.templates import migrated_sqlite_url
from vpp_tui.apple.clock import FakeClock
from vpp_tui.cli.runtime import SIM, make_apple_factory
from vpp_tui.services import demo
from vpp_tui.services.context import ServiceContext
from vpp_tui.simulator.worlds import build_world, demo_directory
from vpp_tui.store.engine import open_store

SEEDED_AT = datetime(2026, 11, 23, 9, 10, tzinfo=UTC)


def demo_context(folder: Path, *, actor: str = "ana", seed: bool = True,  # noqa: ANN201
                 url: str | None = None):
    """(ctx, simulator): the demo world's tokens added and synced once, as `vpp-tui demo` does;
    in a SQLite file in `folder`, or the store at `url` (at the schema head)."""
    clock = FakeClock()
    simulator = build_world("demo", clock=clock, event_delay=0.01)
    store = open_store(url or migrated_sqlite_url(folder / "s.db"))  # at the head already
    holder: dict[str, ServiceContext] = {}
    ctx = ServiceContext(store=store, actor=actor, clock=clock, apple_url=SIM,
                         key_file=str(folder / "s.key"),
                         apple=make_apple_factory(SIM, clock, holder, simulator))
    holder["ctx"] = ctx
    if seed:
        files = [demo.DemoToken(location_name=f.location_name, content=f.content)
                 for f in simulator.token_files()]
        demo.seed(ctx, files, demo_directory())
    # Seeding polls Apple's simulated events, and how often varies with thread timing:
    # pin the clock afterwards so every "ago" and "days left" reads the same in every run.
    clock.advance((SEEDED_AT - clock.now()).total_seconds())
    return ctx, simulator
