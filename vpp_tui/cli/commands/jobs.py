"""`vpp-tui worker`, `vpp-tui jobs [cancel ID]`, and `--queue` of sync, assign, unassign
and revoke: long work queued in the store for workers on any host (services.jobs)."""

from __future__ import annotations

import argparse
import signal
from argparse import Namespace
from typing import TYPE_CHECKING, Any

from vpp_tui.cli.output import EXIT_FAILED, EXIT_OK, print_csv, print_json, table
from vpp_tui.cli.parser import entry_count
from vpp_tui.domain import jobs as rules
from vpp_tui.i18n import _, ngettext

if TYPE_CHECKING:  # the parser imports this module: the services load only when run
    from vpp_tui.services import jobs


def _concurrency(text: str) -> int:
    """`--concurrency N`: a whole number from 1 to 64."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(_("{v} is not a number of job slots from 1 to 64"
                                           ).format(v=text))
    return value


def _job_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(_("{v} is not a job id (a whole number, see "
                                           "'vpp-tui jobs')").format(v=text))
    return value


def add_arguments(sub: Any, cmd: Any) -> None:
    """Register `worker` and `jobs` (cli/parser.py calls this)."""
    p = cmd("worker", _("run queued jobs and due syncs from the store until stopped "
                        "(SIGTERM hands running jobs back to the queue)"))
    p.add_argument("--concurrency", type=_concurrency, default=1, metavar="N",
                   help=_("jobs run at once (1 to 64; default 1)"))
    p.add_argument("--once", action="store_true",
                   help=_("run what is queued and due now, then exit"))
    p.add_argument("--no-due", dest="due", action="store_false",
                   help=_("do not queue due syncs; only run jobs others queued"))
    p.add_argument("--json", action="store_true", help=_("print what it did as JSON on exit"))

    p = cmd("jobs", _("queued, running and finished jobs with their progress"))
    p.add_argument("--state", action="append", choices=list(rules.STATES),
                   help=_("only jobs in this state (repeatable)"))
    p.add_argument("--limit", type=entry_count, default=200, help=_("how many, newest first"))
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv", action="store_true")
    jsub = p.add_subparsers(dest="jobs_command", metavar="ACTION", parser_class=type(p))
    c = jsub.add_parser("cancel", help=_("cancel a queued or running job"))
    c.add_argument("id", type=_job_id, metavar="ID")
    c.add_argument("--json", action="store_true")


def queue_help() -> str:
    """The help of every `--queue` option."""
    return _("queue the work for a worker (vpp-tui worker) instead of doing it now; prints "
             "the job id")


def print_queued(args: Namespace, views: list[jobs.JobView], *, many: bool) -> int:
    """What `--queue` prints: the job(s) as JSON, or one line each."""
    if args.json:
        print_json([v.as_json() for v in views] if many else views[0].as_json())
        return EXIT_OK
    for view in views:
        print(_("queued job {id}: {kind} {what}").format(
            id=view.id, kind=view.kind, what=view.token or ""
        ).rstrip())
    return EXIT_OK


def _progress(view: jobs.JobView) -> str:
    if not view.progress_total:
        return ""
    return f"{view.progress_done}/{view.progress_total}" + (
        f" {view.stage}" if view.stage else "")


def _when(view: jobs.JobView) -> str:
    at = view.finished_at or view.started_at or view.queued_at
    return at.strftime("%Y-%m-%d %H:%M:%S")


def _list(args: Namespace, ctx: Any) -> int:
    from vpp_tui.services import jobs

    if args.jobs_command == "cancel":
        view = jobs.cancel(ctx, args.id)
        if args.json:
            print_json(view.as_json())
        elif view.state == rules.CANCELLED:
            print(_("job {id} cancelled").format(id=view.id))
        else:
            print(_("job {id} is running: it stops between its Apple calls").format(id=view.id))
        return EXIT_OK
    views = jobs.list_jobs(ctx, states=tuple(args.state) if args.state else None,
                           limit=args.limit)
    if args.json:
        print_json([v.as_json() for v in views])
        return EXIT_OK
    if args.csv:
        print_csv([v.as_json() for v in views], jobs.LIST_COLUMNS)
        return EXIT_OK
    rows = [[str(v.id), v.kind, v.token or "", v.state, _progress(v), v.actor, _when(v),
             (v.result or "")[:60]] for v in views]
    print(table(rows, ["ID", "KIND", "TOKEN", "STATE", "PROGRESS", "ADMIN", "WHEN (UTC)",
                       "RESULT"]))
    return EXIT_OK


def _worker(args: Namespace, ctx: Any) -> int:
    from vpp_tui.services.jobs.queue import WorkerBusy
    from vpp_tui.services.jobs.worker import Worker

    worker = Worker(ctx, concurrency=args.concurrency, once=args.once, due=args.due)
    previous = {sig: signal.signal(sig, lambda *_a: worker.request_stop())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    print(_("worker {name}: {n} job slots").format(name=worker.name, n=worker.concurrency),
          flush=True)
    try:
        report = worker.run()
    except WorkerBusy as exc:
        from vpp_tui.cli.output import CommandFailed

        raise CommandFailed(exc.message) from exc
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    doc = {"worker": worker.name, "done": report.done, "failed": report.failed,
           "cancelled": report.cancelled, "handed_back": report.handed_back,
           "lost": report.lost, "queued_due": report.queued_due, "errors": report.errors}
    if args.json:
        print_json(doc)
    else:
        print(ngettext("worker stopped: {n} job done", "worker stopped: {n} jobs done",
                       report.done).format(n=report.done)
              + _(", {f} failed, {c} cancelled, {h} handed back, {q} due syncs queued").format(
                  f=report.failed, c=report.cancelled, h=report.handed_back,
                  q=report.queued_due))
    from vpp_tui.cli.output import warning

    for text in report.errors:  # e.g. the store was away for a while; the worker went on
        warning(text)
    # A long-running worker stopped on purpose exits 0 (systemd's "stopped", not
    # "failed"); a --once run (cron) exits 1 when something went wrong on the way.
    return EXIT_FAILED if args.once and report.errors else EXIT_OK


def _guarded(run: Any) -> Any:
    def command(args: Namespace) -> int:
        from vpp_tui.cli.commands.common import guarded

        return guarded(run, args)

    return command


COMMANDS = {"jobs": _guarded(_list), "worker": _guarded(_worker)}
