"""The footers: each key's description in the current language, rebuilt only when what it
shows changed.

Bindings are declared at import time (class attributes), so their descriptions are the
English msgids (`N_`); `Footer` translates them when it is composed, so a language chosen
later (Settings, a test) shows in the footer.

Textual's Footer is composed empty and recomposes (every key widget unmounted, mounted
and styled again) each time its screen's bindings are refreshed, and a section refreshes
them whenever a row is highlighted, a page arrives or the admin's access is read. At 3,000
tokens that rebuild was most of a section switch, a page and a filter (issue 13); the keys
themselves rarely change, so `SectionFooter` composes its keys at once, and then greys,
lights, shows or hides them in place, rebuilding only when they (or the language) changed.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from vpp_tui.i18n import _, current_language

#: keys left out first when the footer is short of room (after greyed ones): the refresh
#: key (ctrl+r); the console also looks at the store on every return and every 15 s
SPARE_ACTIONS = frozenset({"refresh"})


class Footer(TextualFooter):
    """Textual's footer; descriptions and tooltips go through `_()` as they are drawn.

    `fit=True`: keys that would run past the footer's width (a narrow terminal, a longer
    language) are left out, greyed ones first, then SPARE_ACTIONS, then from the right;
    the palette key stays, and every key still works (help and the palette list them all)."""

    def __init__(self, *args: object, fit: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fit = fit
        self.left_out: list[str] = []  # actions of the keys `fit_keys` hid (tests read it)

    def compose(self) -> ComposeResult:
        for widget in self.compose_keys():
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

    def compose_keys(self) -> ComposeResult:
        """The key widgets as Textual's footer composes them (translated by `compose`)."""
        return super().compose()

    def wanted(self, key: FooterKey) -> bool:
        """Whether `key` is shown before `fit_keys` leaves keys out (all are, here)."""
        return True

    def on_resize(self, event: events.Resize) -> None:
        # The first size is the one the keys were composed for (`compose` fits them once
        # they are laid out): rebuilding them for it cost a tenth of a first visit.
        first, self._width = getattr(self, "_width", 0) == 0, event.size.width
        if self.fit and not first:
            self.refresh(recompose=True)  # every key shown again, measured, then fitted

    def fit_keys(self, tries: int = 5) -> None:
        """Hide the keys that do not fit (see the class docstring); widths as laid out
        (tried again after the next refresh while the keys are not laid out yet)."""
        keys = [k for k in self.query(FooterKey)
                if not k.has_class("-command-palette") and self.wanted(k)]
        if not self.is_attached or not keys:
            return
        for key in keys:
            key.display = True  # the keys left out before are measured again
        if not self.size.width or not any(k.outer_size.width for k in self.query(FooterKey)):
            if tries > 0:  # the footer is not laid out yet
                self.call_after_refresh(self.fit_keys, tries - 1)
            return
        greyed = {b.action for _n, b, enabled, _t in self.screen.active_bindings.values()
                  if not enabled}
        room = self.size.width - sum(self._key_width(k) for k in self.query(FooterKey)
                                     if k.has_class("-command-palette"))
        widths = {id(k): self._key_width(k) + k.styles.margin.width for k in keys}
        used = sum(widths.values())
        spare = SPARE_ACTIONS - greyed
        drop = [k for k in keys if k.action in greyed] + [
            k for k in keys if k.action in spare] + [
            k for k in reversed(keys) if k.action not in greyed | spare]
        self.left_out = []
        for key in drop:
            if used <= room:
                break
            key.display = False
            used -= widths[id(key)]
            self.left_out.append(key.action)


    def _key_width(self, key: FooterKey) -> int:
        """`key`'s width in cells: as laid out, or measured (a key shown since the last
        layout). Waiting for a layout to measure it cost a frame after a section's first
        rows, which show keys hidden until then (issue 13)."""
        if key.outer_size.width:
            return key.outer_size.width
        return key.get_content_width(self.size, self.app.size) + key.styles.gutter.width


