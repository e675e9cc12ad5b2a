"""Arguments of `vpp-tui status` (cli/commands/status.py)."""

from __future__ import annotations

from typing import Any

from vpp_tui.i18n import _


def add_arguments(sub: Any, cmd: Any) -> None:
    """The `status` command, on the main parser's subcommands."""
    p = cmd("status", _("the estate on one screen: tokens needing attention, items nearly "
                        "out of licenses, last syncs, waitlists; exit 1 when something "
                        "needs attention"))
    p.add_argument("--json", action="store_true")
