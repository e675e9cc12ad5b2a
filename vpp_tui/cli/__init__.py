"""The `vpp-tui` command line: the console, the demo, the simulator and scriptable commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from vpp_tui.cli.output import EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from vpp_tui.cli.parser import UsageError, build_parser
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, available_languages, is_known_language, set_language


def _handler(args: Any) -> Callable[[Any], int]:
    """The function running `args.command`, importing only the module that defines it:
    `COMMAND_MODULES` names it; a command missing there is looked for in every module of
    `LATE_MODULES` (correct, only slower: the architecture tests ask for the entry)."""
    command = args.command
    if command is None:
        from vpp_tui.cli.commands import console

        return console.run_console
    if command in ("demo", "serve", "simulator"):
        from vpp_tui.cli.commands import console

        return {"demo": console.run_demo, "serve": console.run_serve,
                "simulator": console.run_simulator}[command]
    if command == "audit":
        from vpp_tui.cli.commands import audit

        return audit.run
    found = _late_commands(COMMAND_MODULES.get(command))
    if command not in found and command in COMMAND_MODULES:
        found = _late_commands()
    if command in found:
        return found[command]
    from vpp_tui.cli.commands import placeholders

    return placeholders.not_implemented


# Modules of vpp_tui/cli/commands/ exposing COMMANDS = {command name: handler}.
LATE_MODULES = ("tokens", "catalog", "licensing", "key", "access", "settings", "reconcile",
                "jobs", "listen", "status")
# Which of LATE_MODULES defines each command: a command runs with only its own module
# (and what that imports) loaded, so `vpp-tui token list` starts fast. A new command adds
# one entry here (tests/architecture/test_startup.py checks each against COMMANDS).
COMMAND_MODULES = {
    "token": "tokens", "sync": "tokens",
    "apps": "catalog", "directory": "catalog",
    "assign": "licensing", "unassign": "licensing", "licenses": "licensing",
    "revoke": "licensing", "prompts": "licensing", "waitlist": "licensing",
    "key": "key",
    "role": "access", "grant": "access", "revoke-grant": "access", "admins": "access",
    "scope-tag": "access",
    "settings": "settings",
    "reconcile": "reconcile", "jobs": "jobs", "worker": "jobs", "listen": "listen",
    "status": "status",
}
# Commands that own the terminal (Textual, a server's log); every other one prints plain text.
TERMINAL_COMMANDS = (None, "demo", "serve", "simulator")
# Commands that open the console in this process (`vpp-tui`, `vpp-tui demo`).
CONSOLE_COMMANDS = (None, "demo")


def _late_commands(module_name: str | None = None) -> dict[str, Callable[[Any], int]]:
    """COMMANDS of `module_name` (one of LATE_MODULES), or of every one of them for None."""
    import importlib

    found: dict[str, Callable[[Any], int]] = {}
    for name in (module_name,) if module_name else LATE_MODULES:
        try:
            module = importlib.import_module(f"vpp_tui.cli.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"vpp_tui.cli.commands.{name}":
                raise
            continue
        found.update(module.COMMANDS)
    return found


# Options that name files: read through the OS, so any bytes the file system allows are fine.
PATH_OPTIONS = ("file", "db", "key_file", "tokens_dir")
OPTION_NAMES = {"actor": "--as"}


def undecodable_option(args: Any) -> str | None:
    """The `error:` text for an option that is not UTF-8 text, or None.

    Python hands undecodable command-line bytes over as lone surrogates (PEP 383), which
    no store can keep or look up; file paths are exempt (the OS reads them as given)."""
    from vpp_tui.domain.limits import text_problem

    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if name in PATH_OPTIONS or not isinstance(item, str):
                continue
            problem = text_problem(item)
            if problem:
                return _("the value given for {option} {problem}; give it as UTF-8 text"
                         ).format(option=OPTION_NAMES.get(name, name.replace("_", "-")),
                                  problem=problem)
    return None


def lang_option(argv: Sequence[str]) -> str | None:
    """The value of `--lang X` / `--lang=X` in `argv` (before a `--`), or None: the
    language must be known before the parser is built, since its help is translated."""
    for i, item in enumerate(argv):
        if item == "--":
            break
        if item.startswith("--lang="):
            return item.split("=", 1)[1]
        if item == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(argv) if argv is not None else sys.argv[1:]
    chosen = lang_option(argv)
    source = "--lang"
    if chosen is None and os.environ.get("VPP_LANG") is not None:
        chosen, source = os.environ["VPP_LANG"], "VPP_LANG"
    if chosen is not None and not is_known_language(chosen):
        error(_("{source} {value} is not a language vpp-tui shows; choose one of {known}"
                ).format(source=source, value=quote(chosen),
                         known=", ".join(available_languages())))
        return EXIT_USAGE
    set_language(chosen)  # before the parser: its help text is translated
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    if getattr(args, "json", False) or getattr(args, "csv", False):
        # JSON is a contract: its text fields (reasons, advice) stay English, whatever
        # the language of the human output (README, "JSON contract"); CSV is the same
        # fields as rows.
        set_language("en")
    undecodable = undecodable_option(args)
    if undecodable:
        error(undecodable)
        return EXIT_USAGE
    if args.command in CONSOLE_COMMANDS:
        # The console's start makes objects, not garbage: no collection until it mounts.
        from vpp_tui.ui.heap import paused_for_start

        with paused_for_start():
            return _run(args)
    return _run(args)


def _run(args: Any) -> int:
    """Run the parsed command; its errors become `error:` lines and exit codes."""
    from vpp_tui.cli.output import (
        EXIT_INTERRUPTED,
        BadInput,
        CommandFailed,
        OutputFailed,
        terminal_guard,
    )

    # After parsing: --help and --version need none of these (nor SQLAlchemy).
    from vpp_tui.services.access import AccessDenied
    from vpp_tui.store.engine import StoreError, StoreUrlRefused
    from vpp_tui.store.limits import ValueRefused
    from vpp_tui.store.secrets import SecretKeyError

    try:
        if args.command in TERMINAL_COMMANDS:
            return _handler(args)(args)
        with terminal_guard():
            status = _handler(args)(args)
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
            return status
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OutputFailed as exc:  # a full disk: the work is done, its report is lost
        _silence_stdout()
        error(str(exc))
        return exc.exit_code
    except (CommandFailed, BadInput) as exc:
        error(str(exc))
        return exc.exit_code
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE
    except ValueRefused as exc:  # the store's backstop: a value no column of it can keep
        error(exc.message)
        return EXIT_USAGE
    except StoreUrlRefused as exc:  # --db / VPP_DB is bad input (garbage, :memory:)
        error(str(exc))
        return EXIT_USAGE
    except (StoreError, SecretKeyError, AccessDenied) as exc:
        error(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        from vpp_tui.services.apple_posts import unknown_here

        unknown = unknown_here()
        if unknown:  # posted to Apple, its answer never read: not "nothing changed"
            error(_("interrupted; what Apple answered is recorded, but a post to Apple has "
                    "an unknown outcome: sync {tokens} to settle it (vpp-tui audit "
                    "--action apple.)").format(tokens=", ".join(unknown)))
        else:
            error(_("interrupted; nothing was half-written"))
        return EXIT_INTERRUPTED


def _silence_stdout() -> None:
    """stdout cannot take more (`vpp-tui apps list | head -1` closed it, or the disk is
    full): point it at devnull, Python's documented recipe, so the flush at interpreter
    exit does not raise again (which would print a traceback and exit 120). The caller
    exits as a shell does for SIGPIPE (128 + 13), or 1 for a write error. What the
    command did is done; only its report was cut short."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's capture)
        pass


def entry() -> None:  # pragma: no cover - console script shim
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["main", "EXIT_OK"]
