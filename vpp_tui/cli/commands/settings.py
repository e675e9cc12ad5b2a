"""`vpp-tui settings`, `settings set KEY VALUE`, `settings reset KEY` (issue 10)."""

from __future__ import annotations

import sys
from argparse import Namespace

from vpp_tui.cli.commands.common import guarded
from vpp_tui.cli.output import EXIT_OK, BadInput, print_json, table
from vpp_tui.domain.settings import spec_of
from vpp_tui.domain.text import truncate_cells
from vpp_tui.i18n import _
from vpp_tui.services import settings
from vpp_tui.services.settings.preview import preview


def _changed(view: settings.SettingView) -> str:
    if not view.changed:
        return "—"
    when = view.updated_at.strftime("%Y-%m-%d %H:%M") if view.updated_at else "?"
    return _("{who} at {when}").format(who=view.updated_by or "?", when=when)


def _list(args: Namespace, ctx) -> int:  # noqa: ANN001
    views = settings.list_settings(ctx)
    for v in views:
        if v.problem:
            ctx.notice(v.problem)
    if args.json:
        print_json([v.as_json() for v in views])
        return EXIT_OK
    rows = []
    for v in views:
        spec = spec_of(v.key)
        key = v.key if v.item is None else f"{v.key} --item {v.item}"
        allowed = truncate_cells(v.allowed, 40)
        rows.append([key, spec.show(v.value), spec.show(v.default), _changed(v), allowed])
    print(table(rows, [_("KEY"), _("VALUE"), _("DEFAULT"), _("CHANGED"), _("ALLOWED")]))
    return EXIT_OK


def _confirmed(args: Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise BadInput(_("not saved: add --yes to save {key}, or --dry-run to see only its "
                         "effect").format(key=args.key))
    answer = input(_("Save {key}? [y/N] ").format(key=args.key))
    return answer.strip().lower() in ("y", "yes")


def _set(args: Namespace, ctx) -> int:  # noqa: ANN001
    shown = preview(ctx, args.key, args.value, args.item)
    if not args.json:
        for line in shown.lines:
            print(line)
    if args.dry_run:
        if args.json:
            print_json({**shown.as_json(), "saved": False})
        return EXIT_OK
    if not _confirmed(args):
        if args.json:
            print_json({**shown.as_json(), "saved": False})
        else:
            print(_("not saved"))
        return EXIT_OK
    change = settings.set_setting(ctx, args.key, args.value, item=args.item)
    if args.json:
        print_json({**shown.as_json(), "old": change.old, "new": change.new, "saved": True})
    else:
        spec = spec_of(args.key)
        print(_("saved {key}: {old} → {new}").format(
            key=args.key, old=spec.show(change.old), new=spec.show(change.new)))
    return EXIT_OK


def _reset(args: Namespace, ctx) -> int:  # noqa: ANN001
    change = settings.reset_setting(ctx, args.key, item=args.item)
    if args.json:
        print_json({**change.as_json(), "saved": True})
    else:
        spec = spec_of(args.key)
        print(_("reset {key}: {old} → {new}").format(
            key=args.key, old=spec.show(change.old), new=spec.show(change.new)))
    return EXIT_OK


def _settings(args: Namespace, ctx) -> int:  # noqa: ANN001
    action = getattr(args, "settings_command", None)
    if action == "set":
        return _set(args, ctx)
    if action == "reset":
        return _reset(args, ctx)
    return _list(args, ctx)


def run(args: Namespace) -> int:
    return guarded(_settings, args)


COMMANDS = {"settings": run}
