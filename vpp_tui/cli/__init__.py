"""The `vpp-tui` command line: the console, the demo, the simulator and scriptable commands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from vpp_tui.cli.output import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from vpp_tui.cli.parser import UsageError, build_parser
from vpp_tui.i18n import _


def _handler(args: Any) -> Callable[[Any], int]:
    from vpp_tui.cli.commands import audit, console, placeholders

    command = args.command
    if command is None:
        return console.run_console
    table: dict[str, Callable[[Any], int]] = {
        "demo": console.run_demo,
        "serve": console.run_serve,
        "simulator": console.run_simulator,
        "audit": audit.run,
    }
    table.update(_late_commands())
    return table.get(command, placeholders.not_implemented)


LATE_MODULES = ("tokens", "catalog", "licensing", "key", "access")
# Commands that own the terminal (Textual, a server's log); every other one prints plain text.
TERMINAL_COMMANDS = (None, "demo", "serve", "simulator")


def _late_commands() -> dict[str, Callable[[Any], int]]:
    """Each command module exposes COMMANDS: {command name: handler}."""
    import importlib

    found: dict[str, Callable[[Any], int]] = {}
    for name in LATE_MODULES:
        try:
            module = importlib.import_module(f"vpp_tui.cli.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"vpp_tui.cli.commands.{name}":
                raise
            continue
        found.update(module.COMMANDS)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    from vpp_tui.cli.output import EXIT_INTERRUPTED, BadInput, CommandFailed, terminal_guard
    from vpp_tui.services.access import AccessDenied
    from vpp_tui.store.engine import StoreError
    from vpp_tui.store.secrets import SecretKeyError

    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    try:
        if args.command in TERMINAL_COMMANDS:
            return _handler(args)(args)
        with terminal_guard():
            return _handler(args)(args)
    except (CommandFailed, BadInput) as exc:
        error(str(exc))
        return exc.exit_code
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE
    except (StoreError, SecretKeyError, AccessDenied) as exc:
        error(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        error(_("interrupted; nothing was half-written"))
        return EXIT_INTERRUPTED


def entry() -> None:  # pragma: no cover - console script shim
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["main", "EXIT_OK"]
