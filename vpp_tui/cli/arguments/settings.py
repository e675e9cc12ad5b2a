"""Arguments of `vpp-tui settings` (cli/commands/settings.py)."""

from __future__ import annotations

from typing import Any

from vpp_tui.i18n import _


def add_arguments(sub: Any, cmd: Any) -> None:
    """The `settings` command and its actions, on the main parser's subcommands."""
    p = cmd("settings", _("settings shared by every admin: list, set (with a preview of "
                          "its effect), reset"))
    p.add_argument("--json", action="store_true")
    ssub = p.add_subparsers(dest="settings_command", metavar="ACTION",
                            parser_class=type(p))
    s = ssub.add_parser("set", help=_("change a setting: prints its effect first"))
    s.add_argument("key", metavar="KEY")
    s.add_argument("value", metavar="VALUE")
    s.add_argument("--item", metavar="ADAMID", help=_(
        "one app or book's own value (low_license_percent only)"))
    s.add_argument("--dry-run", action="store_true", help=_("print the effect; save nothing"))
    s.add_argument("--yes", action="store_true", help=_("save without asking"))
    s.add_argument("--json", action="store_true")
    s = ssub.add_parser("reset", help=_("back to the default (an item: back to the store's "
                                        "value)"))
    s.add_argument("key", metavar="KEY")
    s.add_argument("--item", metavar="ADAMID")
    s.add_argument("--json", action="store_true")
