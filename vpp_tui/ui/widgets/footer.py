"""The footers: each key's description in the current language, rebuilt only when what it
shows changed.

Bindings are declared at import time (class attributes), so their descriptions are the
English msgids (`N_`); `Footer` translates them when it is composed, so a language chosen
later (Settings, a test) shows in the footer.

Textual's Footer recomposes (every key widget unmounted, mounted and styled again) each
time its screen's bindings are refreshed, and a section refreshes them whenever a row is
highlighted, a page arrives or the admin's access is read. At 3,000 tokens that rebuild
was most of a section switch, a page and a filter (issue 13); the keys themselves rarely
change, so `SectionFooter` rebuilds only when they (or the language) did.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from vpp_tui.i18n import _, current_language


class Footer(TextualFooter):
    """Textual's footer; descriptions and tooltips go through `_()` as they are drawn.

    `fit=True`: keys that would run past the footer's width (a narrow terminal, a longer
    language) are left out, greyed ones first, then from the right; the palette key
    stays, and every key still works (help and the palette list them all)."""

    def __init__(self, *args: object, fit: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fit = fit
        self.left_out: list[str] = []  # actions of the keys `fit_keys` hid (tests read it)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                if isinstance(widget.tooltip, str):
                    widget.tooltip = _(widget.tooltip)
                # A key starts compact (its reactive's default) and is then bound to the
                # footer's: each key was restyled twice as it mounted (issue 13, a fifth
                # of a first visit). It starts as it ends (the palette key is not bound).
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget
        if self.fit:
            self.call_after_refresh(self.fit_keys)

    def on_resize(self, event: events.Resize) -> None:
        # The first size is the one the keys were composed for (`compose` fits them once
        # they are laid out): rebuilding them for it cost a tenth of a first visit.
        first, self._width = getattr(self, "_width", 0) == 0, event.size.width
        if self.fit and not first:
            self.refresh(recompose=True)  # every key shown again, measured, then fitted

    def fit_keys(self, tries: int = 5) -> None:
        """Hide the keys that do not fit (see the class docstring); widths as laid out
        (tried again after the next refresh while the keys are not laid out yet)."""
        keys = [k for k in self.query(FooterKey) if not k.has_class("-command-palette")]
        if not self.is_attached or not keys:
            return
        if any(k.outer_size.width == 0 for k in keys if k.display):
            if tries > 0:
                self.call_after_refresh(self.fit_keys, tries - 1)
            return
        greyed = {b.action for _n, b, enabled, _t in self.screen.active_bindings.values()
                  if not enabled}
        room = self.size.width - sum(k.outer_size.width for k in self.query(FooterKey)
                                     if k.has_class("-command-palette"))
        widths = {id(k): k.outer_size.width + k.styles.margin.width for k in keys}
        used = sum(widths.values())
        drop = [k for k in keys if k.action in greyed] + [
            k for k in reversed(keys) if k.action not in greyed]
        self.left_out = []
        for key in drop:
            if used <= room:
                break
            key.display = False
            used -= widths[id(key)]
            self.left_out.append(key.action)


class SectionFooter(Footer):
    """A translating Footer that recomposes only when the shown keys, their labels or the
    language changed (`shown_keys`); when only whether keys are enabled changed, those
    keys are greyed or lit in place (`_enable_in_place`)."""

    _shown: tuple[object, ...] | None = None
    recomposed = 0  # how many times it rebuilt its keys (tests count them)

    def shown_keys(self) -> tuple[object, ...]:
        """What the footer paints, as a comparable tuple: the language, then (key, action,
        label, key display, enabled, tooltip) of each shown binding, in order."""
        return (current_language(), self.compact) + tuple(
            (key, binding.action, binding.description, binding.key_display, enabled,
             tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            if screen not in screen.app.screen_stack:
                # Another section is shown (a mode switch suspended this one): its keys
                # are compared again when it is shown (its resume refreshes the bindings).
                # Rebuilding them here was a fifth of every switch (issue 13).
                return
            if screen is not screen.app.screen:
                self._shown = None  # under a dialog: rebuilt every time, as Textual's is
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        try:
            shown = self.shown_keys()
        except NoMatches:  # its screen is being removed (a language switch rebuilds it)
            return
        if shown == self._shown:
            return
        before, self._shown = self._shown, shown
        if before is not None and self._enable_in_place(before, shown):
            return
        self.recomposed += 1
        await self.recompose()

    def _enable_in_place(self, before: tuple[object, ...], shown: tuple[object, ...]) -> bool:
        """Grey or light the keys whose enabled state alone changed; False (nothing done)
        when anything else changed, or when `fit_keys` left keys out (which ones depends
        on which are greyed). A section's first rows enable its row keys: rebuilding every
        key for that was a third of a first visit at scale (issue 13)."""
        def without_enabled(keys: tuple[object, ...]) -> tuple[object, ...]:
            return keys[:2] + tuple(k[:4] + k[5:] for k in keys[2:])  # type: ignore[index]

        if self.left_out or without_enabled(before) != without_enabled(shown):
            return False
        enabled = {k[0]: k[4] for k in shown[2:]}  # type: ignore[index]
        for key in self.query(FooterKey):
            if key.key in enabled:
                key._disabled = not enabled[key.key]  # noqa: SLF001  # read by mouse clicks
                key.set_class(not enabled[key.key], "-disabled")
        return True
