"""A token's details: every field except the secret (only its masked hint), sync history."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from vpp_tui.domain.labels import owner_label, sync_status_label, token_state_label
from vpp_tui.domain.notices import ExpiryNotice
from vpp_tui.i18n import N_, _, ngettext
from vpp_tui.services.views import TokenDetails
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.format import day, when
from vpp_tui.ui.sections.tokens.rows import badge
from vpp_tui.ui.widgets.row_table import RowTable

DETAILS_COMMANDS = (
    Command("details.close", "escape,enter", "dismiss", N_("close"), N_("Close the details"),
            key_display="esc"),
)


def notice_field(notice: ExpiryNotice | None, first_day: int) -> str:
    """The Expiry notices field: the notice and when the next one comes (domain.notices)."""
    if notice is None:
        return _("none until {n} days before expiry").format(n=first_day)
    if notice.due_today:
        return _("{notice} · a notice is due today").format(notice=notice.text())
    return ngettext("{notice} · next notice in {n} day", "{notice} · next notice in {n} days",
                    notice.next_in).format(notice=notice.text(), n=notice.next_in)


def _fields(details: TokenDetails, notice: ExpiryNotice | None,
            first_day: int) -> list[tuple[str, str]]:
    t = details.token
    yes, no = _("yes"), _("no")
    return [
        (_("Name"), t.name),
        (_("State"), f"{token_state_label(t.state)} · {t.state_reason}"),
        (_("Organisation"), t.org_name),
        (_("Location"), f"{t.location_name or '—'} ({t.location_id or '—'})"),
        (_("Apple ID"), t.apple_id),
        (_("Expires"), f"{day(t.expires_at)} ({t.days_left} days)"),
        (_("Expiry notices"), notice_field(notice, first_day)),
        (_("Secret"), _("{hint} (encrypted at rest, never shown)").format(hint=t.secret_hint)),
        (_("Country/region"), t.country + (f" (Apple: {details.apple_country})"
                                           if details.apple_country else "")),
        (_("Account type"), t.account_type),
        (_("Automatic app updates"), yes if t.auto_update else no),
        (_("Take control from other MDM"), yes if details.take_control else no),
        (_("Held by another MDM"), owner_label(t.external_mdm_name, t.external_mdm_metadata)
         if t.external_mdm_name else no),
        (_("Scope tags"), ", ".join(t.scope_tags) or "—"),
        (_("Notification URL"), t.notification_url or _("none (vpp-tui token set NAME "
                                                         "--notification-url URL)")),
        (_("Apps / books"), f"{t.app_count} / {t.book_count}"),
        (_("Last sync"), (when(t.last_sync_at) + f" · {sync_status_label(t.last_sync_status)}")
         if t.last_sync_at else _("never")),
        (_("Last sync error"), t.last_sync_error or "—"),
        (_("Default platform"), details.default_platform or "—"),
        (_("Website"), details.website_url or "—"),
        (_("Claimed"), when(details.claimed_at) if details.claimed_at else "—"),
        (_("Added"), when(details.created_at)),
    ]


class TokenDetailsScreen(ModalScreen[None]):
    BINDINGS = bindings(DETAILS_COMMANDS)

    def __init__(self, details: TokenDetails, notice: ExpiryNotice | None = None,
                 first_day: int = 30) -> None:
        super().__init__(id="token-details")
        self.details = details
        self.notice = notice
        self.first_day = first_day

    def compose(self) -> ComposeResult:
        t = self.details.token
        with Vertical(id="details-box", classes="dialog wide") as box:
            box.border_title = _("Token {name}").format(name=t.name)
            box.border_subtitle = _("esc close")
            with VerticalScroll():
                yield Static(badge(t), id="details-state")
                yield Static(t.advice, id="details-advice")
                yield RowTable(id="details-fields", cursor_type="none", show_header=False)
                yield Static(_("Sync history (newest first)"), classes="subheading")
                yield RowTable(id="details-history", cursor_type="none")
                yield Static(_("Notifications received (newest first)"),
                             classes="subheading")
                yield RowTable(id="details-notifications", cursor_type="none")

    def on_mount(self) -> None:
        fields = self.query_one("#details-fields", DataTable)
        fields.add_columns(_("Field"), _("Value"))
        for label, value in _fields(self.details, self.notice, self.first_day):
            fields.add_row(label, value)
        history = self.query_one("#details-history", DataTable)
        history.add_columns(_("Started"), _("By"), _("Kind"), _("Result"), _("Requests"),
                            _("Items"), _("Assignments"), _("Users"), _("Error"))
        for run in self.details.history:
            history.add_row(when(run.started_at), run.actor,
                            _("full") if run.full else _("delta"), run.status,
                            str(run.requests), str(run.assets), str(run.assignments),
                            str(run.users), run.error or "")
        if not self.details.history:
            history.add_row(_("never synced"), "", "", "", "", "", "", "", "")
        seen = self.query_one("#details-notifications", DataTable)
        seen.add_columns(_("Received"), _("Type"), _("What it changed"))
        for n in self.details.notifications:
            seen.add_row(when(n.received_at), n.notification_type,
                         n.outcome if n.applied else _("waiting to be applied"))
        if not self.details.notifications:
            seen.add_row(_("none received"), "", "")
