"""The console's text field: blinks unless the app says not to (snapshots turn it off)."""

from __future__ import annotations

from textual.widgets import Input

from vpp_tui.i18n import _
from vpp_tui.store.text_match import FILTER_LIMIT


class TextField(Input):
    def on_mount(self) -> None:
        self.cursor_blink = getattr(self.app, "cursor_blink", True)


class FilterField(TextField):
    """A section's filter box (`/`): holds at most `store.text_match.FILTER_LIMIT`
    characters, the longest filter a query reads. A key press or paste that would make it
    longer is refused whole (Textual's `Input.max_length`: the box is left as it was) with
    one line saying why, never a traceback from the query."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("max_length", FILTER_LIMIT)
        super().__init__(*args, **kwargs)

    def restricted(self) -> None:
        self.notify(_("A filter holds at most {limit} characters; nothing was added: type "
                      "a shorter part of the name or text").format(limit=self.max_length),
                    severity="warning", timeout=6)
