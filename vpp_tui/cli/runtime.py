"""Turns global options into a ServiceContext: store, actor, key file and the Apple link."""

from __future__ import annotations

import os
import threading
from argparse import Namespace
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from vpp_tui.apple.clock import Clock, SystemClock
from vpp_tui.apple.urls import base_url_problem
from vpp_tui.cli.output import BadInput
from vpp_tui.cli.parser import DEFAULT_APPLE_URL
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.context import ServiceContext, os_login, resolve_actor
from vpp_tui.store.engine import default_url, open_store
from vpp_tui.store.limits import actor_problem

if TYPE_CHECKING:
    from vpp_tui.apple.client import AppleClient

SIM = "sim"
# The in-process simulator answers at this never-resolving address (RFC 2606 `.invalid`).
SIM_BASE_URL = "http://vpp-sim.invalid/mdm/v2"


class SimulatorSlot:
    """The in-process simulator, made by `load()` on first use: a command that never calls
    Apple (`vpp-tui --demo token list`) does not load the simulator's world."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self.value: Any | None = None

    def get(self) -> Any:
        with self._lock:
            if self.value is None:
                self.value = self._load()
            return self.value


@dataclass
class Runtime:
    ctx: ServiceContext
    slot: SimulatorSlot | None = None  # the in-process simulator, when --apple sim
    # Where the in-process simulator's world is kept between runs, so Apple's side of the
    # demo (licenses handed out, users created) matches the demo store next time.
    simulator_file: Path | None = None

    @property
    def simulator(self) -> Any | None:
        """The in-process simulator (loaded now if it was not yet), or None."""
        return self.slot.get() if self.slot is not None else None

    def close(self) -> None:
        try:
            loaded = self.slot.value if self.slot is not None else None
            if loaded is not None and self.simulator_file is not None:
                loaded.save(self.simulator_file)
        finally:
            self.ctx.store.close()


def apple_url(args: Namespace) -> str:
    return args.apple or os.environ.get("VPP_APPLE_URL") or DEFAULT_APPLE_URL


def store_url(args: Namespace) -> str:
    return args.db or os.environ.get("VPP_DB") or default_url()


def key_file(args: Namespace) -> str | None:
    return args.key_file or os.environ.get("VPP_KEY_FILE")


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def make_apple_factory(url: str, clock: Clock, ctx_holder: dict[str, ServiceContext],
                       simulator: Any | None = None,
                       simulator_file: Path | None = None):  # noqa: ANN201
    """A function building an AppleClient for one token; the simulator stays in-process.
    `simulator` is a Simulator or a SimulatorSlot (loaded on the first client). The client
    (httpx, Apple's models) is imported on the first call, so a command that never calls
    Apple does not pay for it."""
    slot = simulator if isinstance(simulator, SimulatorSlot) or simulator is None else (
        SimulatorSlot(lambda: simulator))
    base_url = SIM_BASE_URL if slot is not None else url
    transports: list[Any] = []

    def transport() -> Any | None:
        if slot is None:
            return None
        if not transports:
            from vpp_tui.simulator.transport import SavingTransport, SimulatorTransport

            sim = slot.get()
            inner = SimulatorTransport(sim)
            transports.append(inner if simulator_file is None
                              else SavingTransport(inner, sim, simulator_file))
        return transports[0]

    def factory(bearer: str, **kwargs: Any) -> AppleClient:
        from vpp_tui.apple.client import AppleClient

        ctx = ctx_holder.get("ctx")
        kwargs.setdefault("clock", clock)
        if ctx is not None:
            kwargs.setdefault("cancel", ctx.cancel)
        if slot is not None:
            # The demo's simulated events complete in about a second: poll accordingly.
            kwargs.setdefault("poll_interval", 0.25)
        elif is_loopback(url):
            # A served simulator, not Apple: its 30 s polling guidance does not apply.
            kwargs.setdefault("poll_interval", 0.5)
        return AppleClient(bearer, base_url=base_url, transport=transport(), **kwargs)

    return factory


def build_runtime(args: Namespace, *, db_url: str | None = None, simulator: Any | None = None,
                  clock: Clock | None = None, simulator_file: Path | None = None,
                  demo: bool = False) -> Runtime:
    """Open the store and Apple link for one command. The acting admin is the OS login;
    `--as`/VPP_ADMIN naming someone else is refused (AccessDenied, audited) unless the OS
    login holds `roles.act_for_others` or this is the demo store (`demo`). A store with no
    owner yet is claimed for the OS login first (services/access/identity.py)."""
    clock = clock or SystemClock()
    url = apple_url(args)
    if url != SIM:
        problem = base_url_problem(url)
        if problem:
            raise BadInput(problem)
    slot = None
    if simulator is not None:
        slot = SimulatorSlot(lambda: simulator)
    elif url == SIM:
        slot = SimulatorSlot(lambda: _load_simulator(clock, simulator_file))
    actor = resolve_actor(args.actor)
    problem = actor_problem(actor)
    if problem:
        raise BadInput(_("the admin name {actor} {problem}; give a name of printable "
                         "characters with --as or VPP_ADMIN").format(actor=quote(actor),
                                                                     problem=problem))
    store = open_store(db_url or store_url(args))
    holder: dict[str, ServiceContext] = {}
    ctx = ServiceContext(
        store=store,
        actor=actor,
        apple=make_apple_factory(url, clock, holder, slot, simulator_file),
        apple_url=SIM if slot is not None else url,
        key_file=key_file(args),
        clock=clock,
    )
    holder["ctx"] = ctx
    try:
        # A missing, unsafe or wrong key stops every command before it starts, not midway
        # (a sync must not leave its token "in_progress" on a SecretKeyError).
        from vpp_tui.services.access.identity import check_identity
        from vpp_tui.services.keys import check_key

        check_identity(ctx, os_login(), demo=demo)
        check_key(ctx)
    except BaseException:
        store.close()
        raise
    return Runtime(ctx=ctx, slot=slot, simulator_file=simulator_file)


def _load_simulator(clock: Clock, simulator_file: Path | None) -> Any:
    """The demo's Apple: its world from `simulator_file` when kept, else a fresh one."""
    from vpp_tui.simulator.core import Simulator
    from vpp_tui.simulator.worlds import build_world

    if simulator_file is not None and simulator_file.exists():
        return Simulator.load(simulator_file, clock)
    return build_world("demo", clock=clock, event_delay=1.0)
