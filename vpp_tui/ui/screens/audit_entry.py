"""One audit entry in full: every field, the Detail whole and wrapped, Apple's eventId.

Values are shown as plain text (rich `Text`, never markup): a detail quoting Apple or a
file name with `[brackets]` reads exactly as it was recorded.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from vpp_tui.i18n import N_, _, shown
from vpp_tui.services.audit import AuditRecord
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.format import when

ENTRY_COMMANDS = (
    Command("entry.close", "escape,enter", "dismiss", N_("close"), N_("Close the entry"),
            key_display="esc"),
)


def entry_fields(entry: AuditRecord) -> list[tuple[str, str]]:
    """(label, value) of every field of `entry`, in reading order; "—" for none."""
    return [
        (_("When"), when(entry.at)),
        (_("Who"), entry.actor),
        (_("Action"), entry.action),
        (_("Target"), entry.target or "—"),
        (_("Result"), entry.result),
        (_("Apple eventId"), entry.apple_event_id or "—"),
        (_("Apple event status"), entry.apple_event_status or "—"),
        (_("Detail"), shown(entry.detail) or "—"),  # stored English, shown translated
    ]


def entry_text(entry: AuditRecord) -> Text:
    """The entry as plain text: a bold label per field, its value below, wrapped."""
    text = Text()
    for index, (label, value) in enumerate(entry_fields(entry)):
        if index:
            text.append("\n")
        text.append(label, style="bold")
        text.append("\n")
        text.append(value)
        text.append("\n")
    return text


class AuditEntryScreen(ModalScreen[None]):
    """The selected Activity entry, whole; esc or enter closes it."""

    BINDINGS = bindings(ENTRY_COMMANDS)
    DEFAULT_CSS = """
    #entry-box VerticalScroll { height: auto; max-height: 30; }
    """

    def __init__(self, entry: AuditRecord) -> None:
        super().__init__(id="audit-entry")
        self.entry = entry

    def compose(self) -> ComposeResult:
        with Vertical(id="entry-box", classes="dialog wide") as box:
            box.border_title = _("Activity entry {id}").format(id=self.entry.id)
            box.border_subtitle = _("esc close")
            with VerticalScroll():
                yield Static(entry_text(self.entry), id="entry-fields")
