"""The argument parser: global options and every command of docs/cli.md."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from vpp_tui import __version__
from vpp_tui.cli import argparse_text
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _

DEFAULT_APPLE_URL = "https://vpp.itunes.apple.com/mdm/v2"

argparse_text.install()  # argparse's own words ("usage:", "invalid choice") translated too


class UsageError(Exception):
    """Bad usage: exit status 2 with one `error:` line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage dump: scripts read stderr.
        raise UsageError(_("{message} (see '{prog} --help')").format(message=message,
                                                                     prog=self.prog))

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise SystemExit(status)


MAX_ENTRIES = 1_000_000


def entry_count(text: str) -> int:
    """`--limit N`: a whole number from 1 to MAX_ENTRIES (a larger one overflows the SQL
    LIMIT of both stores; a negative one PostgreSQL refuses). ArgumentTypeError otherwise."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_ENTRIES:
        raise argparse.ArgumentTypeError(_("{value} is not a number from 1 to {n}").format(
            value=quote(text), n=MAX_ENTRIES))
    return value


def _percent(text: str) -> float:
    """A percentage 0–100 (`--max-removal`); argparse turns the error into one line."""
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(_("{v} is not a percentage from 0 to 100").format(
            v=quote(text)))
    return value


def listing_output(parser: argparse.ArgumentParser) -> None:
    """`--json` or `--csv` on a listing: one of them (both is bad usage, exit 2). CSV: a
    header row of the JSON field names, one row per record (docs/cli.md "CSV")."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help=_("print JSON"))
    group.add_argument("--csv", action="store_true", help=_(
        "print CSV: a header row of the JSON field names, then one row per record"))


