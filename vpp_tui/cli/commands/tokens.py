"""`vpp-tui token …` and `vpp-tui sync`."""

from __future__ import annotations

from argparse import Namespace

from vpp_tui.cli.commands.common import guarded, read_file
from vpp_tui.cli.output import EXIT_OK, BadInput, exit_status, print_csv, print_json, table
from vpp_tui.domain import labels, outcomes
from vpp_tui.domain.limits import MAX_TOKEN_FILE_BYTES
from vpp_tui.domain.text import cells, pad_cells, quote
from vpp_tui.i18n import _, ngettext
from vpp_tui.i18n.format import date_text, datetime_text, number_text
from vpp_tui.services import leases, tokens
from vpp_tui.services.access import Permission, token_id_of, visible_token_ids
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.views import TOKEN_FIELDS, DeletePreview


def _when(value) -> str:  # noqa: ANN001
    return datetime_text(value, seconds=False) if value else "—"


def _state(v: tokens.TokenView, sep: str = ": {reason}") -> str:
    """The state as a person reads it (JSON keeps the value: `labels`)."""
    label = labels.token_state_label(v.state)
    return label + sep.format(reason=v.state_reason) if v.state_reason else label


def _last_sync(v: tokens.TokenView) -> str:
    label = labels.sync_status_label(v.last_sync_status)
    return f"{label} {_when(v.last_sync_at)}" if v.last_sync_at else label


def _print_tokens(views: list[tokens.TokenView]) -> None:
    rows = [[_state(v), v.name, v.location_name or "—",
             "{date} ({days})".format(date=date_text(v.expires_at),
                                      days=_("{n}d").format(n=v.days_left)),
             _last_sync(v), number_text(v.app_count), number_text(v.book_count)] for v in views]
    print(table(rows, [_("STATE"), _("NAME"), _("LOCATION"), _("EXPIRES"), _("LAST SYNC"), _("APPS"), _("BOOKS")]))


def _report(args: Namespace, view: tokens.TokenView, line: str) -> None:
    """`--json`: the token as `token show --json` prints it; else one line for a person."""
    if getattr(args, "json", False):
        print_json(view.as_json())
    else:
        print(line)


def _dispatch(args: Namespace, ctx) -> int:  # noqa: ANN001
    action = args.token_command
    if action == "list":
        views = tokens.list_tokens(ctx)
        if args.state:
            views = [v for v in views if str(v.state) in args.state]
        if args.json:
            print_json([v.as_json() for v in views])
        elif args.csv:
            print_csv([v.as_json() for v in views], TOKEN_FIELDS)
        else:
            _print_tokens(views)
        return EXIT_OK
    if action == "show":
        details = tokens.get_token(ctx, args.name)
        if args.json:
            print_json(details.as_json())
            return EXIT_OK
        v = details.token
        fields = [
            (_("name"), v.name), (_("state"), _state(v, " — {reason}")), (_("advice"), v.advice),
            (_("location"), f"{v.location_name} ({v.location_id})"),
            (_("organisation"), v.org_name), (_("Apple ID"), v.apple_id),
            (_("expires"), "{date} ({days})".format(
                date=datetime_text(v.expires_at), days=ngettext(
                    "{n} day", "{n} days", v.days_left).format(n=v.days_left))),
            (_("last sync"), _last_sync(v)),
            (_("apps / books"), f"{v.app_count} / {v.book_count}"), (_("country"), v.country),
            (_("account type"), v.account_type),
            (_("auto-update"), _("on") if v.auto_update else _("off")),
            (_("scope tags"), ", ".join(v.scope_tags) or "—"), (_("secret"), v.secret_hint),
        ]
        width = max(cells(label) for label, _value in fields)
        for label, value in fields:
            print(f"{pad_cells(label, width, right=True)}: {value}")
        return EXIT_OK
    if action == "add":
        view = tokens.add_token(ctx, tokens.NewToken(
            name=args.name, apple_id=args.apple_id, content=read_file(args.file, MAX_TOKEN_FILE_BYTES),
            consent=args.consent, country=args.country, account_type=args.account,
            auto_update=args.auto_update, take_control=args.take_control,
            scope_tags=args.scope_tag))
        _report(args, view, _("added {name}: {state}").format(
            name=view.name, state=_state(view)))
        return _usable(view)
    if action == "renew":
        view = tokens.renew_token(ctx, args.name, read_file(args.file, MAX_TOKEN_FILE_BYTES),
                                  take_control=args.take_control)
        _report(args, view, _("renewed {name}: {state}, expires {date}").format(
            name=view.name, state=labels.token_state_label(view.state),
            date=view.expires_at.date()))
        return _usable(view)
    if action == "set":
        view = tokens.update_settings(ctx, args.name, country=args.country,
                                      account_type=args.account, auto_update=args.auto_update,
                                      scope_tags=args.scope_tag,
                                      notification_url=args.notification_url)
        _report(args, view, _("updated {name}").format(name=view.name))
        return EXIT_OK
    if action == "take-control":
        before = tokens.get_token(ctx, args.name).token
        was = labels.owner_label(before.external_mdm_name, before.external_mdm_metadata) \
            if before.external_mdm_name else None
        view = tokens.take_control(ctx, args.name)
        _report(args, view, _("{name}: now managed here{was}; state {state}").format(
            name=view.name, state=labels.token_state_label(view.state),
            was=_(" instead of {mdm}").format(mdm=was) if was else ""))
        return EXIT_OK
    if action == "delete":
        return _delete(args, ctx)
    raise BadInput(f"unknown token action {action}")


