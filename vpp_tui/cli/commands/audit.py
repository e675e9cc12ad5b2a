from __future__ import annotations

from argparse import Namespace

from vpp_tui.cli.commands.demo import demo_requested, prepare_demo
from vpp_tui.cli.output import EXIT_OK, print_json, table
from vpp_tui.cli.runtime import build_runtime
from vpp_tui.services import audit


def run(args: Namespace) -> int:
    runtime = prepare_demo(args) if demo_requested(args) else build_runtime(args)
    try:
        text = args.filter or None
        entries = (audit.export_entries(runtime.ctx, limit=args.limit, text=text) if args.json
                   else audit.list_entries(runtime.ctx, limit=args.limit, text=text))
    finally:
        runtime.close()
    if args.json:
        print_json([
            {"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "target": e.target,
             "result": e.result, "detail": e.detail, "apple_event_id": e.apple_event_id,
             "apple_event_status": e.apple_event_status}
            for e in entries
        ])
        return EXIT_OK
    rows = [[e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.target, e.result,
             e.apple_event_id or ""] for e in entries]
    print(table(rows, ["WHEN (UTC)", "WHO", "ACTION", "TARGET", "RESULT", "APPLE EVENT"]))
    return EXIT_OK
