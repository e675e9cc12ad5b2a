"""What every scriptable command shares: opening the runtime, reading files, mapping errors."""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Callable
from typing import Any

from vpp_tui.cli.commands.demo import demo_requested, prepare_demo
from vpp_tui.cli.output import BadInput, CommandFailed, warning
from vpp_tui.cli.runtime import build_runtime
from vpp_tui.domain.tokens import cli_hints
from vpp_tui.services.access import AccessDenied
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.services.user_files import FileRefused, read_user_file


def read_file(path: str, limit: int) -> bytes:
    """The bytes of the admin's file at `path`, at most `limit` (services.user_files);
    BadInput (exit 2, one line naming the path or the limit) otherwise."""
    try:
        return read_user_file(path, limit)
    except FileRefused as exc:
        raise BadInput(exc.message) from exc


def guarded(run: Callable[[Namespace, Any], int], args: Namespace) -> int:
    """Run a command on a fresh runtime; service errors become exit 2 (input) or 1 (failed).
    A refused input (InvalidInput, BadInput) is audited first, result "refused"
    (cli/refusals.py)."""
    runtime = prepare_demo(args) if demo_requested(args) else build_runtime(args)
    runtime.ctx.action_hints = cli_hints()  # advice names commands, not console keys
    try:
        return run(args, runtime.ctx)
    except InvalidInput as exc:
        from vpp_tui.cli.refusals import audit_refusal

        audit_refusal(runtime.ctx, args, exc)
        raise BadInput(exc.message) from exc
    except BadInput as exc:  # the command's own checks: a refusal too (cli/refusals.py)
        from vpp_tui.cli.refusals import audit_refusal

        audit_refusal(runtime.ctx, args, exc)
        raise
    except (ServiceError, AccessDenied) as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        for notice in runtime.ctx.notices:  # e.g. a broken stored setting, default used
            warning(notice)
        runtime.close()
