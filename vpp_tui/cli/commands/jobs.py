"""`vpp-tui worker`, `vpp-tui jobs [cancel ID]`, and `--queue` of sync, assign, unassign
and revoke: long work queued in the store for workers on any host (services.jobs)."""

from __future__ import annotations

import signal
import sys
from argparse import Namespace
from typing import TYPE_CHECKING, Any

from vpp_tui.cli.output import (
    EXIT_FAILED,
    EXIT_OK,
    exit_status,
    print_csv,
    print_json,
    table,
)
from vpp_tui.domain import jobs as rules
from vpp_tui.domain.labels import job_kind_label, job_state_label
from vpp_tui.i18n import _, ngettext, shown

if TYPE_CHECKING:  # the parser imports this module: the services load only when run
    from vpp_tui.services import jobs



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
    rows = [[str(v.id), job_kind_label(v.kind), v.token or "", job_state_label(v.state),
             _progress(v), v.actor, _when(v), (shown(v.result) or "")[:60]] for v in views]
    print(table(rows, [_("ID"), _("KIND"), _("TOKEN"), _("STATE"), _("PROGRESS"), _("ADMIN"),
                       _("WHEN (UTC)"), _("RESULT")]))
    return EXIT_OK


def _worker(args: Namespace, ctx: Any) -> int:
    from vpp_tui.services.jobs.queue import WorkerBusy
    from vpp_tui.services.jobs.worker import Worker

    worker = Worker(ctx, concurrency=args.concurrency, once=args.once, due=args.due)
    previous = {sig: signal.signal(sig, lambda *_a: worker.request_stop())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    # Under --json stdout holds the one JSON document: the start line goes to stderr.
    print(ngettext("worker {name}: {n} job slot", "worker {name}: {n} job slots",
                   worker.concurrency).format(name=worker.name, n=worker.concurrency),
          file=sys.stderr if args.json else sys.stdout, flush=True)
    from vpp_tui.cli.output import warning

    for said in (worker.scope_warning(), worker.due_warning()):
        if said:  # said once here, not once per job it leaves to others or per due scan
            warning(said)
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
           "lost": report.lost, "queued_due": report.queued_due, "partial": report.partial,
           "errors": report.errors}
    if args.json:
        print_json(doc)
    else:
        print(ngettext("worker stopped: {n} job done", "worker stopped: {n} jobs done",
                       report.done).format(n=report.done)
              + _(", {f} failed, {c} cancelled, {h} handed back, {q} due syncs queued").format(
                  f=report.failed, c=report.cancelled, h=report.handed_back,
                  q=report.queued_due))
    for text in report.errors:  # e.g. the store was away for a while; the worker went on
        warning(text)
    # A long-running worker stopped on purpose exits 0 (systemd's "stopped", not
    # "failed"); a --once run (cron) exits 1 when a job it ran failed or something went
    # wrong on the way (`jobs --state failed` says which).
    undone = []
    if args.once and report.failed:
        undone.append(ngettext("{n} job failed; see 'vpp-tui jobs --state failed'",
                               "{n} jobs failed; see 'vpp-tui jobs --state failed'",
                               report.failed).format(n=report.failed))
    if args.once and report.partial:  # done, but exit 1 inline (e.g. licenses short)
        undone.append(ngettext("{n} job left part of its work undone; see 'vpp-tui jobs'",
                               "{n} jobs left part of their work undone; see 'vpp-tui jobs'",
                               report.partial).format(n=report.partial))
    if undone:
        return exit_status(undone)
    return EXIT_FAILED if args.once and report.errors else EXIT_OK


def _guarded(run: Any) -> Any:
    def command(args: Namespace) -> int:
        from vpp_tui.cli.commands.common import guarded

        return guarded(run, args)

    return command


COMMANDS = {"jobs": _guarded(_list), "worker": _guarded(_worker)}
