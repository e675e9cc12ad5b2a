"""`vpp-tui reconcile`: Apple's assignments vs the console's intent vs the directory.

Without `--reclaim` it lists every class with its count and rows (`--json`, `--csv` with
the JSON row fields as columns). `--reclaim CLASS…` revokes the licenses of those classes:
`--dry-run` shows each license and whether it would be reclaimed (books kept, with the
reason); otherwise `--yes` is needed, and it is done item by item through the same path
as `revoke --item`; with `--queue` it is queued for `vpp-tui worker` instead. Exit: 0 done (or nothing found), 1 Apple refused or a token could
not write, 2 bad input (an unknown class: one `error:` line).
"""

from __future__ import annotations

from argparse import Namespace
from typing import Any

from vpp_tui.cli.commands.common import guarded
from vpp_tui.cli.output import EXIT_OK, BadInput, exit_status, print_csv, print_json, table
from vpp_tui.i18n import _
from vpp_tui.services import reconcile
from vpp_tui.services.reconcile import reclaim

SHOWN = 10  # rows listed per class in text output; --json and --csv list all




def _never_synced(report: reconcile.ReconcileReport) -> None:
    """Zeros from a token never synced say nothing about Apple: say so first."""
    names = [f'"{n}"' if " " in n else n for n in report.never_synced]
    if len(names) == 1:
        print(_("token {name}: never synced; run vpp-tui sync {name}").format(name=names[0]))
    elif names:
        print(_("{n} tokens never synced ({names}): their zeros say nothing; run "
                "vpp-tui sync NAME").format(n=len(names), names=", ".join(names)))


def _report(args: Namespace, ctx: Any) -> int:
    if args.dry_run or args.yes:
        raise BadInput(_("{flag} goes with --reclaim CLASS…; without it reconcile only "
                         "lists").format(flag="--dry-run" if args.dry_run else "--yes"))
    report = reconcile.reconcile_report(ctx, args.token)
    if args.json:
        print_json(report.as_json())
        return EXIT_OK
    if args.csv:
        print_csv([r.as_json() for r in report.rows], reconcile.COLUMNS)
        return EXIT_OK
    _never_synced(report)
    print(table([[c, str(n)] for c, n in report.counts.items()], [_("CLASS"), _("COUNT")]))
    for name, count in report.counts.items():
        if not count:
            continue
        print()
        print(_("{cls} ({n})").format(cls=name, n=count))
        rows = report.of(name)
        print(table([[r.member, r.kind, f"{r.item} ({r.pricing_param})", r.token, r.reason]
                     for r in rows[:SHOWN]], [_("MEMBER"), _("KIND"), _("ITEM"), _("TOKEN"), _("REASON")]))
        if len(rows) > SHOWN:
            print(_("… and {n} more (use --json or --csv for all)").format(n=len(rows) - SHOWN))
        kept = sorted({r.kept_reason_text for r in rows if r.kept_reason_text})
        if kept:
            print(_("{n} of these cannot be reclaimed ({why}); `status` does not count "
                    "them as needing attention").format(
                n=report.unreclaimable.get(name, 0), why="; ".join(kept)))
    return EXIT_OK


def _note(entry: Any) -> str:
    if entry.outcome == "reclaimed" and entry.row.still_intended_by:
        return reclaim.still_intended_note(entry.row.item, entry.row.still_intended_by)
    return entry.reason_text or ""


def _reclaim(args: Namespace, ctx: Any) -> int:
    if args.csv:
        raise BadInput(_("--csv lists the report; use --json with --reclaim"))
    if args.dry_run:
        preview = reclaim.plan_reclaim(ctx, args.reclaim, token=args.token)
        if args.json:
            print_json(preview.as_json())
            return EXIT_OK
        print(_("would reclaim {r} licenses; {e} kept").format(r=preview.reclaimed,
                                                               e=preview.excluded))
        if preview.entries:
            print(table([[e.row.member, e.row.kind, f"{e.row.item} ({e.row.pricing_param})",
                          e.row.token, e.row.discrepancy, e.outcome, _note(e)]
                         for e in preview.entries],
                        [_("MEMBER"), _("KIND"), _("ITEM"), _("TOKEN"), _("CLASS"), _("OUTCOME"),
                         _("NOTE")]))
        return EXIT_OK
    reclaim.parse_classes(args.reclaim)  # an unknown class is bad input before --yes
    if not args.yes:
        raise BadInput(_("reclaiming revokes licenses at Apple: add --yes, or see what "
                         "would be revoked with --dry-run"))
    if args.queue:  # checked as the dry run checks it, then left to a worker
        from vpp_tui.cli.commands.jobs import print_queued
        from vpp_tui.services import jobs

        return print_queued(args, [jobs.enqueue(ctx, "reconcile", {
            "classes": list(args.reclaim), "token": args.token})], many=False)
    result = reclaim.apply_reclaim(ctx, args.reclaim, token=args.token)
    if args.json:
        print_json(result.as_json())
    else:
        print(_("reclaimed {r} licenses, {f} failed, {e} kept").format(
            r=result.reclaimed, f=result.failed, e=len(result.excluded)))
        for r in result.results:
            for e in r.events:
                print(_("Apple event {id}: {kind} {status} ({n} requested, {f} failed)")
                      .format(id=e.event_id, kind=e.kind, status=e.status, n=e.requested,
                              f=e.failed))
    return exit_status(list(result.errors) + ([_("{n} licenses were not reclaimed").format(
        n=result.failed)] if result.failed else []))


def run(args: Namespace) -> int:
    if args.queue and not args.reclaim:
        raise BadInput(_("--queue queues a reclaim: add --reclaim CLASS… --yes"))
    return guarded(_reclaim if args.reclaim else _report, args)


COMMANDS = {"reconcile": run}
