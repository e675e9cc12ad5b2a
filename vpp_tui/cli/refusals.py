"""Every refused input is audited, in one place for every command: its action and target.

A command's input refused by a service (InvalidInput: an unknown group, a bad setting
value, a notification URL that is not HTTPS) is one `error:` line, exit 2, and one audit
entry with result "refused" (design: "Refuse first, then log"). The action is the one the
command audits when it succeeds (`setting.set`, `token.notifications`), else
`<command>.<action>`; the target is the object the command names.
"""

from __future__ import annotations

from argparse import Namespace

from vpp_tui.services import refusals
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.leases import BREAK_ACTION

# (command, its ACTION or None) -> the action the command audits when it succeeds.
ACTIONS = {
    ("token", "add"): "token.add", ("token", "set"): "token.set",
    ("token", "renew"): "token.renew", ("token", "delete"): "token.delete",
    ("token", "take-control"): "token.take_control", ("sync", None): "token.sync",
    ("assign", None): "assignment.create", ("unassign", None): "assignment.delete",
    ("revoke", None): "license.revoke", ("directory", "import"): "directory.import",
    ("settings", "set"): "setting.set", ("settings", "reset"): "setting.set",
    ("role", "create"): "role.create", ("role", "delete"): "role.delete",
    ("grant", None): "grant.create", ("revoke-grant", None): "grant.delete",
    ("scope-tag", "create"): "scope_tag.create", ("scope-tag", "delete"): "scope_tag.delete",
    ("jobs", "cancel"): "job.cancel", ("key", "rotate"): "key.rotate",
}
# The arguments naming a command's object, in the order looked for.
TARGETS = ("name", "names", "item", "item_option", "break_lease", "group", "user", "device",
           "key", "role", "admin", "id", "file", "token")


def subcommand(args: Namespace) -> str | None:
    """The command's ACTION (`token set` -> "set"), or None for a command without one."""
    for name, value in vars(args).items():
        if name.endswith("_command") and isinstance(value, str):
            return value
    return None


def refusal_action(args: Namespace) -> str:
    """The audit action of a refusal of `args`' command: `token set --notification-url`
    -> "token.notifications", `settings set` -> "setting.set", `apps list` -> "apps.list"."""
    sub = subcommand(args)
    if (args.command, sub) == ("token", "set"):
        return refusals.token_settings_action(getattr(args, "notification_url", None))
    if args.command == "sync" and getattr(args, "break_lease", None) is not None:
        return BREAK_ACTION  # as its success is audited
    found = ACTIONS.get((args.command, sub))
    if found:
        return found
    parts = [args.command, sub] if sub else [args.command]
    return ".".join(p.replace("-", "_") for p in parts)


def refusal_target(args: Namespace) -> str:
    """The object `args` names (the first of TARGETS given), "" when none; the audit log
    clips it to its column (`audit.record`)."""
    for name in TARGETS:
        value = getattr(args, name, None)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value not in (None, ""):
            return str(value)
    return ""


def audit_refusal(ctx: ServiceContext, args: Namespace, error: Exception) -> None:
    """Audit `error` (an InvalidInput, or the CLI's BadInput) refusing `args`' command,
    its message stored in English; skipped when it was audited already (`audited`: by the
    service, `tokens.gate.refuse`, or here on its way out). The rule:
    `services.refusals.audit_refusal`, shared with the console."""
    refusals.audit_refusal(ctx, refusal_action(args), refusal_target(args), error)
