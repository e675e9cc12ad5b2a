"""One directory user, device or group, opened by Enter from its Directory tab.

The facts come from `services.directory.details` in a thread worker. From a user or a
device, `r` revokes its licenses through the one license path (`LicenseFlow`: plan,
review screen, job with a bar and the cancel key); books stay with their users and the
review says so. `c` copies a user's invitation link with OSC 52. A group's members are
paged in SQL (`n`/`p`). The screen follows the store like a section: when a job changes
the ledger or the directory it reads its facts again. `esc` returns to the Directory with
its cursor where it was (refused while a job of this screen runs: its bar lives here).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from vpp_tui.domain.access import Permission
from vpp_tui.domain.labels import member_kind_label
from vpp_tui.i18n import N_, _
from vpp_tui.services import licensing
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.directory import details as service
from vpp_tui.ui.access import allowed_action
from vpp_tui.ui.commands import Command, Section, bindings
from vpp_tui.ui.errors import ReportsWorkerErrors
from vpp_tui.ui.format import rows_range
from vpp_tui.ui.messages import DirectoryChanged, LedgerChanged, StoreChanged
from vpp_tui.ui.screens.directory import tables
from vpp_tui.ui.sections.base import section_by_mode
from vpp_tui.ui.sections.job_runner import JOB_COMMANDS, RunsJobs
from vpp_tui.ui.sections.license_flow import LicenseFlow, license_spec
from vpp_tui.ui.widgets.footer import Footer
from vpp_tui.ui.widgets.job_bar import JobBar
from vpp_tui.ui.widgets.row_table import RowTable

KINDS = ("user", "device", "group")

DETAILS_COMMANDS = (
    Command("directory.details.close", "escape", "close", N_("back"),
            N_("Back to the Directory, the cursor where it was"), key_display="esc"),
    Command("directory.details.revoke", "r", "revoke", N_("revoke licenses"),
            N_("Revoke every license of this user or device (review first; books stay)")),
    Command("directory.details.copy", "c", "copy_invitation", N_("copy invitation"),
            N_("Copy the user's invitation link to the clipboard (OSC 52)")),
    Command("directory.details.next", "n", "page(1)", N_("next members"),
            N_("Show the next members of the group")),
    Command("directory.details.previous", "p", "page(-1)", N_("previous members"),
            N_("Show the previous members of the group")),
) + JOB_COMMANDS

# (table id, heading) per kind, in the order they are shown
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "user": (("licenses", N_("Licenses held")), ("apple", N_("Apple user per location")),
             ("devices", N_("Devices (primary user)"))),
    "device": (("licenses", N_("Licenses held")),
               ("prompts", N_("What the device shows, per assigned item"))),
    "group": (("assignments", N_("Assignments")), ("members", N_("Members"))),
}
TALL = {"members": 20, "prompts": 8, "licenses": 8}  # rows shown before the page scrolls


def kind_title(kind: str) -> str:
    return member_kind_label(kind)


class DirectoryDetailsScreen(RunsJobs, LicenseFlow, ReportsWorkerErrors, Screen[None]):
    """`kind` user | device | group, `key` its UPN, serial or name; `page_size` the
    members shown per page (the Directory's)."""

    BINDINGS = bindings(DETAILS_COMMANDS)
    FOLLOWS: ClassVar[tuple[type[StoreChanged], ...]] = (LedgerChanged, DirectoryChanged)
    DEFAULT_CSS = """
    DirectoryDetailsScreen #details-body { height: 1fr; padding: 0 1; }
    DirectoryDetailsScreen #details-facts { height: auto; margin-top: 1; }
    DirectoryDetailsScreen #details-body DataTable { height: auto; }
    """

    def __init__(self, kind: str, key: str, *, page_size: int = 200) -> None:
        super().__init__(id="directory-details")
        assert kind in KINDS
        self.kind, self.member, self.page_size = kind, key, page_size
        self.details: service.UserDetails | service.DeviceDetails | service.GroupDetails \
            | None = None
        self.member_offset = 0
        self._seq = 0

    @property
    def ctx(self) -> ServiceContext:
        return self.app.ctx  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{_('Directory')} › {kind_title(self.kind)} › {self.member}"),
                     id="details-title", classes="section-status")
        yield JobBar(id="job-progress")
        with VerticalScroll(id="details-body"):
            yield Static(_("Loading…"), id="details-facts")
            for table_id, heading in SECTIONS[self.kind]:
                yield Static(_(heading), id=f"heading-{table_id}", classes="subheading")
                # Members scroll with the cursor keys; the other tables are short.
                yield RowTable(id=f"details-{table_id}", zebra_stripes=True,
                                cursor_type="row" if table_id == "members" else "none")
        yield Footer()

    # Loading ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.app.live_sections.add(self)  # type: ignore[attr-defined]
        # The arrow and page keys scroll the details (a group: its members).
        self.query_one("#details-members" if self.kind == "group" else "#details-body").focus()
        self.load()

    def on_unmount(self) -> None:
        self.app.live_sections.discard(self)  # type: ignore[attr-defined]

    @on(StoreChanged)
    def _store_changed(self, message: StoreChanged) -> None:
        if isinstance(message, self.FOLLOWS):
            self.load()

    def load(self) -> None:
        self._seq += 1
        seq, kind, key, offset = self._seq, self.kind, self.member, self.member_offset

        def work_() -> None:
            if kind == "user":
                found: object = service.user_details(self.ctx, key)
            elif kind == "device":
                found = service.device_details(self.ctx, key)
            else:
                found = service.group_details(self.ctx, key, offset=offset,
                                              limit=self.page_size)
            self.app.call_from_thread(self._show, seq, found)

        self.run_worker(work_, group="directory-details", thread=True, exit_on_error=False)

    def _show(self, seq: int, found) -> None:  # noqa: ANN001
        if seq != self._seq or not self.is_mounted:
            return
        self.details = found
        facts, built = {
            "user": lambda: (tables.user_facts(found), {
                "licenses": tables.licenses_table(found.licenses),
                "apple": tables.apple_users_table(found),
                "devices": tables.user_devices_table(found)}),
            "device": lambda: (tables.device_facts(found), {
                "licenses": tables.licenses_table(found.licenses),
                "prompts": tables.prompts_table(found)}),
            "group": lambda: (tables.group_facts(found), {
                "assignments": tables.assignments_table(found),
                "members": tables.members_table(found)}),
        }[self.kind]()
        self.query_one("#details-facts", Static).update(facts)
        for table_id, heading in SECTIONS[self.kind]:
            columns, rows, empty = built[table_id]
            title = self._heading(table_id, _(heading), len(rows))
            self.query_one(f"#heading-{table_id}", Static).update(
                title if rows else f"{title}: {empty}")
            self._fill(self.query_one(f"#details-{table_id}", DataTable), columns, rows,
                       TALL.get(table_id, 6))
        self.refresh_bindings()

    def _heading(self, table_id: str, heading: str, count: int) -> str:
        if table_id != "members" or not isinstance(self.details, service.GroupDetails):
            return f"{heading} ({count})"
        page = self.details.members
        keys = _(" · n next, p previous") if page.total > self.page_size else ""
        return f"{heading} · {rows_range(page.offset, len(page.rows), page.total)}{keys}"

    @staticmethod
    def _fill(table: DataTable, columns: tuple[str, ...], rows: list, tall: int) -> None:
        table.clear(columns=True)
        table.add_columns(*columns)
        for row in rows:
            table.add_row(*row)
        # Sized from the rows: an auto-height table measured before its rows stays wrong.
        table.styles.height = min(len(rows), tall) + 1
        table.display = bool(rows)

    @property
    def section(self) -> Section:
        return section_by_mode("directory")

    def about(self) -> str:
        """One paragraph for the help screen."""
        return {
            "user": _("One user: identity, groups, the licenses held in your scope, the "
                      "Apple user at each location and its invitation link (c copies it). "
                      "r revokes the user's app licenses after a review; books stay."),
            "device": _("One device: its facts, the licenses it holds in your scope, and "
                        "what it shows for each item assigned to it. r revokes its "
                        "licenses after a review."),
            "group": _("One group: the assignments that target it and its members, a page "
                       "at a time (n, p)."),
        }[self.kind]

    # Keys ---------------------------------------------------------------------------

    def commands(self) -> tuple[Command, ...]:
        """The commands of this kind of details, for the palette."""
        hidden = {"user": ("page",), "device": ("page", "copy_invitation"),
                  "group": ("revoke", "copy_invitation")}[self.kind]
        return tuple(c for c in DETAILS_COMMANDS if c.action.split("(")[0] not in hidden)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        details = self.details
        if action == "close":
            return None if self.job is not None else True
        if action == "revoke":
            if self.kind == "group":
                return False
            held = getattr(details, "licenses", ())
            if not held or self.job is not None:
                return None
            return allowed_action(self.app.access, Permission.APPS_REVOKE_HOLDER)  # type: ignore[attr-defined]
        if action == "copy_invitation":
            if self.kind != "user":
                return False
            return True if isinstance(details, service.UserDetails) and details.invitation \
                else None
        if action == "page":
            if self.kind != "group":
                return False
            if not isinstance(details, service.GroupDetails) or not parameters:
                return None
            offset = self.member_offset + int(parameters[0]) * self.page_size  # type: ignore[call-overload]
            return True if 0 <= offset < details.members.total else None
        return super().check_action(action, parameters)

    def action_close(self) -> None:
        if self.job is None:
            self.dismiss(None)

    def action_page(self, step: int) -> None:
        details = self.details
        if not isinstance(details, service.GroupDetails):
            return
        offset = self.member_offset + step * self.page_size
        if 0 <= offset < details.members.total:
            self.member_offset = offset
            self.load()

    def action_copy_invitation(self) -> None:
        details = self.details
        if not isinstance(details, service.UserDetails) or not details.invitation:
            return
        self.app.copy_to_clipboard(details.invitation)
        self.notify(_("The invitation link of {upn} is on the clipboard (OSC 52; a terminal "
                      "that does not support it copies nothing).").format(upn=details.upn),
                    title=_("Invitation link copied"))

    def action_revoke(self) -> None:
        if self.kind == "group" or self.check_action("revoke", ()) is not True:
            return
        who = self.member
        target = {"user": who} if self.kind == "user" else {"device": who}
        self.license_change(
            license_spec("license.revoke", f"{self.kind}:{who}",
                         _("Revoke the licenses of {who}").format(who=who)),
            lambda: licensing.plan_revoke(self.ctx, **target),
            lambda ctx, _progress: licensing.apply_revoke(ctx, **target),
            _("{who}: licenses revoked").format(who=who))
