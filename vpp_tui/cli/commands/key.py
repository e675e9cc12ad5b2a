"""`vpp-tui key rotate`: re-encrypt every token secret under a new key."""

from __future__ import annotations

from argparse import Namespace

from vpp_tui.cli.commands.common import guarded
from vpp_tui.cli.output import EXIT_OK, BadInput, print_json
from vpp_tui.i18n import _
from vpp_tui.services import keys


def _dispatch(args: Namespace, ctx) -> int:  # noqa: ANN001
    if args.key_command != "rotate":
        raise BadInput(f"unknown key action {args.key_command}")
    result = keys.rotate_key(ctx)
    if args.json:
        print_json({"key_file": str(result.key_file), "secrets": result.secrets})
    else:
        print(_("rotated the key {path}: {n} token secrets re-encrypted").format(
            path=result.key_file, n=result.secrets))
    return EXIT_OK


def run_key(args: Namespace) -> int:
    return guarded(_dispatch, args)


COMMANDS = {"key": run_key}
