"""Arguments of `vpp-tui reconcile` (cli/commands/reconcile.py)."""

from __future__ import annotations

from typing import Any

from vpp_tui.cli.arguments.jobs import queue_help
from vpp_tui.domain.discrepancy import RECLAIMABLE
from vpp_tui.i18n import _


def add_arguments(sub: Any, cmd: Any) -> None:
    """The `reconcile` command on the main parser's subcommands."""
    p = cmd("reconcile", _("licenses Apple holds vs the console's intent vs the directory; "
                           "reclaim by class"))
    p.add_argument("--token", metavar="NAME", help=_("only the location of this token"))
    p.add_argument("--reclaim", nargs="+", metavar="CLASS", help=_(
        "revoke the licenses of these classes: {all}").format(
            all=", ".join(str(c) for c in RECLAIMABLE)))
    p.add_argument("--dry-run", action="store_true",
                   help=_("with --reclaim: show what would be revoked; change nothing"))
    p.add_argument("--yes", action="store_true", help=_("with --reclaim: do it"))
    p.add_argument("--queue", action="store_true", help=queue_help())
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true")
    form.add_argument("--csv", action="store_true")
