"""`vpp-tui status [--json]`: the estate on one screen for cron mail or monitoring.

Exit status 0 when healthy, 1 when something needs attention (services.status lists what
counts), 2 for bad usage.
"""

from __future__ import annotations

from argparse import Namespace
from typing import Any

from vpp_tui.cli.commands.common import guarded
from vpp_tui.cli.output import EXIT_FAILED, EXIT_OK, print_json, table, warning
from vpp_tui.domain.labels import sync_status_label, token_state_label
from vpp_tui.i18n import _, ngettext
from vpp_tui.i18n.format import datetime_text, number_text
from vpp_tui.services.status import StatusReport, status_report

SHOWN = 8  # tokens (of a big estate), low items and waitlists in text; --json lists all




def _when(value: Any) -> str:
    return datetime_text(value, seconds=False) if value else _("never")


def _more(rows: list[Any]) -> str:
    return _("  … and {n} more (--json lists all)").format(n=len(rows) - SHOWN)


def _tokens(report: StatusReport) -> list[str]:
    """The token table: every token of a small estate; of a big one (over SHOWN) the
    tokens needing attention up to SHOWN, then how to list the others (one screenful)."""
    tokens = list(report.tokens)
    shown = tokens
    if len(tokens) > SHOWN:
        shown = [t for t in tokens if t.needs_attention][:SHOWN]
    rows = [[t.view.name, token_state_label(t.view.state), number_text(t.view.days_left),
             (("!" if t.notice.due_today else _("in {n} d").format(n=t.notice.next_in))
              if t.notice else "—"),
             _when(t.view.last_sync_at), sync_status_label(t.view.last_sync_status)]
            for t in shown]
    lines = ["", table(rows, [_("TOKEN"), _("STATE"), _("DAYS LEFT"), _("NOTICE"),
                              _("LAST SYNC"), _("SYNC STATUS")])] if rows else []
    listed = {t.view.name for t in shown}
    hidden = [t for t in tokens if t.needs_attention and t.view.name not in listed]
    if hidden:
        states = " ".join(f"--state {s}" for s in dict.fromkeys(str(t.view.state)
                                                                 for t in hidden))
        lines.append(_("  … and {n} more: vpp-tui token list {states}").format(
            n=len(hidden), states=states))
    calm = sum(1 for t in tokens if not t.needs_attention and t.view.name not in listed)
    if calm:
        lines.append(ngettext("  {n} more token needs nothing: vpp-tui token list",
                              "  {n} more tokens need nothing: vpp-tui token list",
                              calm).format(n=number_text(calm)))
    return lines


def _text(report: StatusReport) -> list[str]:
    reasons = report.reasons()
    head = (_("needs attention:") if reasons else _("healthy"))
    lines = [f"vpp-tui status {_when(report.checked_at)} UTC: {head}"]
    urgent = sum(1 for t in report.tokens if t.needs_attention)
    if urgent > SHOWN:  # token lines come first in reasons(); the table shows them
        reasons = [_("{n} tokens need attention (below)").format(n=urgent)] + reasons[urgent:]
    lines += [f"  ! {r}" for r in reasons]
    lines += _tokens(report)
    if report.low:
        lines += ["", table([[i.name, i.token, i.product_type, f"{number_text(i.used)}/{number_text(i.total)}",
                              f"{i.threshold:g}%"] for i in report.low[:SHOWN]],
                            [_("NEARLY OUT"), _("TOKEN"), _("KIND"), _("USED"),
                             _("THRESHOLD")])]
        if len(report.low) > SHOWN:
            lines.append(_more(list(report.low)))
    if report.waiting:
        lines += ["", table([[w.name, w.token, number_text(w.waiting)]
                             for w in report.waiting[:SHOWN]],
                            [_("WAITLIST"), _("TOKEN"), _("WAITING")])]
        if len(report.waiting) > SHOWN:
            lines.append(_more(list(report.waiting)))
    if report.reconciliation:
        lines += ["", table([[k, str(v)] for k, v in sorted(report.reconciliation.items())],
                            [_("RECONCILIATION"), _("ROWS")])]
        for name, n in sorted(report.unreclaimable.items()):
            lines.append(_("  {n} {name} cannot be reclaimed (book licenses cannot be "
                           "reclaimed): not counted as needing attention").format(
                n=n, name=name))
    return lines


def _status(args: Namespace, ctx: Any) -> int:
    report = status_report(ctx)
    if not report.tokens:  # a mistyped --db opens an empty store: say so (cron mails it)
        warning(_("no tokens in this store: add one, or check --db (VPP_DB)"))
    if args.json:
        print_json(report.as_json())
    else:
        print("\n".join(_text(report)))
    return EXIT_FAILED if report.needs_attention else EXIT_OK


def run(args: Namespace) -> int:
    return guarded(_status, args)


COMMANDS = {"status": run}
