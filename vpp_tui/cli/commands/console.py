"""Commands that open or serve something: the console, the demo, the simulator."""

from __future__ import annotations

import shlex
import sys
from argparse import Namespace

from vpp_tui.cli.commands.demo import demo_paths, demo_requested, prepare_demo, try_dir
from vpp_tui.cli.output import EXIT_OK
from vpp_tui.cli.runtime import Runtime, build_runtime
from vpp_tui.i18n import _
from vpp_tui.services.context import os_login

__all__ = ["demo_paths", "prepare_demo", "run_console", "run_demo", "run_serve",
           "run_simulator", "serve_command"]


def apply_admin_language(runtime: Runtime, args: Namespace) -> None:
    """The acting admin's saved console language (Settings, `l`), unless --lang or
    VPP_LANG chose one for this run: explicit beats saved beats the environment."""
    import os

    from vpp_tui.i18n import set_language
    from vpp_tui.services.settings import preferences

    if getattr(args, "lang", None) or os.environ.get("VPP_LANG"):
        return
    saved = preferences.get_language(runtime.ctx)
    if saved:
        set_language(saved)


def _open_console(runtime: Runtime, *, demo: bool, notice: str | None = None,
                  args: Namespace | None = None) -> int:
    from vpp_tui.ui.app import VppApp

    try:
        if args is not None:
            apply_admin_language(runtime, args)
        VppApp(runtime.ctx, demo=demo, notice=notice, keep_heap=True).run()
    finally:
        runtime.close()
    return EXIT_OK


def run_console(args: Namespace) -> int:
    if demo_requested(args):  # `vpp-tui --demo`: the demo console
        return run_demo(args)
    return _open_console(build_runtime(args), args=args, demo=False)


def run_demo(args: Namespace) -> int:
    # Under textual-serve stdout carries the console to the browser: nothing printed there.
    runtime = prepare_demo(args, announce=sys.stdout.isatty())
    notice = _("Token files to try add (a) and renew (r) with are in {folder}").format(
        folder=try_dir())
    return _open_console(runtime, args=args, demo=True, notice=notice)


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
    demo = args.demo or demo_requested(args)
    return command + (["demo"] if demo else [])


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