def _add_globals(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group(_("global options"))
    g.add_argument("--db", metavar="URL", help=_(
        "store URL (env VPP_DB); SQLite file in the user data directory by default, "
        "postgresql+psycopg://… for a shared store"))
    g.add_argument("--apple", metavar="URL", help=_(
        "Apple's service (env VPP_APPLE_URL); a loopback URL for a served simulator; "
        "'sim' for the in-process simulator with the demo world"))
    g.add_argument("--as", dest="actor", metavar="ADMIN", help=_(
        "who is acting (env VPP_ADMIN); the OS login name by default"))
    g.add_argument("--key-file", metavar="PATH", help=_(
        "key that encrypts tokens at rest (env VPP_KEY_FILE); beside the SQLite file by default"))
    g.add_argument("--lang", metavar="LANG", help=_(
        "language of the console and of human output, e.g. fr, zh_CN, en (env VPP_LANG); "
        "LANGUAGE, LC_ALL, LC_MESSAGES, LANG otherwise; --json never changes"))
    g.add_argument("--demo", dest="demo_store", action="store_true", help=_(
        "run the command on the offline demo: its own store and key and its in-process "
        "Apple (e.g. vpp-tui --demo token list); not with --db, --apple or --key-file"))


def build_parser() -> Parser:
    from vpp_tui.cli.arguments.jobs import add_arguments as jobs_arguments
    from vpp_tui.cli.arguments.jobs import queue_help
    from vpp_tui.cli.arguments.simulator import add_arguments as simulator_arguments

    parser = Parser(
        prog="vpp-tui",
        description=_("Keyboard-driven console for Apple volume-purchased apps and books. "
                      "With no command it opens the console."),
    )
    parser.add_argument("--version", action="version", version=f"vpp-tui {__version__}")
    _add_globals(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def cmd(name: str, help_text: str) -> Parser:
        return sub.add_parser(name, help=help_text, description=help_text)

    p = cmd("demo", _("open the console on the offline demo (own store, in-process simulator)"))
    p.add_argument("--reset", action="store_true", help=_("re-create the demo store first"))

    p = cmd("serve", _("serve the console to a browser (textual-serve), loopback by default"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--demo", action="store_true", help=_("serve the offline demo"))
    p.add_argument("--allow-remote", action="store_true", help=_(
        "allow a non-loopback --host (anyone reaching it gets a console acting as you)"))

    p = cmd("listen", _("receive Apple's notifications over HTTP and update the ledger at once"))
    p.add_argument("--host", default="127.0.0.1", help=_(
        "address to listen on (default 127.0.0.1: put your HTTPS reverse proxy in front)"))
    p.add_argument("--port", type=int, default=8788)
    p.add_argument("--json", action="store_true",
                   help=_("print one JSON line per notification received"))

    p = cmd("simulator", _("serve the Apple simulator over HTTP and write a token file per location"))
    simulator_arguments(p)

    token = cmd("token", _("location tokens: add, list, show, renew, set, take-control, "
                           "delete"))
    tsub = token.add_subparsers(dest="token_command", metavar="ACTION", parser_class=Parser,
                                required=True)
    p = tsub.add_parser("add", help=_("upload a location token"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--name", required=True)
    p.add_argument("--apple-id", required=True, help=_("the Managed Apple ID that made the token"))
    p.add_argument("--consent", action="store_true",
                   help=_("consent to send user and device data to Apple (required)"))
    p.add_argument("--country", default="US", help=_("country/region store, e.g. US, FR"))
    p.add_argument("--account", choices=["business", "education"], default="business")
    p.add_argument("--auto-update", action="store_true")
    p.add_argument("--take-control", action="store_true",
                   help=_("take the location from another MDM"))
    p.add_argument("--scope-tag", action="append", default=[], metavar="T")
    p.add_argument("--json", action="store_true")
    p = tsub.add_parser("list", help=_("tokens with state, expiry, location, last sync"))
    from vpp_tui.domain.tokens import TokenState

    p.add_argument("--state", action="append", metavar="STATE",
                   choices=[str(s) for s in TokenState],
                   help=_("only tokens in this state (repeatable)"))
    listing_output(p)
    p = tsub.add_parser("show", help=_("one token in full (never the secret)"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p = tsub.add_parser("renew", help=_("replace the token file, keeping apps and assignments"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--take-control", action="store_true",
                   help=_("take the location from another MDM"))
    p.add_argument("--json", action="store_true")
    p = tsub.add_parser("set", help=_("change a token's settings"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--country")
    p.add_argument("--account", choices=["business", "education"])
    p.add_argument("--auto-update", dest="auto_update", action="store_true", default=None)
    p.add_argument("--no-auto-update", dest="auto_update", action="store_false")
    p.add_argument("--scope-tag", action="append", metavar="T")
    p.add_argument("--notification-url", metavar="URL", help=_(
        "have Apple POST this location's notifications to URL (the https:// address of "
        "vpp-tui listen behind your reverse proxy); Apple tests it at once; an empty URL "
        "(\"\") stops the notifications and clears it"))
    p.add_argument("--json", action="store_true")
    p = tsub.add_parser("take-control", help=_(
        "manage the token's location here again, taking it from another MDM"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p = tsub.add_parser("delete", help=_("delete a token (optionally revoke its licenses first)"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--yes", action="store_true", help=_("confirm the deletion"))
    p.add_argument("--dry-run", action="store_true", help=_(
        "show what would be deleted, kept and revoked; change nothing"))
    p.add_argument("--revoke-licenses", action="store_true",
                   help=_("revoke the location's licenses at Apple first"))
    p.add_argument("--json", action="store_true")

    p = cmd("sync", _("sync now; delta where Apple allows it unless --full"))
    p.add_argument("names", nargs="*", metavar="NAME")
    p.add_argument("--all", action="store_true")
    p.add_argument("--full", action="store_true")
    p.add_argument("--due", action="store_true",
                   help=_("with --all: only tokens whose sync interval has passed (for cron)"))
    p.add_argument("--queue", action="store_true", help=queue_help())
    p.add_argument("--break-lease", metavar="NAME", help=_(
        "break the write lease of token NAME's location (its holder crashed); prints who "
        "held it and since when, audited; syncs nothing"))
    p.add_argument("--json", action="store_true")

    apps = cmd("apps", _("the catalog of apps and books"))
    asub = apps.add_subparsers(dest="apps_command", metavar="ACTION", parser_class=Parser,
                               required=True)
    p = asub.add_parser("list", help=_("catalog with total/used/available"))
    p.add_argument("--books", action="store_true")
    p.add_argument("--token", metavar="NAME")
    listing_output(p)
    p = asub.add_parser("show", help=_("one app or book in full: counts, version, updates, "
                                       "assignments"))
    p.add_argument("item", metavar="ITEM")
    p.add_argument("--token", metavar="NAME")
    p.add_argument("--json", action="store_true")

    directory = cmd("directory", _("users, devices and groups"))
    dsub = directory.add_subparsers(dest="directory_command", metavar="ACTION",
                                    parser_class=Parser, required=True)
    p = dsub.add_parser("import", help=_("import users, devices and groups from JSON or CSV"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true")
    p.add_argument("--kind", choices=["users", "devices", "groups"],
                   help=_("what a CSV file holds"))
    p.add_argument("--allow-mass-removal", action="store_true",
                   help=_("import even when it would remove more than the limit of the users, "
                          "managed devices or group members"))
    p.add_argument("--max-removal", type=_percent, metavar="PERCENT",
                   help=_("the share of users, managed devices or group members this import "
                          "may remove (store setting directory_max_removal_percent, 10 by "
                          "default); a few (directory_removal_floor, 5) may always go"))
    for kind, what in (("users", _("directory users: UPN, name, Managed Apple ID, active")),
                       ("devices", _("directory devices: serial, platform, ownership, "
                                     "supervision, primary user, managed")),
                       ("groups", _("directory groups with their member counts"))):
        p = dsub.add_parser(kind, help=what)
        p.add_argument("--filter", metavar="TEXT", help=_(
            "only rows containing TEXT (literal, any case), as the console's / filter"))
        listing_output(p)

    p = cmd("assign", _("assign an app or book to a group and apply license decisions"))
    p.add_argument("item", metavar="ITEM")
    p.add_argument("--group", required=True)
    p.add_argument("--intent", required=True, choices=["required", "available", "uninstall"])
    p.add_argument("--license", choices=["user", "device"])
    p.add_argument("--token", metavar="NAME")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--queue", action="store_true", help=queue_help())
    p.add_argument("--json", action="store_true")

    p = cmd("unassign", _("remove an assignment (reclaim per platform rules)"))
    p.add_argument("item", metavar="ITEM")
    p.add_argument("--group", required=True)
    p.add_argument("--token", metavar="NAME")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--queue", action="store_true", help=queue_help())
    p.add_argument("--json", action="store_true")

    p = cmd("licenses", _("who holds a license, who failed and why"))
    p.add_argument("item", metavar="ITEM")
    p.add_argument("--token", metavar="NAME")
    listing_output(p)

    p = cmd("waitlist", _("who waits for a license, in the order they will be served"))
    p.add_argument("item", metavar="ITEM", nargs="?",
                   help=_("one app or book; every item someone waits for by default"))
    p.add_argument("--item", dest="item_option", metavar="ITEM",
                   help=_("the same as ITEM, for scripts that name every option"))
    p.add_argument("--token", metavar="NAME")
    listing_output(p)

    p = cmd("revoke", _("revoke licenses of an app, a user or a device"))
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--item", metavar="ITEM")
    target.add_argument("--user", metavar="U")
    target.add_argument("--device", metavar="SERIAL")
    p.add_argument("--token", metavar="NAME")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--queue", action="store_true", help=queue_help())
    p.add_argument("--json", action="store_true")

    p = cmd("prompts", _("what the end user will be asked"))
    p.add_argument("--device", metavar="SERIAL")
    p.add_argument("--item", metavar="ITEM")
    p.add_argument("--ownership", choices=["corporate", "personal"])
    p.add_argument("--supervised", action="store_true")
    p.add_argument("--kiosk", action="store_true")
    p.add_argument("--user-enrollment", action="store_true")
    p.add_argument("--license", choices=["user", "device"])
    p.add_argument("--json", action="store_true")

    key = cmd("key", _("the key that encrypts token secrets at rest"))
    ksub = key.add_subparsers(dest="key_command", metavar="ACTION", parser_class=Parser,
                              required=True)
    p = ksub.add_parser("rotate", help=_(
        "re-encrypt every token secret under a new key, in one transaction"))
    p.add_argument("--json", action="store_true")

    from vpp_tui.cli.arguments.access import add_arguments as access_arguments

    access_arguments(sub, cmd)

    from vpp_tui.cli.arguments.settings import add_arguments as settings_arguments

    settings_arguments(sub, cmd)

    from vpp_tui.cli.arguments.reconcile import add_arguments as reconcile_arguments

    reconcile_arguments(sub, cmd)
    jobs_arguments(sub, cmd)
    from vpp_tui.cli.arguments.status import add_arguments as status_arguments

    status_arguments(sub, cmd)

    p = cmd("audit", _("the audit log"))
    p.add_argument("--limit", type=entry_count, default=200,
                   help=_("how many entries, newest first (1 to {n})").format(n=MAX_ENTRIES))
    p.add_argument("--filter", metavar="TEXT",
                   help=_("only entries whose actor, action, target, detail or Apple eventId "
                          "contains TEXT (literal, any case)"))
    for option, what in (("--admin", _("who acted")), ("--action", _("the action")),
                         ("--target", _("what it was done to")),
                         ("--result", _("the result (ok, failed, refused…)"))):
        p.add_argument(option, metavar="TEXT", help=_(
            "only entries whose {what} contains TEXT (literal, any case)").format(what=what))
    p.add_argument("--since", metavar="DATE", help=_(
        "only entries at or after DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC)"))
    p.add_argument("--until", metavar="DATE", help=_(
        "only entries before the end of DATE (a day is included whole; UTC)"))
    listing_output(p)

    return parser
