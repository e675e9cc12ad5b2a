"""The footer, with each key's description in the current language.

Bindings are declared at import time (class attributes), so their descriptions are the
English msgids (`N_`); this footer translates them when it is composed, so a language
chosen later (Settings, a test) shows in the footer.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from vpp_tui.i18n import _


class Footer(TextualFooter):
    """Textual's footer; descriptions and tooltips go through `_()` as they are drawn."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                if isinstance(widget.tooltip, str):
                    widget.tooltip = _(widget.tooltip)
            yield widget
