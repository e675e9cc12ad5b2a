"""How one token reads as a table row, and the diff that refreshes the table in place."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from vpp_tui.domain.labels import token_state_label
from vpp_tui.i18n import _, shown
from vpp_tui.services.views import TokenView
from vpp_tui.ui.format import ago, day, days_left
from vpp_tui.ui.widgets import table as table_rows


def columns() -> tuple[tuple[str, str], ...]:
    return (
        ("state", _("State")), ("name", _("Name")), ("location", _("Location")),
        ("expires", _("Expires")), ("sync", _("Last sync")), ("apple_id", _("Apple ID")),
        ("apps", _("Apps")), ("books", _("Books")), ("country", _("Country")),
        ("account", _("Account")), ("auto", _("Auto-update")),
    )


# Marker and colour per state: the shape carries the meaning without colour too.
_BADGES = {
    "valid": ("✓", "green"),
    "expiring_soon": ("▲", "yellow"),
    "expired": ("●", "red"),
    "invalid": ("●", "red"),
    "duplicate": ("●", "magenta"),
    "assigned_to_external_mdm": ("●", "red"),
}


def badge(view: TokenView) -> Text:
    mark, colour = _BADGES.get(view.state, ("?", ""))
    text = Text(f"{mark} ", style=f"bold {colour}")
    text.append(token_state_label(view.state), style=colour)  # the CLI's label too
    if view.state == "invalid":
        text.append(f": {view.state_reason}", style=colour)
    elif view.state == "expiring_soon":
        text.append(" " + days_left(view.days_left), style=colour)
    return text


def last_sync(view: TokenView, now: datetime) -> Text:
    if view.state == "assigned_to_external_mdm":
        return Text(_("— {mdm} holds it").format(mdm=shown(view.external_mdm_name)), style="dim")
    if view.state == "duplicate" and not view.can_sync:
        return Text(_("paused"), style="magenta")
    if view.last_sync_status == "failed":
        return Text(_("failed {when}").format(when=ago(view.last_sync_at, now)), style="red")
    if view.last_sync_status == "interrupted":
        # Stopped on our side, not Apple's: the data is as old as the last sync.
        return Text(_("interrupted"), style="yellow")
    if view.last_sync_status == "in_progress":
        return Text(_("syncing…"), style="cyan")
    if view.last_sync_at is None:
        return Text(_("never"), style="dim")
    return Text(_("{when} ✓").format(when=ago(view.last_sync_at, now)))


def cells(view: TokenView, now: datetime) -> tuple[object, ...]:
    expires = Text(f"{day(view.expires_at)} ")
    expires.append(days_left(view.days_left),
                   style="red" if view.days_left < 0 else "yellow" if view.needs_attention
                   and view.state == "expiring_soon" else "dim")
    return (
        badge(view), view.name, view.location_name or "—", expires, last_sync(view, now),
        view.apple_id,
        Text(str(view.app_count), justify="right"), Text(str(view.book_count), justify="right"),
        view.country, view.account_type,
        _("on") if view.auto_update else _("off"),
    )


def show(table: DataTable, views: list[TokenView], now: datetime) -> None:
    """Refresh in place (dolphie's diff): the selection survives and little repaints."""
    keys = [key for key, _label in columns()]
    table_rows.update(table, [(v.name, cells(v, now)) for v in views], keys)
