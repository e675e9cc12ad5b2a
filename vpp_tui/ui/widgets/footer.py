"""The footer of every section: Textual's, rebuilt only when what it shows changed.

Textual's Footer recomposes (every key widget unmounted, mounted and styled again) each
time its screen's bindings are refreshed, and a section refreshes them whenever a row is
highlighted, a page arrives or the admin's access is read. At 3,000 tokens that rebuild
was most of a section switch, a page and a filter (issue 13); the keys themselves rarely
change.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class SectionFooter(Footer):
    """A Footer that recomposes only when the shown keys, their labels or whether each is
    enabled changed (`shown_keys`)."""

    _shown: tuple[object, ...] | None = None
    recomposed = 0  # how many times it rebuilt its keys (tests count them)

    def shown_keys(self) -> tuple[object, ...]:
        """What the footer paints, as a comparable tuple: (key, label, enabled) of each
        shown binding, in order."""
        return tuple(
            (key, binding.action, binding.description, binding.key_display, enabled,
             tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        shown = self.shown_keys()
        if shown == self._shown:
            return
        self._shown = shown
        self.recomposed += 1
        await self.recompose()
