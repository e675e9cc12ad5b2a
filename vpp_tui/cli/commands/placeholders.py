from __future__ import annotations

from argparse import Namespace

from vpp_tui.cli.output import EXIT_USAGE, error
from vpp_tui.i18n import _


def not_implemented(args: Namespace) -> int:
    error(_("'{command}' is not implemented yet in this version of vpp-tui").format(
        command=args.command))
    return EXIT_USAGE
