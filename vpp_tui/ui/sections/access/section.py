"""Access: who may do what. Three tabs: Roles (built-in or custom, with permissions),
Admins (each grant: admin, role, scope tags) and Scope tags (with how many tokens carry
each).

Visible to admins holding `roles.read`; every change needs `roles.manage` and is greyed
without it. A change goes form → review (what will change, in words, from
`services.access.review`) → y saves it in a worker, which posts `AccessChanged` so every
section greys its actions anew. A refusal (AccessDenied, InvalidInput, NotFound) is one
line under the tables, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from vpp_tui.domain.access import describe_permissions, parse_permissions
from vpp_tui.i18n import N_, _
from vpp_tui.services.access import admin
from vpp_tui.services.access.admin import AdminView, RoleView, ScopeTagView
from vpp_tui.services.errors import ServiceError
from vpp_tui.ui.access import ACCESS_ACTIONS, allowed_action
from vpp_tui.ui.commands import REFRESH, Command, bindings
from vpp_tui.ui.messages import AccessChanged, TokensChanged
from vpp_tui.ui.refusals import refusal_of, shown_refusal
from vpp_tui.ui.sections.base import SectionScreen
from vpp_tui.ui.widgets import table as table_rows
from vpp_tui.ui.widgets.row_table import RowTable
from vpp_tui.ui.widgets.table import row_under_cursor

# The forms (Textual's SelectionList), the reviews and the confirm dialog are imported when
# a change is first asked for: a first visit only reads (issue 13).
if TYPE_CHECKING:
    from vpp_tui.services.access import review
    from vpp_tui.ui.sections.access.forms import GrantChoice, RoleChoice, TagChoice

ACCESS_COMMANDS = (
    Command("access.new_role", "n", "new_role", N_("new role"),
            N_("Create a custom role: name it and tick its permissions; review, then save")),
    Command("access.grant", "g", "grant", N_("grant"),
            N_("Give a role to an admin over scope tags or every scope (review first)")),
    Command("access.revoke_grant", "r", "revoke_grant", N_("revoke grant"),
            N_("Take the selected grant away from its admin (review first)")),
    Command("access.new_tag", "t", "new_tag", N_("new scope tag"),
            N_("Create a scope tag to split tokens between teams (review first)")),
    Command("access.delete", "delete", "delete", N_("delete"),
            N_("Delete the selected custom role or scope tag, or revoke the selected grant "
              "(review first)"), key_display="del"),
    REFRESH,
)

TABS = ("roles", "admins", "tags")


@dataclass
class AccessLoaded(Message):
    """What the section shows, read in a worker; `refused`: why nothing could be read."""

    roles: list[RoleView]
    admins: list[AdminView]
    tags: list[ScopeTagView]
    refused: str = ""


@dataclass(frozen=True)
class GrantRow:
    """One row of the Admins tab: one grant."""

    key: str
    admin: str
    role: str
    scope: str
    owner: bool


def grant_rows(admins: list[AdminView]) -> list[GrantRow]:
    """One row per grant: (admin, role) is its key."""
    return [GrantRow(f"{a.admin}\t{g.role}", a.admin, g.role,
                     _("every scope") if g.all_scopes else ", ".join(g.scope_tags), a.owner)
            for a in admins for g in a.grants]


def _kind(role: RoleView) -> Text:
    return Text(_("built-in"), style="dim") if role.built_in else Text(_("custom"),
                                                                       style="cyan")


class AccessSection(SectionScreen):
    """Roles, Admins and Scope tags tabs; changes reviewed before they are saved."""

    MODE = "access"
    COMMANDS_LIST = ACCESS_COMMANDS
    BINDINGS = bindings(ACCESS_COMMANDS)
    FOLLOWS = (AccessChanged, TokensChanged)
    AUTO_FOCUS = "#access-roles"
    DEFAULT_CSS = """
    #access-tabs { height: 1fr; }
    #access-tabs TabPane { padding: 0; }
    #access-panel { height: 4; padding: 0 1; border-top: solid $panel-lighten-2; }
    #access-message { height: auto; padding: 0 1; color: $error; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.roles: list[RoleView] = []
        self.grants: list[GrantRow] = []
        self.tags: list[ScopeTagView] = []
        self.readable = True

    def about(self) -> str:
        return _("Who may do what: roles (built-in or custom) and their permissions, the "
                 "grants that give roles to admins over scope tags, and the scope tags that "
                 "split tokens between teams. Reading needs Roles read; every change needs "
                 "Roles manage and is reviewed before it is saved.")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Access"), id="access-status", classes="section-status")
        with TabbedContent(id="access-tabs"):
            for tab, title in zip(TABS, (_("Roles"), _("Admins"), _("Scope tags")),
                                  strict=True):
                with TabPane(title, id=f"tab-{tab}"):
                    yield RowTable(id=f"access-{tab}", cursor_type="row", zebra_stripes=True)
        yield Static("", id="access-panel")
        yield Static("", id="access-message")

    def on_mount(self) -> None:
        labels = {"roles": (_("Role"), _("Kind"), _("Permissions")),
                  "admins": (_("Admin"), _("Role"), _("Scope tags"), _("Owner")),
                  "tags": (_("Scope tag"), _("Description"), _("Tokens"), _("Grants"))}
        for tab in TABS:
            table = self.query_one(f"#access-{tab}", DataTable)
            for index, label in enumerate(labels[tab]):
                table.add_column(label, key=str(index))
        self.reload()

    @property
    def tab(self) -> str:
        active = self.query_one(TabbedContent).active or "tab-roles"
        return active.removeprefix("tab-")

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="access-load")
    def _load(self) -> None:
        try:
            seen = admin.access_overview(self.ctx)  # authorized once, one session
            loaded = AccessLoaded(seen.roles, seen.admins, seen.tags)
        except ServiceError as exc:
            loaded = AccessLoaded([], [], [], refused=str(exc))
        self.post_message(loaded)

    @on(AccessLoaded)
    def _show(self, message: AccessLoaded) -> None:
        self.roles, self.tags = message.roles, message.tags
        self.grants = grant_rows(message.admins)
        self.readable = not message.refused
        with self.app.batch_update():
            table_rows.update(self.query_one("#access-roles", DataTable), [
                (r.name, (r.name, _kind(r), ", ".join(r.permissions)))
                for r in self.roles], ["0", "1", "2"])
            table_rows.update(self.query_one("#access-admins", DataTable), [
                (g.key, (g.admin, g.role, g.scope, _("owner") if g.owner else ""))
                for g in self.grants], ["0", "1", "2", "3"])
            table_rows.update(self.query_one("#access-tags", DataTable), [
                (t.name, (t.name, t.description or "—", Text(str(t.tokens), justify="right"),
                          Text(str(t.grants), justify="right"))) for t in self.tags],
                ["0", "1", "2", "3"])
        status = self.query_one("#access-status", Static)
        if message.refused:
            status.update(_("Access · you may not see roles and grants"))
            self.query_one("#access-message", Static).update(message.refused)
        else:
            status.update(_("Access · {r} roles · {g} grants · {t} scope tags").format(
                r=len(self.roles), g=len(self.grants), t=len(self.tags)))
        self._explain()
        self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self._explain()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def _explain(self) -> None:
        """The selected row in full: a role's permissions, a grant's scope, a tag's use."""
        panel = self.query_one("#access-panel", Static)
        row = self.selected(self.tab)
        if row is None:
            panel.update("")
        elif isinstance(row, RoleView):
            panel.update(_("[b]{name}[/b] ({kind}) · {what} · held by {admins}").format(
                name=escape(row.name), kind=_("built-in") if row.built_in else _("custom"),
                what=escape(describe_permissions(parse_permissions(row.permissions))),
                admins=escape(", ".join(row.admins)) or _("nobody")))
        elif isinstance(row, GrantRow):
            panel.update(_("[b]{admin}[/b] holds {role} on {scope}{owner}").format(
                admin=escape(row.admin), role=escape(row.role), scope=escape(row.scope),
                owner=_(" · owner of this store") if row.owner else ""))
        else:
            panel.update(_("[b]{name}[/b] · {about} · carried by {n} tokens, named by {g} "
                           "grants").format(name=escape(row.name),
                                            about=escape(row.description or "—"),
                                            n=row.tokens, g=row.grants))

    # Selection and greying ------------------------------------------------------------

    def selected(self, tab: str) -> Any:
        rows: list[Any] = {"roles": self.roles, "admins": self.grants, "tags": self.tags}[tab]
        return row_under_cursor(self.query_one(f"#access-{tab}", DataTable), rows)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ACCESS_ACTIONS and self.is_mounted:
            if not self.readable:
                return None
            if action == "revoke_grant" and (self.tab != "admins"
                                             or self.selected("admins") is None):
                return None
            if action == "delete":
                row = self.selected(self.tab)
                if row is None or (self.tab == "roles" and row.built_in):
                    return None
        return allowed_action(self.access, ACCESS_ACTIONS.get(action))

    # Form → review → save -------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.query_one("#access-message", Static).update(text)

    def _run(self, call: Callable[[], Any], then: Callable[[Any], None],
             refusal: tuple[str, str]) -> None:
        """`call()` in a worker; its result to `then`, a refusal as the one-line message,
        a refused input audited first as `refusal` (action, target) says."""
        def work_() -> None:
            try:
                result = call()
            except ServiceError as exc:
                if refusal_of(exc) is not None:  # on this worker's thread
                    shown_refusal(self, *refusal, exc)
                self.app.call_from_thread(self._refused, str(exc))
                return
            self.app.call_from_thread(then, result)

        self.run_worker(work_, thread=True, group="access-change", exit_on_error=False)

    def _refused(self, text: str) -> None:
        self._say(text)
        self.notify(text, title=_("Not saved"), severity="error", timeout=10)
        self.app.store_changed("audit")  # refusals are audited  # type: ignore[attr-defined]

    def change(self, plan: Callable[[], review.AccessReview], save: Callable[[], object],
               done: str, refusal: tuple[str, str]) -> None:
        """Review what `save` will do (`plan`), then on y save it; `done` is the toast;
        `refusal`: the action and target a refused input is audited as (the CLI's)."""
        from vpp_tui.ui.screens.confirm import ConfirmScreen

        self._say("")

        def reviewed(r: review.AccessReview) -> None:
            def answered(yes: bool | None) -> None:
                if yes:
                    self._run(save, lambda _result: self._saved(done), refusal)

            self.app.push_screen(ConfirmScreen(r.title, r.text, yes=_("Save")), answered)

        self._run(plan, reviewed, refusal)

    def _saved(self, done: str) -> None:
        self.notify(done, title=_("Access"), timeout=10)
        self.app.store_changed("access")  # type: ignore[attr-defined]

    def action_new_role(self) -> None:
        from vpp_tui.services.access import review
        from vpp_tui.ui.sections.access.forms import RoleForm

        def chosen(c: RoleChoice | None) -> None:
            if c is not None:
                self.change(
                    lambda: review.review_create_role(self.ctx, c.name, c.permissions,
                                                      c.description),
                    lambda: admin.create_role(self.ctx, c.name, c.permissions, c.description),
                    _("Role {name} created").format(name=c.name), ("role.create", c.name))

        self.app.push_screen(RoleForm(), chosen)

    def action_grant(self) -> None:
        from vpp_tui.services.access import review
        from vpp_tui.ui.sections.access.forms import GrantForm

        row = self.selected("admins") if self.tab == "admins" else None

        def chosen(c: GrantChoice | None) -> None:
            if c is not None:
                self.change(
                    lambda: review.review_grant(self.ctx, c.admin, c.role, c.scope_tags,
                                                all_scopes=c.all_scopes),
                    lambda: admin.grant(self.ctx, c.admin, c.role, c.scope_tags,
                                        all_scopes=c.all_scopes),
                    _("{admin} now holds {role}").format(admin=c.admin, role=c.role),
                    ("grant.create", c.role))

        self.app.push_screen(GrantForm([r.name for r in self.roles],
                                       [t.name for t in self.tags],
                                       row.admin if row is not None else ""), chosen)

    def action_revoke_grant(self) -> None:
        from vpp_tui.services.access import review

        row = self.selected("admins")
        if row is None:
            return
        self.change(lambda: review.review_revoke_grant(self.ctx, row.admin, row.role),
                    lambda: admin.revoke_grant(self.ctx, row.admin, row.role),
                    _("{admin} no longer holds {role}").format(admin=row.admin,
                                                               role=row.role),
                    ("grant.delete", row.role))

    def action_new_tag(self) -> None:
        from vpp_tui.services.access import review
        from vpp_tui.ui.sections.access.forms import TagForm

        def chosen(c: TagChoice | None) -> None:
            if c is not None:
                self.change(
                    lambda: review.review_create_scope_tag(self.ctx, c.name, c.description),
                    lambda: admin.create_scope_tag(self.ctx, c.name, c.description),
                    _("Scope tag {name} created").format(name=c.name),
                    ("scope_tag.create", c.name))

        self.app.push_screen(TagForm(), chosen)

    def action_delete(self) -> None:
        from vpp_tui.services.access import review

        tab = self.tab
        row = self.selected(tab)
        if row is None:
            return
        if tab == "admins":
            self.action_revoke_grant()
        elif tab == "roles":
            self.change(lambda: review.review_delete_role(self.ctx, row.name),
                        lambda: admin.delete_role(self.ctx, row.name),
                        _("Role {name} deleted").format(name=row.name),
                        ("role.delete", row.name))
        else:
            self.change(lambda: review.review_delete_scope_tag(self.ctx, row.name),
                        lambda: admin.delete_scope_tag(self.ctx, row.name),
                        _("Scope tag {name} deleted").format(name=row.name),
                        ("scope_tag.delete", row.name))
