"""`vpp-tui apps list`, `apps show`, `directory import` and `directory users|devices|groups`."""

from __future__ import annotations

import sys
from argparse import Namespace
from typing import TYPE_CHECKING

from vpp_tui.cli.commands.common import guarded, read_file
from vpp_tui.cli.output import (
    EXIT_OK,
    BadInput,
    CommandFailed,
    print_csv,
    print_json,
    table,
)
from vpp_tui.domain.labels import edition_label
from vpp_tui.domain.limits import MAX_DIRECTORY_FILE_BYTES
from vpp_tui.domain.text import pad_cells
from vpp_tui.i18n import _
from vpp_tui.services import catalog

if TYPE_CHECKING:
    from vpp_tui.services import licensing

# The directory and licensing services (the ORM) are imported by the commands using them:
# `apps list` reads with SQLAlchemy Core alone (issue 13, CLI start-up).


def _count(view: catalog.AssetView, value: int) -> str:
    return _("unlimited") if view.unlimited else str(value)


def _update(view: catalog.AssetView) -> str:
    """The UPDATE cell: the new version an auto-update brought, or a dash."""
    return _("new {v}").format(v=view.update_available) if view.update_available else "—"


def _apps(args: Namespace, ctx) -> int:  # noqa: ANN001
    if args.apps_command == "show":
        return _show(args, ctx)
    page = catalog.list_assets(ctx, books=args.books, token=args.token, limit=None)
    if args.json:
        print_json([v.as_json() for v in page.rows])
        return EXIT_OK
    if args.csv:
        print_csv([v.as_json() for v in page.rows], catalog.ASSET_FIELDS)
        return EXIT_OK
    rows = [[v.name, edition_label(v.pricing_param), v.token, " ".join(v.platforms),
             v.version or "—", _update(v),
             _count(v, v.used) if not v.unlimited else str(v.used), _count(v, v.total),
             "—" if v.unlimited else str(v.available), _("low") if v.low_on_licenses else ""]
            for v in page.rows]
    print(table(rows, [_("NAME"), _("EDITION"), _("TOKEN"), _("PLATFORMS"), _("VERSION"), _("UPDATE"), _("USED"),
                       _("TOTAL"), _("AVAILABLE"), _("LOW")]))
    return EXIT_OK


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _show(args: Namespace, ctx) -> int:  # noqa: ANN001
    """`apps show ITEM [--token NAME] [--json]`: one item in full."""
    view = catalog.resolve_item(ctx, args.item, args.token)
    notes = catalog.assignment_notes(ctx, view.id)
    if args.json:
        print_json({**view.as_json(), "assignments": [n.__dict__ for n in notes]})
        return EXIT_OK
    update = (_("new version {v} available (auto-update)").format(v=view.update_available)
              if view.update_available else "—")
    for label, value in [
        (_("name"), view.name), (_("adamId"), f"{view.adam_id} ({view.pricing_param})"),
        (_("edition"), edition_label(view.pricing_param)),
        (_("token"), view.token), (_("type"), view.product_type),
        (_("platforms"), " ".join(view.platforms) or "—"), (_("version"), view.version or "—"),
        (_("update"), update),
        (_("licenses"), _("{u} used of {t}, {a} available").format(
            u=view.used, t=_count(view, view.total),
            a="—" if view.unlimited else view.available)),
        (_("device-assignable"), _yes(view.device_assignable)),
        (_("revocable"), _yes(view.revocable)), (_("custom app"), _yes(view.custom)),
        (_("store"), view.store_url or "—"),
    ]:
        print(f"{pad_cells(label, 17, right=True)}: {value}")
    if view.missing_in_store:
        print(_("warning: missing from the token's country store; metadata kept from before"))
    if notes:
        print(table([[n.group, n.intent, n.license_type, n.status_message or "—"]
                     for n in notes], [_("GROUP"), _("INTENT"), _("LICENSING"), _("STATUS")]))
    else:
        print(_("not assigned: vpp-tui assign {item} --group GROUP --intent required|available").format(
            item=f"{view.adam_id}:{view.pricing_param}"))
    return EXIT_OK


