"""The small assign form: item (from Assignments), group, intent, license type.

Nothing is decided here: the choice goes to `plan_assign`, and the review screen says
what it would do (a rule the choice breaks is shown there as a refusal).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from vpp_tui.i18n import _
from vpp_tui.services.catalog import AssetView
from vpp_tui.services.catalog.queries import GroupView
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.widgets.choice import Choice

FORM_COMMANDS = (
    Command("assign.review", "enter", "review", _("review"),
            _("Show what the assignment would do before anything is sent")),
    Command("assign.cancel", "escape", "cancel", _("cancel"), _("Close without assigning"),
            key_display="esc"),
)


@dataclass(frozen=True)
class AssignChoice:
    item: AssetView
    group: str
    intent: str
    license_type: str


def intents() -> tuple[tuple[str, str], ...]:
    return (("required", _("Required")), ("available", _("Available")),
            ("uninstall", _("Uninstall")))


def default_license(item: AssetView) -> str:
    return "device" if item.device_assignable and item.product_type != "book" else "user"


class AssignForm(ModalScreen[AssignChoice | None]):
    BINDINGS = bindings(FORM_COMMANDS)
    DEFAULT_CSS = """
    #assign-box OptionList { height: 8; }
    #assign-items { height: 6; }
    #assign-keys { margin-top: 1; text-align: right; color: $text-muted; }
    """

    def __init__(self, groups: list[GroupView], *, item: AssetView | None = None,
                 items: list[AssetView] | None = None) -> None:
        super().__init__(classes="assign-form")
        self.groups = groups
        self.item = item
        self.items = items or ([item] if item else [])

    def compose(self) -> ComposeResult:
        with Vertical(id="assign-box", classes="dialog") as box:
            box.border_title = (_('Assign "{item}" ({token})').format(
                item=self.item.name, token=self.item.token) if self.item else _("Assign"))
            if self.item is None:
                yield Label(_("Item"))
                yield OptionList(*(Option(f"{a.name} · {a.token}", id=str(i))
                                   for i, a in enumerate(self.items)), id="assign-items")
            yield Label(_("Group"))
            yield OptionList(*(Option(f"{g.name} · {g.kind} · {g.members}", id=g.name)
                               for g in self.groups), id="assign-groups")
            yield Label(_("Intent"))
            yield Choice(intents(), "required", id="assign-intent")
            yield Label(_("License type"))
            first = self.item or (self.items[0] if self.items else None)
            yield Choice((("device", _("device")), ("user", _("user"))),
                         default_license(first) if first else "user", id="assign-license")
            yield Static("", id="assign-note", classes="form-note")
            yield Static(_("tab next field   esc cancel   enter review"), id="assign-keys")

    def on_mount(self) -> None:
        for list_ in self.query(OptionList):
            if list_.option_count:
                list_.highlighted = 0
        self.query(OptionList).first().focus()
        self._note()

    @property
    def chosen_item(self) -> AssetView | None:
        if self.item is not None:
            return self.item
        index = self.query_one("#assign-items", OptionList).highlighted
        return self.items[index] if index is not None and self.items else None

    @on(OptionList.OptionHighlighted, "#assign-items")
    def _item_changed(self) -> None:
        item = self.chosen_item
        if item is not None:
            self.query_one("#assign-license", Choice).set_value(default_license(item))
        self._note()

    def _note(self) -> None:
        item = self.chosen_item
        note = ""
        if item is not None and item.product_type == "book":
            note = _("Books take user licensing and user groups only, and a book license can "
                     "never be reclaimed.")
        elif item is not None and not item.device_assignable:
            note = _("This app is not device-assignable: use user licensing.")
        self.query_one("#assign-note", Static).update(note)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "assign-items":
            self.query_one("#assign-groups", OptionList).focus()
        else:
            self.action_review()

    def action_review(self) -> None:
        item = self.chosen_item
        index = self.query_one("#assign-groups", OptionList).highlighted
        if item is None or index is None or not self.groups:
            return
        self.dismiss(AssignChoice(item, self.groups[index].name,
                                  self.query_one("#assign-intent", Choice).value,
                                  self.query_one("#assign-license", Choice).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class IntentForm(ModalScreen[str | None]):
    """Change an assignment's intent; the review that follows says what it does."""

    BINDINGS = bindings(FORM_COMMANDS)

    def __init__(self, title: str, intent: str) -> None:
        super().__init__(classes="intent-form")
        self._title = title
        self._intent = intent

    def compose(self) -> ComposeResult:
        with Vertical(id="intent-box", classes="dialog") as box:
            box.border_title = self._title
            yield Label(_("Intent"))
            yield Choice(intents(), self._intent, id="intent-choice")
            yield Static(_("Uninstall reclaims the licenses and removes the app from "
                           "iOS/iPadOS devices; macOS keeps the app."), classes="form-note")
            yield Static(_("space pick   esc cancel   enter review"), classes="form-note")

    def on_mount(self) -> None:
        self.query_one(Choice).focus()

    def action_review(self) -> None:
        self.dismiss(self.query_one(Choice).value)

    def action_cancel(self) -> None:
        self.dismiss(None)
