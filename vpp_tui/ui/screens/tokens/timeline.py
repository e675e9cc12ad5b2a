"""The tokens' expiry timeline (key t in Tokens): when each token expires and on which
days its expiry notices come (domain.notices: Jamf's cadence)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from vpp_tui.i18n import N_, _
from vpp_tui.services.views import TokenView
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.widgets.charts import ExpiryTimeline

TIMELINE_COMMANDS = (
    Command("timeline.close", "escape,t", "dismiss", N_("close"), N_("Close the timeline"),
            key_display="esc"),
)


class ExpiryTimelineScreen(ModalScreen[None]):
    BINDINGS = bindings(TIMELINE_COMMANDS)
    DEFAULT_CSS = """
    #timeline-box { height: 90%; }
    #timeline-box #timeline-note { height: auto; color: $text-muted; }
    """

    def __init__(self, views: list[TokenView], first_day: int) -> None:
        super().__init__(id="expiry-timeline")
        self.views = views
        self.first_day = first_day

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-box", classes="dialog wide") as box:
            box.border_title = _("Token expiry timeline")
            box.border_subtitle = _("esc close")
            yield Static(_("Notices come {first} days before expiry, then weekly, then daily "
                           "in the last week (setting expiring_soon_days).").format(
                first=self.first_day), id="timeline-note")
            yield ExpiryTimeline(self.views, self.first_day, id="timeline-chart")
