"""`vpp-tui token …` and `vpp-tui sync`."""

from __future__ import annotations

from argparse import Namespace

from vpp_tui.cli.commands.common import guarded, read_file
from vpp_tui.cli.output import EXIT_OK, BadInput, exit_status, print_json, table
from vpp_tui.domain import outcomes
from vpp_tui.i18n import _
from vpp_tui.services import leases, sync, tokens


def _when(value) -> str:  # noqa: ANN001
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def _print_tokens(views: list[tokens.TokenView]) -> None:
    rows = [[v.state + (f" ({v.state_reason})" if v.state_reason else ""), v.name,
             v.location_name or "—", f"{v.expires_at.date()} ({v.days_left}d)",
             f"{v.last_sync_status} {_when(v.last_sync_at)}", str(v.app_count),
             str(v.book_count)] for v in views]
    print(table(rows, ["STATE", "NAME", "LOCATION", "EXPIRES", "LAST SYNC", "APPS", "BOOKS"]))


def _dispatch(args: Namespace, ctx) -> int:  # noqa: ANN001
    action = args.token_command
    if action == "list":
        views = tokens.list_tokens(ctx)
        if args.json:
            print_json([v.as_json() for v in views])
        else:
            _print_tokens(views)
        return EXIT_OK
    if action == "show":
        details = tokens.get_token(ctx, args.name)
        if args.json:
            print_json(details.as_json())
            return EXIT_OK
        v = details.token
        for label, value in [
            ("name", v.name), ("state", f"{v.state} — {v.state_reason}"), ("advice", v.advice),
            ("location", f"{v.location_name} ({v.location_id})"), ("organisation", v.org_name),
            ("Apple ID", v.apple_id), ("expires", f"{v.expires_at.isoformat()} ({v.days_left} days)"),
            ("last sync", f"{v.last_sync_status} {_when(v.last_sync_at)}"),
            ("apps / books", f"{v.app_count} / {v.book_count}"), ("country", v.country),
            ("account type", v.account_type), ("auto-update", "on" if v.auto_update else "off"),
            ("scope tags", ", ".join(v.scope_tags) or "—"), ("secret", v.secret_hint),
        ]:
            print(f"{label:>13}: {value}")
        return EXIT_OK
    if action == "add":
        view = tokens.add_token(ctx, tokens.NewToken(
            name=args.name, apple_id=args.apple_id, content=read_file(args.file),
            consent=args.consent, country=args.country, account_type=args.account,
            auto_update=args.auto_update, take_control=args.take_control,
            scope_tags=args.scope_tag))
        if args.json:
            print_json(view.as_json())
        else:
            print(_("added {name}: {state} {reason}").format(
                name=view.name, state=view.state, reason=view.state_reason).rstrip())
        return _usable(view)
    if action == "renew":
        view = tokens.renew_token(ctx, args.name, read_file(args.file),
                                  take_control=args.take_control)
        print(_("renewed {name}: {state}, expires {date}").format(
            name=view.name, state=view.state, date=view.expires_at.date()))
        return _usable(view)
    if action == "set":
        view = tokens.update_settings(ctx, args.name, country=args.country,
                                      account_type=args.account, auto_update=args.auto_update,
                                      scope_tags=args.scope_tag)
        print(_("updated {name}").format(name=view.name))
        return EXIT_OK
    if action == "take-control":
        before = tokens.get_token(ctx, args.name).token.external_mdm_name
        view = tokens.take_control(ctx, args.name)
        print(_("{name}: now managed here{was}; state {state}").format(
            name=view.name, state=view.state,
            was=_(" instead of {mdm}").format(mdm=before) if before else ""))
        return EXIT_OK
    if action == "delete":
        preview = tokens.delete_preview(ctx, args.name)
        if not args.yes:
            raise BadInput(_("deleting {name} removes {apps} apps, {books} books and {n} "
                             "assignments; add --yes to confirm").format(
                name=args.name, apps=preview.apps, books=preview.books, n=preview.assignments))
        tokens.delete_token(ctx, args.name, revoke_licenses=args.revoke_licenses)
        print(_("deleted {name}.").format(name=args.name))
        for line in preview.kept if not args.revoke_licenses else ():
            print(_("kept: {line}").format(line=line))
        return EXIT_OK
    raise BadInput(f"unknown token action {action}")


def run_token(args: Namespace) -> int:
    return guarded(_dispatch, args)


def _break_lease(args: Namespace, ctx) -> int:  # noqa: ANN001
    if args.all or args.names or args.full or args.due:
        raise BadInput(_("--break-lease NAME takes no other token names or options; break "
                         "the lease, then sync"))
    broken = leases.break_lease(ctx, args.break_lease)
    if args.json:
        print_json({"token": args.break_lease, "broken": broken is not None,
                    "owner": broken.owner if broken else None,
                    "since": broken.acquired_at.isoformat() if broken and broken.acquired_at
                    else None,
                    "expires_at": broken.expires_at.isoformat() if broken and broken.expires_at
                    else None})
    elif broken is None:
        print(_("{name}: no lease was held; nothing to break.").format(name=args.break_lease))
    else:
        print(_("broke the lease of {name}: held by {owner} since {since} (expiring {until})."
                " The next sync runs at once.").format(
            name=args.break_lease, owner=broken.owner, since=_when(broken.acquired_at),
            until=_when(broken.expires_at)))
    return EXIT_OK


def _sync(args: Namespace, ctx) -> int:  # noqa: ANN001
    if args.break_lease:
        return _break_lease(args, ctx)
    if not args.all and not args.names:
        raise BadInput(_("name the tokens to sync, or pass --all"))
    if args.names:
        known = {v.name for v in tokens.list_tokens(ctx)}
        unknown = [n for n in args.names if n not in known]
        if unknown:
            raise BadInput(_("no token named {names}").format(names=", ".join(unknown)))
    results = sync.sync_all(ctx, full=args.full, due_only=args.due,
                            names=None if args.all else args.names)
    if args.json:
        print_json([r.as_json() for r in results])
    else:
        rows = [[r.name, r.status, str(r.requests), str(r.assets), str(r.assignments),
                 str(r.users), r.error or ""] for r in results]
        print(table(rows, ["NAME", "STATUS", "REQUESTS", "ASSETS", "ASSIGNMENTS", "USERS",
                           "ERROR"]))
    return exit_status([f"{r.name}: {r.status}" + (f" ({r.error})" if r.error else "")
                        for r in results if outcomes.sync_left_undone(r.status, r.skip_reason)])


def _usable(view: tokens.TokenView) -> int:
    """A token stored but unusable (expired, invalid, held elsewhere) is not done."""
    if view.can_sync:
        return EXIT_OK
    return exit_status([_("{name} was saved but cannot be used: {reason}. {advice}").format(
        name=view.name, reason=view.state_reason, advice=view.advice)])


def run_sync(args: Namespace) -> int:
    return guarded(_sync, args)


COMMANDS = {"token": run_token, "sync": run_sync}