DIRECTORY_PAGE = 1000  # rows read per query: a directory of 100k devices is 100 pages
DIRECTORY_LISTS = {"users": "list_users", "devices": "list_devices", "groups": "list_groups"}


def _directory_rows(ctx, kind: str, text: str | None):  # noqa: ANN001, ANN202
    """Every row of the `kind` list matching `text`, read a page at a time in SQL."""
    from vpp_tui.services.catalog import queries

    read = getattr(queries, DIRECTORY_LISTS[kind])
    offset = 0
    while True:
        page = read(ctx, text=text, offset=offset, limit=DIRECTORY_PAGE)
        yield from page.rows
        offset += DIRECTORY_PAGE
        if len(page.rows) < DIRECTORY_PAGE or offset >= page.total:
            return


def _directory_list(args: Namespace, ctx) -> int:  # noqa: ANN001
    """`directory users|devices|groups [--filter TEXT] [--json|--csv]`."""
    from vpp_tui.services.catalog import queries

    kind = args.directory_command
    rows = _directory_rows(ctx, kind, args.filter or None)
    if args.json:
        print_json([queries.directory_json(r) for r in rows])
    elif args.csv:
        print_csv((queries.directory_json(r) for r in rows), queries.DIRECTORY_FIELDS[kind])
    else:
        fields = queries.DIRECTORY_FIELDS[kind]
        print(table([[_cell(getattr(r, f)) for f in fields] for r in rows],
                    [f.upper().replace("_", " ") for f in fields]))
    return EXIT_OK


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return _yes(value)
    return "—" if value is None else str(value)


def _directory(args: Namespace, ctx) -> int:  # noqa: ANN001
    if args.directory_command != "import":
        return _directory_list(args, ctx)
    from vpp_tui.services import directory, licensing
    from vpp_tui.services.directory.file import DirectoryFileError

    raw = read_file(args.file, MAX_DIRECTORY_FILE_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(_("{file} is not UTF-8 text; save it as UTF-8").format(
            file=args.file)) from exc
    try:
        # One service path with the console: import, reclaim from who left, serve waitlists.
        update = licensing.import_and_reclaim(
            ctx, text, filename=args.file, kind=args.kind,
            allow_mass_removal=args.allow_mass_removal, max_removal_percent=args.max_removal)
    except DirectoryFileError as exc:
        # Every bad record on its own line, so the admin fixes the file in one pass.
        for problem in exc.problems:
            sys.stderr.write(f"error: {problem}\n")
        raise
    except directory.MassRemoval as exc:
        raise BadInput(_("{file}: would remove {what}; nothing was imported; check the file, "
                         "or pass --allow-mass-removal").format(
            file=args.file, what=directory.describe_removals(exc.removals, exc.limit))) from exc
    if args.json:
        print_json({"file": args.file, **update.as_json()})
    else:
        _print_update(args.file, update)
    if update.error:
        raise CommandFailed(_("imported, but some licenses of departed members were not "
                              "reclaimed: {why}; they stay pending and the next import "
                              "tries again").format(why=update.error))
    return EXIT_OK


def _print_update(file: str, update: licensing.DirectoryUpdate) -> None:
    result = update.imported
    print(_("imported {file}: {summary}").format(file=file, summary=result.summary()))
    for d in result.departures[:20]:
        print(_("  departed: {member} — {reason}").format(member=d.member, reason=d.reason))
    if len(result.departures) > 20:
        print(_("  … and {n} more").format(n=len(result.departures) - 20))
    for r in update.reclaims:
        print(_("  reclaimed {n} licenses of {item} ({token}){served}").format(
            n=r.reclaimed, item=r.item, token=r.token,
            served=_(", {a} given to the waitlist").format(a=len(r.admitted))
            if r.admitted else ""))


def run_apps(args: Namespace) -> int:
    return guarded(_apps, args)


def run_directory(args: Namespace) -> int:
    return guarded(_directory, args)


COMMANDS = {"apps": run_apps, "directory": run_directory}
