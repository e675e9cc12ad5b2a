"""`vpp-tui role|grant|revoke-grant|admins|scope-tag`: who may do what (issue 10)."""

from __future__ import annotations

from argparse import Namespace

from vpp_tui.cli.commands.common import guarded
from vpp_tui.cli.output import EXIT_OK, print_json, table
from vpp_tui.i18n import _
from vpp_tui.services.access import admin


def _role(args: Namespace, ctx) -> int:  # noqa: ANN001
    action = args.role_command
    if action == "list":
        roles = admin.list_roles(ctx)
        if args.json:
            print_json([r.as_json() for r in roles])
        else:
            print(table([[r.name, _("built-in") if r.built_in else _("custom"),
                          str(len(r.permissions)), ", ".join(r.admins) or "—"] for r in roles],
                        [_("ROLE"), _("KIND"), _("PERMISSIONS"), _("ADMINS")]))
        return EXIT_OK
    if action == "show":
        role = admin.get_role(ctx, args.name)
        if args.json:
            print_json(role.as_json())
        else:
            print(f"{role.name} — {role.description or '—'}")
            for p in role.permissions:
                print(f"  {p}")
            print(_("admins: {names}").format(names=", ".join(role.admins) or "—"))
        return EXIT_OK
    if action == "create":
        role = admin.create_role(ctx, args.name, args.permission,
                                 description=args.description or "")
        if args.json:
            print_json(role.as_json())
        else:
            print(_("created role {name}: {perms}").format(
                name=role.name, perms=", ".join(role.permissions)))
        return EXIT_OK
    admin.delete_role(ctx, args.name)
    _done(args, {"role": args.name, "deleted": True}, _("deleted role {name}").format(
        name=args.name))
    return EXIT_OK


def _done(args: Namespace, document: dict, text: str) -> None:
    """What a change did: `document` with --json, else the sentence `text`."""
    if args.json:
        print_json(document)
    else:
        print(text)


def _grant(args: Namespace, ctx) -> int:  # noqa: ANN001
    view = admin.grant(ctx, args.admin, args.role, args.scope_tag, all_scopes=args.all_scopes)
    if args.json:
        print_json({"admin": view.admin, **view.as_json()})
    else:
        scope = _("every scope") if view.all_scopes else ", ".join(view.scope_tags)
        print(_("granted {role} to {admin} over {scope}").format(
            role=view.role, admin=view.admin, scope=scope))
    return EXIT_OK


def _revoke_grant(args: Namespace, ctx) -> int:  # noqa: ANN001
    admin.revoke_grant(ctx, args.admin, args.role)
    _done(args, {"admin": args.admin, "role": args.role, "revoked": True},
          _("{admin} no longer holds {role}").format(admin=args.admin, role=args.role))
    return EXIT_OK


def _admins(args: Namespace, ctx) -> int:  # noqa: ANN001
    views = admin.list_admins(ctx)
    if args.json:
        print_json([v.as_json() for v in views])
        return EXIT_OK
    rows = []
    for v in views:
        for g in v.grants:
            scope = _("every scope") if g.all_scopes else ", ".join(g.scope_tags)
            rows.append([v.admin + (" " + _("(owner)") if v.owner else ""), g.role, scope])
    print(table(rows, [_("ADMIN"), _("ROLE"), _("SCOPE")]))
    return EXIT_OK


def _scope_tag(args: Namespace, ctx) -> int:  # noqa: ANN001
    action = args.scope_tag_command
    if action == "list":
        tags = admin.list_scope_tags(ctx)
        if args.json:
            print_json([t.as_json() for t in tags])
        else:
            print(table([[t.name, str(t.tokens), str(t.grants), t.description] for t in tags],
                        [_("SCOPE TAG"), _("TOKENS"), _("GRANTS"), _("DESCRIPTION")]))
        return EXIT_OK
    if action == "create":
        view = admin.create_scope_tag(ctx, args.name, args.description or "")
        _done(args, view.as_json(), _("created scope tag {name}").format(name=args.name))
        return EXIT_OK
    admin.delete_scope_tag(ctx, args.name)
    _done(args, {"scope_tag": args.name, "deleted": True},
          _("deleted scope tag {name}").format(name=args.name))
    return EXIT_OK


COMMANDS = {
    "role": lambda args: guarded(_role, args),
    "grant": lambda args: guarded(_grant, args),
    "revoke-grant": lambda args: guarded(_revoke_grant, args),
    "admins": lambda args: guarded(_admins, args),
    "scope-tag": lambda args: guarded(_scope_tag, args),
}
