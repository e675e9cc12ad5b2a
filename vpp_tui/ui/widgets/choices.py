"""Form controls that leave `enter` to the dialog (enter means next/save), space toggles."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Checkbox, RadioButton, RadioSet

from vpp_tui.i18n import N_, _


class SpaceCheckbox(Checkbox, inherit_bindings=False):
    BINDINGS = [Binding("space", "toggle_button", N_("toggle"), show=False,
                        id="checkbox.toggle")]


class AccountTypeChoice(RadioSet, inherit_bindings=False):
    """business / education; arrows move, space picks."""

    BINDINGS = [
        Binding("down,right", "next_button", show=False, id="choice.next"),
        Binding("up,left", "previous_button", show=False, id="choice.previous"),
        Binding("space", "toggle_button", show=False, id="choice.toggle"),
    ]
    DEFAULT_CSS = """
    AccountTypeChoice { layout: horizontal; height: auto; width: auto; }
    AccountTypeChoice RadioButton { width: auto; margin-right: 4; }
    """

    def __init__(self, value: str = "business", *, id: str | None = None) -> None:  # noqa: A002
        self._initial = value
        super().__init__(
            RadioButton(_("business"), value == "business", id="account-business"),
            RadioButton(_("education"), value == "education", id="account-education"),
            id=id,
        )

    @property
    def value(self) -> str:
        pressed = self.pressed_button
        if pressed is None:
            return self._initial
        return "education" if pressed.id == "account-education" else "business"