def _delete(args: Namespace, ctx) -> int:  # noqa: ANN001
    """`token delete NAME (--yes | --dry-run) [--revoke-licenses] [--json]`."""
    preview = tokens.delete_preview(ctx, args.name)
    if args.dry_run:
        _print_delete(args, preview, done=False)
        return EXIT_OK
    if not args.yes:
        raise BadInput(_("deleting {name} removes {apps} apps, {books} books and {n} "
                         "assignments; add --yes to confirm, or --dry-run to see what "
                         "would go").format(name=args.name, apps=preview.apps,
                                            books=preview.books, n=preview.assignments))
    try:
        tokens.delete_token(ctx, args.name, revoke_licenses=args.revoke_licenses)
    except ServiceError as exc:  # exit 1: the --json report is printed too (README)
        if args.json:
            _print_delete(args, preview, done=False, error=str(exc))
        raise
    _print_delete(args, preview, done=True)
    return EXIT_OK


def _print_delete(args: Namespace, preview: DeletePreview, *, done: bool,
                  error: str | None = None) -> None:
    revoke = args.revoke_licenses
    if args.json:
        print_json({
            "name": preview.name, "dry_run": not done and error is None, "deleted": done,
            "error": error,
            "revoke_licenses": revoke, "apps": preview.apps, "books": preview.books,
            "assignments": preview.assignments, "licenses": preview.licenses,
            "revoke": {"users": preview.revoke_users, "devices": preview.revoke_devices,
                       "irrevocable": preview.irrevocable} if revoke else None,
            "location_tokens": list(preview.location_tokens),
            "location_name": preview.location_name,
            "removes": list(preview.deleted),
            "revokes_first": list(preview.revoked) if revoke else [],
            "keeps": [] if revoke else list(preview.kept),
        })
        return
    if not done:
        print(_("DRY RUN: nothing was changed").upper())
    print((_("deleted {name}:") if done else _("deleting {name} would remove:")).format(
        name=preview.name))
    for line in preview.deleted:
        print(f"  {line}")
    if revoke:
        print(_("revoked first:") if done else _("after revoking first (--revoke-licenses):"))
        for line in preview.revoked:
            print(f"  {line}")
    else:
        print(_("kept:"))
        for line in preview.kept:
            print(f"  {line}")
    if preview.location_tokens and not done:
        print(_("other tokens of location {location}: {tokens} (they stay)").format(
            location=preview.location_name or "?", tokens=", ".join(preview.location_tokens)))


