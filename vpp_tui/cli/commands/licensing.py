"""`vpp-tui assign`, `unassign`, `licenses`, `revoke`, `waitlist` and `prompts`.

Exit status (README "Exit status", `output.exit_status`): 0 when every member got what was
asked; 1 when Apple refused or stopped the work, or any member failed or waits for a
license (licenses short: over-subscription is allowed, recorded and reported, and the full
result is still printed); 2 for bad input and for an assignment a rule refuses (nothing is
written then). A dry run that is allowed exits 0: the preview was what was asked.
"""

from __future__ import annotations

from argparse import Namespace
from typing import Any

from vpp_tui.apple import errors as apple_errors
from vpp_tui.cli.commands.common import guarded
from vpp_tui.cli.output import (
    EXIT_FAILED,
    EXIT_OK,
    BadInput,
    CommandFailed,
    exit_status,
    print_csv,
    print_json,
    table,
)
from vpp_tui.domain import labels, outcomes
from vpp_tui.i18n import _, shown
from vpp_tui.services import catalog, licensing, ownership, prompts
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.licensing.common import refusal_text
from vpp_tui.services.licensing.views import (
    LICENSE_ROW_FIELDS,
    WAITLIST_ROW_FIELDS,
    LicensePreview,
    LicenseResult,
    waitlist_rows,
)

SHOWN = 25  # members listed in text output; --json lists all


def _apple_guard(run: Any) -> Any:
    def wrapped(args: Namespace, ctx: Any) -> int:
        try:
            return run(args, ctx)
        except apple_errors.AppleError as exc:
            raise CommandFailed(apple_failure_text(exc)) from exc
        except ownership.HeldByAnotherMdm as exc:
            if exc.report is not None:  # work stopped mid-run: its report, then one error
                _show(args, ctx, exc.report)
            raise

    return wrapped


def _refuse_empty(args: Namespace, command: str, *options: str) -> None:
    """Bad input (exit 2) when one of `options` (attribute names) was given as "": an empty
    value is not a missing option, and the line names the option that was given."""
    for option in options:
        if getattr(args, option, None) == "":
            raise BadInput(_("--{option} is empty: give a value (see 'vpp-tui {command} "
                             "--help')").format(option=option, command=command))


def _print_preview(preview: LicensePreview, names: dict[str, str]) -> None:
    plan = preview.plan
    what = preview.item or preview.target or ""
    print(_("DRY RUN: nothing was changed").upper())
    print(_("{action} {what}{group}{token}").format(
        action=plan.action, what=what,
        group=f" → {preview.group}" if preview.group else "",
        token=_(" (token {t})").format(t=preview.token) if preview.token else ""))
    if plan.intent or plan.license_type:
        print(_("intent: {i}, licensing: {lt}").format(i=plan.intent or "—",
                                                        lt=plan.license_type or "—"))
    print(_("licensed {l}, already licensed {a}, reclaimed {r}, failed {f}, skipped {s}")
          .format(l=plan.licensed, a=plan.already_licensed, r=plan.reclaimed, f=plan.failed,
                  s=plan.skipped))
    total = "" if plan.licenses_total is None else _(" of {t}").format(
        t=labels.license_total_label(plan.licenses_total))
    print(_("licenses used: {b} → {a}{total}").format(b=plan.licenses_before,
                                                     a=plan.licenses_after, total=total))
    print(_("Apple requests: {n}").format(n=preview.apple_requests))
    if preview.registrations:
        print(_("users to register with Apple first: {n}").format(n=preview.registrations))
    if plan.order:
        print(_("order: {o}").format(o=plan.order))
    if plan.action in ("unassign",) or plan.intent == "uninstall":
        print(_("rule: {r}").format(r=preview.removal_rule_text))
    if plan.irreversible:
        print(_("irreversible: {n} book licenses can never be reclaimed").format(
            n=len(plan.irreversible)))
    for w in plan.warnings:
        print(_("warning: {m}").format(m=w.message))
    for group in preview.prompts:
        p = group.prompts
        print(_("prompts on {n} devices: invite {i}, install prompt {a}, Apple ID {d}").format(
            n=group.devices, i=_yn(p.invite_to_vpp), a=_yn(p.app_install_prompt),
            d=_yn(p.apple_id_prompt)) + (f" — {p.warning}" if p.warning else ""))
    if preview.target:  # one user or device: its items are the rows
        _print_items([(m.item or "", str(m.outcome), m.reason_text or "")
                      for m in plan.members], names)
        return
    rows = [[m.member, str(m.kind), labels.outcome_label(str(m.outcome)),
             _item(m.item, names) if m.item else "", m.reason_text or ""]
            for m in plan.members[:SHOWN]]
    if rows:
        print(table(rows, [_("MEMBER"), _("KIND"), _("OUTCOME"), _("ITEM"), _("REASON")]))
    if len(plan.members) > SHOWN:
        print(_("… and {n} more (use --json for all)").format(n=len(plan.members) - SHOWN))


