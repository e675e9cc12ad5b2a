"""Arguments of `vpp-tui worker` and `vpp-tui jobs`, and the `--queue` help
(cli/commands/jobs.py)."""

from __future__ import annotations

import argparse
from typing import Any

from vpp_tui.cli.parser import entry_count
from vpp_tui.domain import jobs as rules
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _


def _concurrency(text: str) -> int:
    """`--concurrency N`: a whole number from 1 to 64."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(_("{v} is not a number of job slots from 1 to 64"
                                           ).format(v=quote(text)))
    return value


MAX_JOB_ID = rules.MAX_JOB_ID  # a larger id is bad input, not a PostgreSQL traceback


def _job_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_JOB_ID:
        raise argparse.ArgumentTypeError(_("{v} is not a job id (a whole number, see "
                                           "'vpp-tui jobs')").format(v=quote(text)))
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
