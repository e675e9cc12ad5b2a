"""Turns global options into a ServiceContext: store, actor, key file and the Apple link."""

from __future__ import annotations

import os
from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from vpp_tui.apple.client import base_url_problem
from vpp_tui.apple.clock import Clock, SystemClock
from vpp_tui.cli.output import BadInput
from vpp_tui.cli.parser import DEFAULT_APPLE_URL
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.context import ServiceContext, os_login, resolve_actor
from vpp_tui.store.engine import default_url, open_store
from vpp_tui.store.limits import actor_problem

SIM = "sim"
# The in-process simulator answers at this never-resolving address (RFC 2606 `.invalid`).
SIM_BASE_URL = "http://vpp-sim.invalid/mdm/v2"


@dataclass
class Runtime:
    ctx: ServiceContext
    simulator: Any | None = None  # the in-process simulator, when --apple sim
    # Where the in-process simulator's world is kept between runs, so Apple's side of the
    # demo (licenses handed out, users created) matches the demo store next time.
    simulator_file: Path | None = None

    def close(self) -> None:
        try:
            if self.simulator is not None and self.simulator_file is not None:
                self.simulator.save(self.simulator_file)
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
    """A function building an AppleClient for one token; the simulator stays in-process."""
    from vpp_tui.apple.client import AppleClient

    transport = None
    base_url = url
    if simulator is not None:
        from vpp_tui.simulator.transport import SimulatorTransport

        transport = SimulatorTransport(simulator)
        if simulator_file is not None:
            transport = _SavingTransport(transport, simulator, simulator_file)
        base_url = SIM_BASE_URL

    def factory(bearer: str, **kwargs: Any) -> AppleClient:
        ctx = ctx_holder.get("ctx")
        kwargs.setdefault("clock", clock)
        if ctx is not None:
            kwargs.setdefault("cancel", ctx.cancel)
        if simulator is not None:
            # The demo's simulated events complete in about a second: poll accordingly.
            kwargs.setdefault("poll_interval", 0.25)
        elif is_loopback(url):
            # A served simulator, not Apple: its 30 s polling guidance does not apply.
            kwargs.setdefault("poll_interval", 0.5)
        return AppleClient(bearer, base_url=base_url, transport=transport, **kwargs)

    return factory


class _SavingTransport(httpx.BaseTransport):
    """Keeps the demo's Apple world on disk after every change, so a console that is killed
    (a dropped SSH session) leaves Apple's side and the demo store in step."""

    def __init__(self, inner: httpx.BaseTransport, simulator: Any, path: Path) -> None:
        self.inner, self.simulator, self.path = inner, simulator, path

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method != "GET":
            self.simulator.save(self.path)
        return response


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
    if url == SIM and simulator is None:
        from vpp_tui.simulator.core import Simulator
        from vpp_tui.simulator.worlds import build_world

        if simulator_file is not None and simulator_file.exists():
            simulator = Simulator.load(simulator_file, clock)
        else:
            simulator = build_world("demo", clock=clock, event_delay=1.0)
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
        apple=make_apple_factory(url, clock, holder, simulator, simulator_file),
        apple_url=SIM if simulator is not None else url,
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
    return Runtime(ctx=ctx, simulator=simulator, simulator_file=simulator_file)