def _item(adam_id: str, names: dict[str, str]) -> str:
    """An item as a person reads it: its name, with the adamId scripts and Apple use."""
    name = names.get(adam_id)
    return f"{name} ({adam_id})" if name else adam_id


def _print_items(rows: list[tuple[str, str, str]], names: dict[str, str]) -> None:
    """The items of a revoke by user or device: name and adamId, outcome, reason."""
    shown = [[names.get(item, item), item, labels.outcome_label(outcome), reason]
             for item, outcome, reason in rows[:SHOWN]]
    if shown:
        print(table(shown, [_("ITEM"), _("ADAM ID"), _("OUTCOME"), _("REASON")]))
    if len(rows) > SHOWN:
        print(_("… and {n} more (use --json for all)").format(n=len(rows) - SHOWN))


def _names(ctx: Any, members: Any) -> dict[str, str]:
    return catalog.item_names(ctx, [m.item for m in members if m.item])


def _with_names(doc: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """JSON members keep `item` (the adamId) and gain `item_name`."""
    for member in doc.get("members", []):
        if member.get("item"):
            member["item_name"] = names.get(member["item"])
    return doc


def _yn(value: bool | None) -> str:
    return "—" if value is None else (_("yes") if value else _("no"))


def _print_result(result: LicenseResult, names: dict[str, str]) -> None:
    print(_("{action} {what}: licensed {l}, reclaimed {r}, failed {f}").format(
        action=result.action, what=result.item or result.target or "",
        l=result.licensed, r=result.reclaimed, f=result.failed))
    if result.licenses_used is not None:
        print(_("licenses used: {u} of {t}").format(
            u=result.licenses_used, t=labels.license_total_label(result.licenses_total or 0)))
    waiting = sum(1 for m in result.members if m.waitlist_position)
    if waiting:
        print(_("{n} members wait for licenses, in order (see 'vpp-tui licenses')").format(
            n=waiting))
    if result.admitted:
        print(_("licensed from the waitlist: {names}").format(
            names=", ".join(result.admitted)))
    for w in result.warnings:
        print(_("warning: {m}").format(m=w))
    for e in result.events:
        print(_("Apple event {id}: {kind} {status} ({n} requested, {f} failed)").format(
            id=e.event_id, kind=e.kind, status=e.status, n=e.requested, f=e.failed))
    if result.target:  # one user or device: what happened to each of its items
        _print_items([(m.item or "", m.outcome, m.reason_text or m.reason or "")
                      for m in result.members], names)
        return
    failed = [m for m in result.members if m.outcome == "failed" and not m.waitlist_position]
    if failed:
        print(table([[m.member, m.kind, m.reason_text or m.reason or ""] for m in
                     failed[:SHOWN]], [_("FAILED"), _("KIND"), _("REASON")]))


def _undone(result: LicenseResult) -> list[str]:
    """One line per kind of member left without what was asked (`domain.outcomes`)."""
    lines = [result.error] if result.error else []
    short = [m for m in result.members if outcomes.member_left_undone(m.outcome)]
    waiting = [m for m in short if m.waitlist_position]
    refused = [m for m in short if not m.waitlist_position]
    if refused:
        first = refused[0]
        lines.append(_("{n} members failed (first: {m}: {why})").format(
            n=len(refused), m=first.member, why=first.reason_text or first.reason))
    if waiting:
        lines.append(_("licenses short: {n} members wait for a license (first: {m}); "
                       "see 'vpp-tui licenses'").format(n=len(waiting), m=waiting[0].member))
    return lines


def _show(args: Namespace, ctx: Any, result: LicenseResult) -> None:
    names = _names(ctx, result.members)
    if args.json:
        print_json(_with_names(result.as_json(), names))
    else:
        _print_result(result, names)


def _finish(args: Namespace, ctx: Any, result: LicenseResult) -> int:
    _show(args, ctx, result)
    return exit_status(_undone(result))


def _preview(args: Namespace, ctx: Any, preview: LicensePreview) -> int:
    if not preview.allowed:
        raise BadInput(refusal_text(preview.plan))
    names = _names(ctx, preview.plan.members)
    if args.json:
        print_json(_with_names(preview.as_json(), names))
    else:
        _print_preview(preview, names)
    return EXIT_OK


def _queue(args: Namespace, ctx: Any, kind: str, payload: dict[str, Any]) -> int:
    """`--queue`: checked as the command would be (access, names, a refusing rule), then
    queued for `vpp-tui worker`; prints the job id (`--json`: the job)."""
    from vpp_tui.cli.commands.jobs import print_queued
    from vpp_tui.services import jobs

    return print_queued(args, [jobs.enqueue(ctx, kind, payload)], many=False)


@_apple_guard
def _assign(args: Namespace, ctx: Any) -> int:
    call = (args.item, args.group, args.intent, args.license, args.token)
    if args.queue and not args.dry_run:
        return _queue(args, ctx, "assign", dict(item=args.item, group=args.group,
                                                intent=args.intent, license=args.license,
                                                token=args.token))
    if args.dry_run:
        return _preview(args, ctx, licensing.plan_assign(ctx, *call))
    return _finish(args, ctx, licensing.apply_assign(ctx, *call))


@_apple_guard
def _unassign(args: Namespace, ctx: Any) -> int:
    if args.queue and not args.dry_run:
        return _queue(args, ctx, "unassign", dict(item=args.item, group=args.group,
                                                  token=args.token))
    if args.dry_run:
        return _preview(args, ctx, licensing.plan_unassign(ctx, args.item, args.group, args.token))
    return _finish(args, ctx, licensing.apply_unassign(ctx, args.item, args.group, args.token))


@_apple_guard
def _revoke(args: Namespace, ctx: Any) -> int:
    _refuse_empty(args, "revoke", "item", "user", "device", "token")
    if args.token and not args.item:
        raise BadInput(_("--token goes with --item; a user or device is revoked under "
                         "every token"))
    who = dict(item=args.item, token=args.token, user=args.user, device=args.device)
    if args.queue and not args.dry_run:
        return _queue(args, ctx, "revoke", who)
    if args.dry_run:
        return _preview(args, ctx, licensing.plan_revoke(ctx, **who))
    return _finish(args, ctx, licensing.apply_revoke(ctx, **who))


def _licenses(args: Namespace, ctx: Any) -> int:
    report = licensing.licenses(ctx, args.item, args.token)
    if args.json:
        print_json(report.as_json())
        return EXIT_OK
    if args.csv:
        print_csv(report.csv_rows(), LICENSE_ROW_FIELDS)
        return EXIT_OK
    print(_("{item} ({token}): {u} used of {t}, {a} available").format(
        item=report.item, token=report.token, u=report.used,
        t=_("unlimited") if report.unlimited else report.total, a=report.available))
    for group, intent, lt in report.assignments:
        print(_("assigned to {g}: {i}, {lt} licensing").format(g=group, i=intent, lt=lt))
    if report.holders:
        print(table([[h.member, h.kind, h.status, h.since.date().isoformat() if h.since
                      else ""] for h in report.holders], [_("HOLDER"), _("KIND"), _("STATUS"), _("SINCE")]))
    if report.failures:
        print(table([[f.member, f.kind, f.status, str(f.position or ""), shown(f.reason)]
                     for f in report.failures], [_("MEMBER"), _("KIND"), _("STATUS"), _("TURN"), _("REASON")]))
    return EXIT_OK


def _waitlist(args: Namespace, ctx: Any) -> int:
    if args.item and args.item_option and args.item != args.item_option:
        raise BadInput(_("give the item once: as ITEM or as --item"))
    views = licensing.waitlists(ctx, args.item or args.item_option, args.token)
    if args.json:
        print_json([v.as_json() for v in views])
        return EXIT_OK
    if args.csv:
        print_csv(waitlist_rows(views), WAITLIST_ROW_FIELDS)
        return EXIT_OK
    if not any(v.waiting for v in views):
        print(_("nobody waits for a license{of}").format(
            of=_(" of {item}").format(item=views[0].item) if views else ""))
        return EXIT_OK
    for view in views:
        print(_("{item} ({token}): {n} waiting, {a} available").format(
            item=view.item, token=view.token, n=len(view.waiting),
            a=_("unlimited") if view.unlimited else view.available))
        if view.waiting:
            print(table([[str(w.turn), w.member, w.kind, w.group or "—",
                          w.since.isoformat(timespec="seconds") if w.since else "—"]
                         for w in view.waiting],
                        [_("POSITION"), _("MEMBER"), _("KIND"), _("GROUP"), _("WAITING SINCE")]))
    return EXIT_OK


def _prompts(args: Namespace, ctx: Any) -> int:
    _refuse_empty(args, "prompts", "device", "item")
    by_device = args.device or args.item
    by_scenario = args.ownership or args.license
    if by_device and (by_scenario or args.supervised or args.kiosk or args.user_enrollment):
        raise BadInput(_("use either --device with --item, or --ownership with --license"))
    if by_device:
        if not (args.device and args.item):
            raise BadInput(_("--device and --item go together"))
        found = prompts.prompts_for_device(ctx, args.device, args.item)
        doc, result = found.as_json(), found.result
    else:
        if not (args.ownership and args.license):
            raise BadInput(_("give --ownership and --license (or --device with --item)"))
        result = prompts.prompts_for(ctx, ownership=args.ownership, supervised=args.supervised,
                                     kiosk=args.kiosk, user_enrollment=args.user_enrollment,
                                     license=args.license)
        doc = result.as_dict()
    if args.json:
        print_json(doc)
        return EXIT_OK
    print(_("invitation to join VPP: {v}").format(v=_yn(result.invite_to_vpp)))
    print(_("app install prompt: {v}").format(v=_yn(result.app_install_prompt)))
    print(_("Apple ID prompt: {v}").format(v=_yn(result.apple_id_prompt)))
    if result.warning:
        print(_("warning: {w}").format(w=result.warning))
    print(result.explanation)
    return EXIT_OK


def _run(handler: Any) -> Any:
    return lambda args: guarded(handler, args)


COMMANDS = {
    "assign": _run(_assign), "unassign": _run(_unassign), "licenses": _run(_licenses),
    "revoke": _run(_revoke), "prompts": _run(_prompts), "waitlist": _run(_waitlist),
}
__all__ = ["COMMANDS", "EXIT_FAILED"]
