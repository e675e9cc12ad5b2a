"""A row of radio buttons with a value, leaving `enter` to the dialog or screen."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.widgets import RadioButton, RadioSet


class Choice(RadioSet, inherit_bindings=False):
    """One of a few values; arrows move, space picks."""

    BINDINGS = [
        Binding("down,right", "next_button", show=False, id="choice.next"),
        Binding("up,left", "previous_button", show=False, id="choice.previous"),
        Binding("space", "toggle_button", show=False, id="choice.toggle"),
    ]
    DEFAULT_CSS = """
    Choice { layout: horizontal; height: auto; width: auto; border: none; padding: 0; }
    Choice:focus { border: none; }
    Choice RadioButton { width: auto; margin-right: 2; }
    """

    def __init__(self, options: Sequence[tuple[str, str]], value: str, *,
                 id: str | None = None, disabled: bool = False) -> None:  # noqa: A002
        self._values = [v for v, _label in options]
        self._initial = value
        self._chosen: str | None = None
        super().__init__(*(RadioButton(label, v == value) for v, label in options),
                         id=id, disabled=disabled)

    @property
    def value(self) -> str:
        if self._chosen is not None:
            return self._chosen
        index = self.pressed_index
        return self._values[index] if index >= 0 else self._initial

    @property
    def offered(self) -> tuple[str, ...]:
        """The values shown, in order."""
        buttons = self._buttons() or [None] * len(self._values)
        return tuple(v for v, button in zip(self._values, buttons, strict=True)
                     if button is None or not button.disabled)

    def _buttons(self) -> list[RadioButton]:
        return list(self.query(RadioButton))

    def set_value(self, value: str) -> None:
        """Press the button of `value` (no-op for a value not offered)."""
        buttons = self._buttons()
        if value in self._values and not buttons[self._values.index(value)].disabled:
            self._chosen = value
            buttons[self._values.index(value)].value = True

    def offer(self, values: Sequence[str]) -> None:
        """Show only the buttons of `values`; when the pressed value is no longer offered,
        the first offered one is pressed instead."""
        buttons = self._buttons()
        if len(buttons) != len(self._values):  # not mounted yet: nothing to hide
            return
        for v, button in zip(self._values, buttons, strict=True):
            button.display = v in values
            button.disabled = v not in values
        if self.value not in values and values:
            self.set_value(next(v for v in self._values if v in values))

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._chosen = self._values[event.index]
