"""The Tokens section's commands: one declaration each, for keys, footer, palette, help."""

from __future__ import annotations

from vpp_tui.i18n import _
from vpp_tui.ui.commands import Command

TOKENS_COMMANDS = (
    Command("tokens.add", "a", "add", _("add"),
            _("Add a token from a .vpptoken file (a 4-step wizard)")),
    Command("tokens.renew", "r", "renew", _("renew"),
            _("Upload a new file into the selected token: apps and assignments stay")),
    Command("tokens.sync", "s", "sync", _("sync"),
            _("Sync the selected token's apps, books and licenses now")),
    Command("tokens.sync_all", "S", "sync_all", _("sync all"), _("Sync every token now")),
    Command("tokens.edit", "e", "edit", _("edit"),
            _("Change country/region, account type, automatic updates, scope tags")),
    Command("tokens.take_control", "c", "take_control", _("take control"),
            _("Manage a location another MDM holds (that MDM stops managing it)")),
    Command("tokens.delete", "delete", "delete", _("delete"),
            _("Delete the selected token with its apps and assignments (licenses stay)"),
            key_display="del"),
    Command("tokens.revoke_delete", "D", "revoke_and_delete", _("revoke all, delete"),
            _("Revoke every license of the selected token at Apple, then delete it"),
            show=False),
    Command("tokens.details", "enter", "details", _("details"),
            _("All of the selected token's fields and its sync history")),
    Command("tokens.timeline", "t", "timeline", _("expiry timeline"),
            _("When each token expires and the days its expiry notices come"), show=False),
    Command("tokens.attention", "n", "toggle_attention", _("attention only"),
            _("Show only the tokens that need attention, or all of them"), show=False),
    Command("tokens.filter", "slash", "filter", _("filter"),
            _("Filter by name, location, state, Apple ID or country"), key_display="/",
            show=False),
    Command("tokens.clear", "escape", "clear_filter", _("clear filter"),
            _("Clear the filter and show every token"), show=False, key_display="esc"),
)
