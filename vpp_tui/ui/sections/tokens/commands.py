"""The Tokens section's commands: one declaration each, for keys, footer, palette, help."""

from __future__ import annotations

from vpp_tui.i18n import N_
from vpp_tui.ui.commands import Command

TOKENS_COMMANDS = (
    Command("tokens.add", "a", "add", N_("add"),
            N_("Add a token from a .vpptoken file (a 4-step wizard)")),
    Command("tokens.renew", "r", "renew", N_("renew"),
            N_("Upload a new file into the selected token: apps and assignments stay")),
    Command("tokens.sync", "s", "sync", N_("sync"),
            N_("Sync the selected token's apps, books and licenses now")),
    Command("tokens.sync_all", "S", "sync_all", N_("sync all"), N_("Sync every token now")),
    Command("tokens.edit", "e", "edit", N_("edit"),
            N_("Change country/region, account type, automatic updates, scope tags")),
    Command("tokens.take_control", "c", "take_control", N_("take control"),
            N_("Manage a location another MDM holds (that MDM stops managing it)")),
    Command("tokens.delete", "delete", "delete", N_("delete"),
            N_("Delete the selected token with its apps and assignments (licenses stay)"),
            key_display="del"),
    Command("tokens.revoke_delete", "D", "revoke_and_delete", N_("revoke all, delete"),
            N_("Revoke every license of the selected token at Apple, then delete it"),
            show=False),
    Command("tokens.details", "enter", "details", N_("details"),
            N_("All of the selected token's fields and its sync history")),
    Command("tokens.timeline", "t", "timeline", N_("expiry timeline"),
            N_("When each token expires and the days its expiry notices come"), show=False),
    Command("tokens.attention", "n", "toggle_attention", N_("attention only"),
            N_("Show only the tokens that need attention, or all of them"), show=False),
    Command("tokens.filter", "slash", "filter", N_("filter"),
            N_("Filter by name, location, state, Apple ID or country"), key_display="/",
            show=False),
    Command("tokens.clear", "escape", "clear_filter", N_("clear filter"),
            N_("Clear the filter and show every token"), show=False, key_display="esc"),
)
