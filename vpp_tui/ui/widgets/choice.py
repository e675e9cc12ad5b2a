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
        super().__init__(*(RadioButton(label, v == value) for v, label in options),
                         id=id, disabled=disabled)

    @property
    def value(self) -> str:
        index = self.pressed_index
        return self._values[index] if index >= 0 else self._initial

    def set_value(self, value: str) -> None:
        buttons = list(self.query(RadioButton))
        if value in self._values:
            buttons[self._values.index(value)].value = True
