"""A readable error: what failed, Apple's or the store's message, what to do next."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from vpp_tui.i18n import N_, _
from vpp_tui.ui.commands import Command, bindings

ERROR_COMMANDS = (
    Command("error.close", "escape,enter", "dismiss", N_("close"), N_("Close this message"),
            key_display="esc"),
)


def describe(error: BaseException) -> str:
    """The one-line text services give their errors; the class name only when there is none."""
    text = str(error).strip()
    return text or type(error).__name__


class ErrorScreen(ModalScreen[None]):
    BINDINGS = bindings(ERROR_COMMANDS)

    def __init__(self, title: str, error: BaseException | str) -> None:
        super().__init__(classes="error")
        self._title = title
        self._text = error if isinstance(error, str) else describe(error)

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box", classes="dialog") as box:
            box.border_title = self._title
            box.border_subtitle = _("esc close")
            with VerticalScroll():
                yield Static(self._text, id="error-text", markup=False)