class SectionKey(FooterKey):
    """A footer key whose new size never asks for a second layout.

    Textual sets a widget's virtual size after each layout as a layout reactive: a key
    shown or resized (a section's first rows light and show keys) asked for one more
    layout of the whole screen, a frame after the rows (issue 13). A key does not scroll
    and holds no widgets: its virtual size changes nothing else."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class FooterEntry(NamedTuple):
    """One key a `SectionFooter` may show: `shown` is False while its `check_action`
    answers False (Textual leaves such a key out; "next page" on the last page)."""

    key: str
    binding: Binding
    enabled: bool
    tooltip: str
    shown: bool


class SectionFooter(Footer):
    """A translating Footer composed with its keys (Textual's is composed empty and rebuilt
    after the first frame), also the keys hidden for now (`FooterEntry.shown`, not
    displayed). When only whether keys are enabled or shown changed, they are greyed, lit,
    shown or hidden in place (`_update_in_place`), and fitted again; it recomposes only
    when the keys, their labels or the language changed (`shown_keys`)."""

    _shown: tuple[object, ...] | None = None
    recomposed = 0  # how many times it rebuilt its keys (tests count them)

    def entries(self) -> list[FooterEntry] | None:
        """Every key of the screen's bindings with `show`, in the order Textual's footer
        shows them, each hidden one (its `check_action` is False, or a binding of the
        focused widget that is not shown takes its key) after the shown key that precedes
        it in the binding chain; the first per action. None for grouped bindings (then
        Textual's compose)."""
        screen = self.screen
        active = screen.active_bindings
        hidden: dict[str | None, list[FooterEntry]] = {}
        last: str | None = None
        seen: set[str] = set()
        for _namespace, bindings in screen._modal_binding_chain:  # noqa: SLF001
            for key, binding in bindings:
                if binding.group is not None and binding.show:
                    return None
                if not binding.show:
                    continue
                if key in active and active[key].binding is binding:
                    last = key
                elif key not in seen and not (key in active and active[key].binding.show):
                    seen.add(key)
                    hidden.setdefault(last, []).append(
                        FooterEntry(key, binding, False, binding.tooltip, False))
        shown = [FooterEntry(key, binding, enabled, tooltip, True)
                 for key, (_node, binding, enabled, tooltip) in active.items()
                 if binding.show]
        ordered = hidden.get(None, []) + [
            e for entry in shown for e in (entry, *hidden.get(entry.key, []))]
        actions: set[str] = set()
        return [e for e in ordered
                if not (e.binding.action in actions or actions.add(e.binding.action))]

    def shown_keys(self) -> tuple[object, ...]:
        """What the footer paints, as a comparable tuple: the language, compact, the
        palette key's state, then (key, action, label, key display, tooltip, enabled,
        shown) of each entry, in order (`entries`)."""
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        entries = self.entries()
        return (current_language(), self.compact, palette and palette.enabled) + (
            (None,) if entries is None else tuple(
                (e.key, e.binding.action, e.binding.description, e.binding.key_display,
                 e.tooltip, e.enabled, e.shown) for e in entries))

    def compose_keys(self) -> ComposeResult:
        try:
            entries = self.entries()
            self._shown = self.shown_keys()
        except NoMatches:
            entries = None
        if entries is None:
            self._shown = None
            yield from super().compose_keys()
            return
        for entry in entries:
            key = SectionKey(entry.key, self.app.get_key_display(entry.binding),
                            entry.binding.description, entry.binding.action,
                            disabled=not entry.enabled, tooltip=entry.tooltip)
            key.wanted = key.display = entry.shown  # type: ignore[attr-defined]
            yield key.data_bind(compact=Footer.compact)
        active = self.screen.active_bindings
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE \
                and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            yield SectionKey(binding.key, self.app.get_key_display(binding),
                            binding.description, binding.action, classes="-command-palette",
                            disabled=not enabled, tooltip=binding.tooltip or binding.description)

    def wanted(self, key: FooterKey) -> bool:
        return getattr(key, "wanted", True)

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
                return
            # Before the next frame, not after it (Textual's footer): keys greyed, lit,
            # shown or hidden with the rows that changed them, in the rows' frame; after
            # it, a section's first rows took one more frame (issue 13).
            self.call_later(self._recompose_if_changed)

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
        if before is not None and self._update_in_place(before, shown):
            return
        self.recomposed += 1
        await self.recompose()

    def _update_in_place(self, before: tuple[object, ...], shown: tuple[object, ...]) -> bool:
        """Grey, light, show or hide the keys whose enabled or shown state alone changed,
        then fit them again; False (nothing done) when anything else changed. A section's
        first rows enable its row keys and its first page shows "next page": rebuilding
        every key for that was a third of a first visit at scale (issue 13)."""
        def without_state(keys: tuple[object, ...]) -> tuple[object, ...]:
            return keys[:3] + tuple(k[:5] for k in keys[3:])  # type: ignore[index]

        if shown[3:4] == (None,) or without_state(before) != without_state(shown):
            return False
        state = {k[1]: k[5:] for k in shown[3:]}  # type: ignore[index]
        for key in self.query(FooterKey):
            if key.has_class("-command-palette") or key.action not in state:
                continue
            enabled, wanted = state[key.action]
            key._disabled = not enabled  # noqa: SLF001  # read by mouse clicks
            key.set_class(not enabled, "-disabled")
            key.wanted = wanted  # type: ignore[attr-defined]
            key.display = wanted
        if self.fit:
            self.left_out = []
            self.fit_keys()
        return True
