"""`vpp-tui audit`: the log newest first, filtered (text, admin, action, target, result,
dates: `domain.audit_filter`), as a table, JSON or CSV."""

from __future__ import annotations

from argparse import Namespace

from vpp_tui.cli.commands.demo import demo_requested, prepare_demo
from vpp_tui.cli.output import EXIT_OK, BadInput, print_csv, print_json, table
from vpp_tui.cli.runtime import build_runtime
from vpp_tui.domain.audit_filter import AuditFilterError, audit_filter
from vpp_tui.i18n import _
from vpp_tui.services import audit


def run(args: Namespace) -> int:
    try:
        where = audit_filter(args.filter, admin=args.admin, action=args.action,
                             target=args.target, result=args.result, since=args.since,
                             until=args.until)
    except AuditFilterError as exc:
        raise BadInput(exc.message) from exc
    runtime = prepare_demo(args) if demo_requested(args) else build_runtime(args)
    try:
        entries = (audit.export_entries(runtime.ctx, limit=args.limit, where=where)
                   if args.json or args.csv
                   else audit.list_entries(runtime.ctx, limit=args.limit, where=where))
    finally:
        runtime.close()
    if args.json:
        print_json([e.as_json() for e in entries])
        return EXIT_OK
    if args.csv:
        print_csv([e.as_json() for e in entries], audit.AUDIT_FIELDS)
        return EXIT_OK
    rows = [[e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.target, e.result,
             e.apple_event_id or ""] for e in entries]
    print(table(rows, [_("WHEN (UTC)"), _("WHO"), _("ACTION"), _("TARGET"), _("RESULT"),
                       _("APPLE EVENT")]))
    return EXIT_OK
