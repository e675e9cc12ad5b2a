"""Arguments of `vpp-tui role|grant|revoke-grant|admins|scope-tag` (cli/commands/access.py)."""

from __future__ import annotations

from vpp_tui.i18n import _


def add_arguments(sub, cmd) -> None:  # noqa: ANN001
    """The access commands of the parser (called by cli/parser.py)."""
    from vpp_tui.cli.parser import Parser

    role = cmd("role", _("roles: list, show, create, delete"))
    rsub = role.add_subparsers(dest="role_command", metavar="ACTION", parser_class=Parser,
                               required=True)
    p = rsub.add_parser("list", help=_("built-in and custom roles"))
    p.add_argument("--json", action="store_true")
    p = rsub.add_parser("show", help=_("one role's permissions and admins"))
    p.add_argument("name", metavar="ROLE")
    p.add_argument("--json", action="store_true")
    p = rsub.add_parser("create", help=_("a custom role with any set of permissions"))
    p.add_argument("name", metavar="ROLE")
    p.add_argument("--permission", action="append", required=True, metavar="P", help=_(
        "e.g. managed_apps.read or mobile_apps.* (repeat, or separate with commas)"))
    p.add_argument("--description")
    p.add_argument("--json", action="store_true")
    p = rsub.add_parser("delete", help=_("delete a custom role nobody holds"))
    p.add_argument("name", metavar="ROLE")
    p.add_argument("--json", action="store_true")

    p = cmd("grant", _("give ROLE to ADMIN over scope tags (the default scope without any)"))
    p.add_argument("admin", metavar="ADMIN")
    p.add_argument("role", metavar="ROLE")
    p.add_argument("--scope-tag", action="append", default=[], metavar="T")
    p.add_argument("--all-scopes", action="store_true", help=_("every token, now and later"))
    p.add_argument("--json", action="store_true")
    p = cmd("revoke-grant", _("take ROLE from ADMIN"))
    p.add_argument("admin", metavar="ADMIN")
    p.add_argument("role", metavar="ROLE")
    p.add_argument("--json", action="store_true")
    p = cmd("admins", _("who holds which role over which scope"))
    p.add_argument("--json", action="store_true")

    tag = cmd("scope-tag", _("scope tags: list, create, delete"))
    tsub = tag.add_subparsers(dest="scope_tag_command", metavar="ACTION", parser_class=Parser,
                              required=True)
    p = tsub.add_parser("list", help=_("scope tags with their tokens and grants"))
    p.add_argument("--json", action="store_true")
    p = tsub.add_parser("create", help=_("a new scope tag"))
    p.add_argument("name", metavar="T")
    p.add_argument("--description")
    p.add_argument("--json", action="store_true")
    p = tsub.add_parser("delete", help=_("delete a scope tag no token or grant uses"))
    p.add_argument("name", metavar="T")
    p.add_argument("--json", action="store_true")