def run_token(args: Namespace) -> int:
    return guarded(_dispatch, args)


def _break_lease(args: Namespace, ctx) -> int:  # noqa: ANN001
    if args.all or args.names or args.full or args.due:
        raise BadInput(_("--break-lease NAME takes no other token names or options; break "
                         "the lease, then sync"))
    if not args.break_lease.strip():
        raise BadInput(_("--break-lease needs the name of the token whose lease to break, "
                         "not {name}; see 'vpp-tui token list'").format(
            name=quote(args.break_lease)))
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
    from vpp_tui.services import sync  # here, not above: `token list` does not load sync

    if args.break_lease is not None:
        return _break_lease(args, ctx)
    if not args.all and not args.names:
        raise BadInput(_("name the tokens to sync, or pass --all"))
    if args.names:
        # A token that exists outside the admin's scope is not unknown: the service
        # refuses it with the missing permission (exit 1, audited), as other changes do.
        unknown = [n for n in args.names if token_id_of(ctx, n) is None]
        if unknown:
            raise BadInput(_("no token named {names}; see 'vpp-tui token list'").format(
                names=", ".join(quote(n) for n in unknown[:5])))
    if args.queue:
        return _queue_syncs(args, ctx)
    results = sync.sync_all(ctx, full=args.full, due_only=args.due,
                            names=None if args.all else args.names)
    if args.json:
        print_json([r.as_json() for r in results])
    else:
        rows = [[r.name, labels.sync_status_label(r.status), str(r.requests), str(r.assets), str(r.assignments),
                 str(r.users), r.error or ""] for r in results]
        print(table(rows, [_("NAME"), _("STATUS"), _("REQUESTS"), _("ASSETS"), _("ASSIGNMENTS"), _("USERS"),
                           _("ERROR")]))
    return exit_status([f"{r.name}: {r.status}" + (f" ({r.error})" if r.error else "")
                        for r in results if outcomes.sync_left_undone(r.status, r.skip_reason)])


def _queue_syncs(args: Namespace, ctx) -> int:  # noqa: ANN001
    """`sync --queue`: one job per token (with --all every token the admin may sync, with
    --due only those due), for `vpp-tui worker`; prints the job ids."""
    from vpp_tui.cli.commands.jobs import print_queued
    from vpp_tui.services import jobs, sync

    if args.all:
        allowed = visible_token_ids(ctx, Permission.TOKENS_SYNC)
        due = set(sync.due_tokens(ctx)) if args.due else None
        views = [v for v in tokens.list_tokens(ctx) if v.id in allowed
                 and (due is None or v.name in due)]
        names = [v.name for v in views if v.can_sync]
        # The tokens that cannot sync, named as inline `sync --all` names them (exit 1).
        refused = [line for v in views if not v.can_sync
                   for line in [jobs.sync_refusal(ctx, v.name)] if line]
    else:
        # A token that cannot sync is refused now with the line inline sync reports (and
        # its exit 1), never queued to fail on a worker; the others are queued.
        asked = list(dict.fromkeys(args.names))
        said = {name: jobs.sync_refusal(ctx, name) for name in asked}
        names = [name for name in asked if not said[name]]
        refused = [line for line in said.values() if line]
    views = [jobs.enqueue(ctx, "sync", {"full": bool(args.full)}, token=name) for name in names]
    if views or args.json:
        print_queued(args, views, many=True)
    return exit_status(refused)


def _usable(view: tokens.TokenView) -> int:
    """A token stored but unusable (expired, invalid, held elsewhere) is not done."""
    if view.can_sync:
        return EXIT_OK
    return exit_status([_("{name} was saved but cannot be used: {reason}. {advice}").format(
        name=view.name, reason=view.state_reason, advice=view.advice)])


def run_sync(args: Namespace) -> int:
    return guarded(_sync, args)


COMMANDS = {"token": run_token, "sync": run_sync}
