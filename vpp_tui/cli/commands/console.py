"""Commands that open or serve something: the console, the demo, the simulator."""

from __future__ import annotations

import shlex
import sys
from argparse import Namespace
from pathlib import Path

from vpp_tui.cli.output import EXIT_OK
from vpp_tui.cli.runtime import SIM, Runtime, build_runtime
from vpp_tui.i18n import _
from vpp_tui.services.context import os_login
from vpp_tui.store.engine import data_dir

DEMO_DB = "demo.db"


def _open_console(runtime: Runtime, *, demo: bool) -> int:
    from vpp_tui.ui.app import VppApp

    try:
        VppApp(runtime.ctx, demo=demo).run()
    finally:
        runtime.close()
    return EXIT_OK


def run_console(args: Namespace) -> int:
    return _open_console(build_runtime(args), demo=False)


def demo_paths() -> tuple[str, str]:
    db = data_dir() / DEMO_DB
    return f"sqlite:///{db}", str(db) + ".key"


def reset_demo_store() -> None:
    db = data_dir() / DEMO_DB
    for suffix in ("", "-wal", "-shm", ".key", ".sim"):
        path = db.with_name(db.name + suffix)
        if path.exists():
            path.unlink()


def prepare_demo(args: Namespace) -> Runtime:
    """The demo's own store and key, the in-process simulator, and its seed data."""
    url, key = demo_paths()
    sim_file = Path(key).with_suffix(".sim")
    if getattr(args, "reset", False):
        reset_demo_store()
    elif (data_dir() / DEMO_DB).exists() and not sim_file.exists():
        # The demo store without its Apple world cannot authenticate: start both afresh.
        sys.stderr.write(_("The demo's Apple world was missing; the demo starts afresh.") + "\n")
        reset_demo_store()
    args.apple = SIM
    args.key_file = key
    runtime = build_runtime(args, db_url=url, simulator_file=sim_file, demo=True)
    from vpp_tui.services import demo as demo_service
    from vpp_tui.simulator.worlds import demo_directory

    files = [demo_service.DemoToken(location_name=f.location_name, content=f.content)
             for f in runtime.simulator.token_files()]
    try:
        if demo_service.seed(runtime.ctx, files, demo_directory()):
            runtime.simulator.save(sim_file)
    except Exception:
        runtime.close()
        raise
    return runtime


def run_demo(args: Namespace) -> int:
    return _open_console(prepare_demo(args), demo=True)


LOOPBACK_HOSTS = ("localhost", "::1", "[::1]")


def loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: only this machine can connect."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def serve_command(args: Namespace) -> list[str]:
    """The console command the server runs per browser session: every global option it was
    given (`--db`, `--apple`, `--key-file`, `--as`), so the served console opens the same
    store with the same key against the same Apple."""
    command = [sys.executable, "-m", "vpp_tui.cli"]
    for flag, value in (("--db", args.db), ("--apple", args.apple),
                        ("--key-file", args.key_file), ("--as", args.actor)):
        if value:
            command += [flag, value]
    return command + (["demo"] if args.demo else [])


def run_serve(args: Namespace) -> int:
    from textual_serve.server import Server

    from vpp_tui.cli.output import BadInput

    if not loopback_host(args.host):
        if not args.allow_remote:
            raise BadInput(_("--host {host} is not loopback: anyone who reaches it gets a "
                             "console acting as you; add --allow-remote, or reach a loopback "
                             "console through 'ssh -L {port}:127.0.0.1:{port} HOST'").format(
                host=args.host, port=args.port))
        print(_("WARNING: serving on {host}: anyone who can reach port {port} gets this "
                "console, acting as {who} with its store and key; there is no login page "
                "and no TLS").format(host=args.host, port=args.port,
                                     who=args.actor or os_login()))
    command = serve_command(args)
    print(_("Serving the console on http://{host}:{port}/ (ctrl+c stops)").format(
        host=args.host, port=args.port))
    Server(shlex.join(command), host=args.host, port=args.port).serve()
    return EXIT_OK


def run_simulator(args: Namespace) -> int:
    from vpp_tui.simulator import serve

    return serve.run_from_args(args)
