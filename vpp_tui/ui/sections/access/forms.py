"""The Access section's forms: a custom role (permissions from a checklist), a grant
(admin, role, scope tags or every scope), a scope tag. Each returns plain values; the
section reviews them with `services.access.review` before anything is saved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList, Static

from vpp_tui.domain.access import FAMILY_TITLES, Permission
from vpp_tui.i18n import N_, _
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.widgets.choice import Choice
from vpp_tui.ui.widgets.choices import SpaceCheckbox
from vpp_tui.ui.widgets.inputs import TextField

FORM_COMMANDS = (
    Command("access_form.save", "ctrl+s", "save", N_("review"),
            N_("Review the change before it is saved"), key_display="ctrl+s"),
    Command("access_form.cancel", "escape", "cancel", N_("cancel"), N_("Close; nothing changes"),
            key_display="esc"),
)
KEYS_NOTE = N_("tab moves · space ticks · ctrl+s (or enter in a field) reviews · esc cancels")


@dataclass(frozen=True)
class RoleChoice:
    """A role form's values: name, description, permission values (`family.action`)."""

    name: str
    description: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class GrantChoice:
    """A grant form's values: the admin's login, the role, ticked tags, every scope."""

    admin: str
    role: str
    scope_tags: tuple[str, ...]
    all_scopes: bool


@dataclass(frozen=True)
class TagChoice:
    """A scope tag form's values."""

    name: str
    description: str


class _Form(ModalScreen[object]):
    BINDINGS = bindings(FORM_COMMANDS)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        raise NotImplementedError

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()


def permission_label(p: Permission) -> str:
    """`Mobile apps: assign  (mobile_apps.assign)`: a checklist line."""
    family, action = p.value.split(".", 1)
    return f"{_(FAMILY_TITLES[family])}: {action.replace('_', ' ')}  ({p.value})"


class RoleForm(_Form):
    """A custom role: name, description, permissions ticked from every Permission."""

    def compose(self) -> ComposeResult:
        with Vertical(id="role-box", classes="dialog") as box:
            box.border_title = _("New custom role")
            yield Label(_("Name"))
            yield TextField(placeholder=_("e.g. Library staff"), id="role-name")
            yield Label(_("Description (optional)"))
            yield TextField(id="role-description")
            yield Label(_("Permissions"))
            yield SelectionList[str](*((permission_label(p), p.value) for p in Permission),
                                     id="role-permissions")
            yield Static(_(KEYS_NOTE), classes="form-note")

    def action_save(self) -> None:
        self.dismiss(RoleChoice(self._value("#role-name"), self._value("#role-description"),
                                tuple(self.query_one(SelectionList).selected)))


class GrantForm(_Form):
    """Grant a role to an admin over ticked scope tags (none: the default scope) or every
    scope."""

    def __init__(self, roles: Sequence[str], tags: Sequence[str], admin: str = "") -> None:
        super().__init__()
        self._roles, self._tags, self._admin = list(roles), list(tags), admin

    def compose(self) -> ComposeResult:
        with Vertical(id="grant-box", classes="dialog wide") as box:
            box.border_title = _("Grant a role")
            yield Label(_("Admin (their OS login)"))
            yield TextField(self._admin, placeholder=_("e.g. nina"), id="grant-admin")
            yield Label(_("Role"))
            yield Choice([(r, r) for r in self._roles], self._roles[0] if self._roles else "",
                         id="grant-role")
            yield Label(_("Scope tags (none ticked: the default scope)"))
            yield SelectionList[str](*((t, t) for t in self._tags), id="grant-tags")
            yield SpaceCheckbox(_("Every scope (all tokens, now and later)"),
                                id="grant-all")
            yield Static(_(KEYS_NOTE), classes="form-note")

    def action_save(self) -> None:
        self.dismiss(GrantChoice(
            self._value("#grant-admin"), self.query_one("#grant-role", Choice).value,
            tuple(self.query_one("#grant-tags", SelectionList).selected),
            self.query_one("#grant-all", SpaceCheckbox).value))


class TagForm(_Form):
    """A new scope tag: name and description."""

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-box", classes="dialog") as box:
            box.border_title = _("New scope tag")
            yield Label(_("Name (no commas)"))
            yield TextField(placeholder=_("e.g. north"), id="tag-name")
            yield Label(_("Description (optional)"))
            yield TextField(id="tag-description")
            yield Static(_(KEYS_NOTE), classes="form-note")

    def action_save(self) -> None:
        self.dismiss(TagChoice(self._value("#tag-name"), self._value("#tag-description")))
