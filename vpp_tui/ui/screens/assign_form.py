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

from vpp_tui.domain.labels import edition_label
from vpp_tui.domain.licensing import (
    AssignOptions,
    GroupKind,
    Intent,
    Item,
    LicenseType,
    ProductType,
    assignment_options,
)
from vpp_tui.i18n import N_, _, ngettext
from vpp_tui.services.catalog import AssetView
from vpp_tui.services.catalog.queries import GroupView
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.widgets.choice import Choice

FORM_COMMANDS = (
    Command("assign.review", "enter", "review", N_("review"),
            N_("Show what the assignment would do before anything is sent")),
    Command("assign.cancel", "escape", "cancel", N_("cancel"), N_("Close without assigning"),
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


def domain_item(view: AssetView) -> Item:
    """The facts of a catalog row the assignment rules look at."""
    return Item(adam_id=view.adam_id, product_type=ProductType(view.product_type),
                pricing_param=view.pricing_param, device_assignable=view.device_assignable,
                revocable=view.revocable, name=view.name)


def options_for(view: AssetView | None, group_kind: str | None = None) -> AssignOptions:
    """What the form may offer for the item (and group kind): `assignment_options`."""
    if view is None:
        return AssignOptions(tuple(GroupKind), tuple(Intent), tuple(LicenseType))
    return assignment_options(domain_item(view),
                              GroupKind(group_kind) if group_kind else None)


def item_label(view: AssetView) -> str:
    """An item in a list: the edition too where two editions may share the name."""
    if view.product_type == "book" or view.pricing_param != "STDQ":
        return f"{view.name} · {edition_label(view.pricing_param)} · {view.token}"
    return f"{view.name} · {view.token}"


def group_label(group: GroupView) -> str:
    members = ngettext("{n} member", "{n} members", group.members).format(n=group.members)
    return f"{group.name} · {group.kind} · {members}"


class AssignForm(ModalScreen[AssignChoice | None]):
    """Item (unless given), group, intent, license type: only what the item and the group
    allow is offered (`domain.licensing.assignment_options`). Enter moves to the next
    field; on License type it opens the review. `initial` restores a choice (esc on the
    review returns here with it)."""

    BINDINGS = bindings(FORM_COMMANDS)
    DEFAULT_CSS = """
    #assign-box { max-height: 100%; }
    #assign-box OptionList { height: auto; max-height: 8; }
    #assign-items { height: auto; max-height: 6; }
    """

    def __init__(self, groups: list[GroupView], *, item: AssetView | None = None,
                 items: list[AssetView] | None = None,
                 initial: AssignChoice | None = None) -> None:
        super().__init__(classes="assign-form")
        self.all_groups = groups
        self.item = item
        self.items = items or ([item] if item else [])
        self.initial = initial
        self.groups: list[GroupView] = list(groups)
        self._shown_item: AssetView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="assign-box", classes="dialog") as box:
            box.border_title = (_('Assign "{item}" ({token})').format(
                item=self.item.name if self.item.product_type != "book"
                and self.item.pricing_param == "STDQ"
                else f"{self.item.name} · {edition_label(self.item.pricing_param)}",
                token=self.item.token) if self.item else _("Assign"))
            if self.item is None:
                yield Label(_("Item"))
                yield OptionList(*(Option(item_label(a), id=str(i))
                                   for i, a in enumerate(self.items)), id="assign-items")
            yield Label(_("Group"))
            yield OptionList(id="assign-groups")
            yield Label(_("Intent"))
            yield Choice(intents(), "required", id="assign-intent")
            yield Label(_("License type"))
            first = self.item or (self.items[0] if self.items else None)
            yield Choice((("device", _("device")), ("user", _("user"))),
                         default_license(first) if first else "user", id="assign-license")
            yield Static("", id="assign-note", classes="form-note")
            box.border_subtitle = _("tab/enter next · esc cancel · enter on License type: "
                                    "review")

    def on_mount(self) -> None:
        start = self.initial
        if start is not None and self.item is None and start.item in self.items:
            self.query_one("#assign-items", OptionList).highlighted = \
                self.items.index(start.item)
        elif self.item is None and self.items:
            self.query_one("#assign-items", OptionList).highlighted = 0
        self._fill_groups(start.group if start else None)
        if start is not None:
            self.query_one("#assign-intent", Choice).set_value(start.intent)
            self.query_one("#assign-license", Choice).set_value(start.license_type)
        self._shown_item = self.chosen_item
        self.query(OptionList).first().focus()
        self._note()

    @property
    def chosen_item(self) -> AssetView | None:
        if self.item is not None:
            return self.item
        index = self.query_one("#assign-items", OptionList).highlighted
        return self.items[index] if index is not None and self.items else None

    @property
    def chosen_group(self) -> GroupView | None:
        index = self.query_one("#assign-groups", OptionList).highlighted
        return self.groups[index] if index is not None and self.groups else None

    def _fill_groups(self, keep: str | None = None) -> None:
        """The groups the chosen item may be assigned to (books: user groups only)."""
        kinds = {str(k) for k in options_for(self.chosen_item).group_kinds}
        current = self.chosen_group if keep is None else None
        keep = keep or (current.name if current else None)
        self.groups = [g for g in self.all_groups if g.kind in kinds]
        box = self.query_one("#assign-groups", OptionList)
        box.clear_options()
        box.add_options([Option(group_label(g), id=g.name) for g in self.groups])
        names = [g.name for g in self.groups]
        if self.groups:
            box.highlighted = names.index(keep) if keep in names else 0
        self._offer()

    def _offer(self) -> None:
        group = self.chosen_group
        allowed = options_for(self.chosen_item, group.kind if group else None)
        self.query_one("#assign-intent", Choice).offer([str(i) for i in allowed.intents])
        self.query_one("#assign-license", Choice).offer(
            [str(t) for t in allowed.license_types])

    @on(OptionList.OptionHighlighted, "#assign-items")
    def _item_changed(self) -> None:
        item = self.chosen_item
        if item is self._shown_item:  # the highlight set on mount: keep the values
            return
        self._shown_item = item
        if item is not None:
            self._fill_groups()
            self.query_one("#assign-license", Choice).set_value(default_license(item))
        self._note()

    @on(OptionList.OptionHighlighted, "#assign-groups")
    def _group_changed(self) -> None:
        self._offer()

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
        # Enter on a list moves on, like tab: the review comes after License type.
        event.stop()
        if event.option_list.id == "assign-items":
            self.query_one("#assign-groups", OptionList).focus()
        else:
            self.query_one("#assign-intent", Choice).focus()

    def action_review(self) -> None:
        if self.focused is self.query_one("#assign-intent", Choice):
            self.query_one("#assign-license", Choice).focus()
            return
        item, group = self.chosen_item, self.chosen_group
        if item is None or group is None:
            return
        self.dismiss(AssignChoice(item, group.name,
                                  self.query_one("#assign-intent", Choice).value,
                                  self.query_one("#assign-license", Choice).value))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def again(self, choice: AssignChoice) -> AssignForm:
        """The same form, filled with `choice` (esc on its review comes back here)."""
        return AssignForm(self.all_groups, item=self.item,
                          items=None if self.item else self.items, initial=choice)


class IntentForm(ModalScreen[str | None]):
    """Change an assignment's intent; the review that follows says what it does."""

    BINDINGS = bindings(FORM_COMMANDS)

    def __init__(self, title: str, intent: str,
                 offered: tuple[str, ...] | None = None) -> None:
        super().__init__(classes="intent-form")
        self._title = title
        self._intent = intent
        self._offered = offered  # None: every intent (`assignment_options` narrows it)

    def compose(self) -> ComposeResult:
        with Vertical(id="intent-box", classes="dialog") as box:
            box.border_title = self._title
            yield Label(_("Intent"))
            yield Choice(intents(), self._intent, id="intent-choice")
            if self._offered is None or "uninstall" in self._offered:
                yield Static(_("Uninstall reclaims the licenses and removes the app from "
                               "iOS/iPadOS devices; macOS keeps the app."),
                             classes="form-note")
            yield Static(_("space pick   esc cancel   enter review"), classes="form-note")

    def on_mount(self) -> None:
        if self._offered is not None:
            self.query_one(Choice).offer(self._offered)
        self.query_one(Choice).focus()

    def action_review(self) -> None:
        self.dismiss(self.query_one(Choice).value)

    def action_cancel(self) -> None:
        self.dismiss(None)
