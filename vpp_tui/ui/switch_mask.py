"""The console's section switch, painted as soon as the new section can be (issue 13).

Textual's `switch_mode` masks a switch with `delay_update()`: a batch (no frame painted)
that a 50 ms timer ends. Every section switch waited those 50 ms before its first frame: a
return to a built section took 56 ms for 12 ms of work. `SwitchMask`, mixed into the app
before Textual's `App`, ends the switch's batch once the new screen has handled its
ScreenResume (`SWITCH_MASK_FALLBACK` at most), so the first frame is the section whole,
never blank. A first visit's mask lasts until the section's first load has ended
(`SectionScreen.after_first_load`), `FIRST_VISIT_MASK` at most: painting its empty table
meanwhile delayed the load's thread (one interpreter lock) and cost a full frame more for
the same rows. Textual 8.2.8 (pinned); `set_timer` is never given 0 (its Timer divides by
the interval).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import AwaitMount

from vpp_tui.ui.sections.base import SectionScreen


class SwitchMask:
    """Mixed into the App (before `textual.app.App`): `switch_mode` and `delay_update`."""

    #: the longest a switch is masked if the new screen never handles its resume
    SWITCH_MASK_FALLBACK = 0.5
    #: the longest a first visit waits for its first rows before painting the section
    FIRST_VISIT_MASK = 0.1
    _end_switch_mask: Callable[[], None] | None = None

    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual's switch to section `mode`, its mask ended as the module says."""
        self._end_switch_mask = None
        first = mode not in self._screen_stacks
        self._switching = True
        try:
            mounted = super().switch_mode(mode)  # type: ignore[misc]
        finally:
            self._switching = False
        end, self._end_switch_mask = self._end_switch_mask, None
        if end is None:
            return mounted
        # Queued behind the ScreenResume `switch_mode` posted to the new screen (and, on a
        # first visit, behind its compose and mount, which come first).
        screen = self.screen
        if first and isinstance(screen, SectionScreen):
            screen.call_later(screen.after_first_load, end)
            self.set_timer(self.FIRST_VISIT_MASK, lambda: screen.call_later(end),
                           name="first_visit_mask")
        else:
            screen.call_later(end)
        return mounted

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual's `delay_update(delay)` (seconds), except inside `switch_mode`: there
        the batch ends when `switch_mode` says (`SWITCH_MASK_FALLBACK` at most)."""
        if not getattr(self, "_switching", False):
            super().delay_update(delay)  # type: ignore[misc]
            return
        self._begin_batch()
        ended = False

        def end() -> None:
            nonlocal ended
            if ended:
                return
            ended = True
            fallback.stop()
            self._end_batch()
            if not self._batch_count:
                self.screen.refresh()

        fallback = self.set_timer(self.SWITCH_MASK_FALLBACK, end, name="switch_mask")
        self._end_switch_mask = end
