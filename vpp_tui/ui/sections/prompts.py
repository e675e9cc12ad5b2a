"""Prompts: what end users are asked when a volume-purchased app reaches their device.

The chooser and the matrix read `services.prompts` (which answers from the domain's
8-scenario table); the per-device lookup asks for one directory device and one item.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Input, Label, RadioSet, Static

from vpp_tui.domain.prompts import PromptResult
from vpp_tui.domain.text import pad_cells
from vpp_tui.i18n import N_, _
from vpp_tui.services import prompts
from vpp_tui.services.errors import ServiceError
from vpp_tui.ui.commands import REFRESH, Command, bindings
from vpp_tui.ui.format import yes_no
from vpp_tui.ui.messages import DirectoryChanged, LedgerChanged
from vpp_tui.ui.sections.base import SectionScreen
from vpp_tui.ui.widgets.choice import Choice
from vpp_tui.ui.widgets.choices import SpaceCheckbox
from vpp_tui.ui.widgets.inputs import TextField
from vpp_tui.ui.widgets.row_table import RowTable

PROMPTS_COMMANDS = (
    Command("prompts.lookup", "ctrl+d", "lookup", N_("per device"),
            N_("What one device is asked for one item: type its serial and the item")),
    Command("prompts.chooser", "ctrl+o", "chooser", N_("chooser"),
            N_("Back to the scenario chooser")),
    REFRESH,
)


def scenarios() -> tuple[tuple[int, str, dict], ...]:
    """The table's eight rows, as the chooser's settings."""
    return (
        (1, _("personal (BYOD), user licensed"), dict(ownership="personal", license="user")),
        (2, _("corporate, user licensed, unsupervised"),
         dict(ownership="corporate", license="user")),
        (3, _("corporate, user licensed, supervised"),
         dict(ownership="corporate", supervised=True, license="user")),
        (4, _("personal (BYOD), device licensed"),
         dict(ownership="personal", license="device")),
        (5, _("corporate, device licensed, unsupervised"),
         dict(ownership="corporate", license="device")),
        (6, _("corporate, device licensed, supervised"),
         dict(ownership="corporate", supervised=True, license="device")),
        (7, _("kiosk (supervised), device licensed"),
         dict(ownership="corporate", kiosk=True, license="device")),
        (8, _("kiosk (supervised), user licensed"),
         dict(ownership="corporate", kiosk=True, license="user")),
    )


def _yn(value: bool | None) -> Text:
    return Text(yes_no(value), style="bold green" if value else "dim" if value is None
                else "bold")


def answer_text(result) -> Text:  # noqa: ANN001 - a domain PromptResult
    text = Text()
    for label, value in ((_("Invite to Apple VPP"), result.invite_to_vpp),
                         (_("App install prompt"), result.app_install_prompt),
                         (_("Apple ID prompt"), result.apple_id_prompt)):
        text.append(pad_cells(label, 22))
        text.append_text(_yn(value))
        text.append("\n")
    if result.scenario:
        text.append(_("Scenario {n}. ").format(n=result.scenario), style="bold")
    text.append(result.explanation)
    if not result.shown_in_company_portal:
        text.append("\n" + _("Company Portal does not show it on this device."), style="dim")
    if result.warning:
        text.append(f"\n⚠ {result.warning}", style="bold yellow")
    return text


class PromptsSection(SectionScreen):
    MODE = "prompts"
    COMMANDS_LIST = PROMPTS_COMMANDS
    BINDINGS = bindings(PROMPTS_COMMANDS)
    AUTO_FOCUS = "#prompt-ownership"
    FOLLOWS = (DirectoryChanged, LedgerChanged)
    _looked_up: tuple[str, str] | None = None
    WORKER_ERROR_TITLES = {"prompts-device": N_("Cannot look up the device")}
    DEFAULT_CSS = """
    .prompts-chooser, #prompts-lookup { height: auto; padding: 0 1; }
    .prompts-chooser Label, #prompts-lookup Label { margin: 0 1 0 2; }
    .prompts-chooser SpaceCheckbox { border: none; padding: 0; margin-right: 2; }
    #prompts-answer { height: 7; padding: 0 1; margin-top: 1; }
    #prompts-matrix { height: 10; }
    #prompts-lookup TextField { width: 28; }
    #prompts-device { height: 5; padding: 0 1; }
    """

    def about(self) -> str:
        return _("What an end user is asked when an app reaches their device: the VPP "
                 "invitation, the app install prompt and the Apple ID prompt, for each kind "
                 "of device and license. Change the chooser; the matching row of the table "
                 "is highlighted. ctrl+d looks up one device and one item.")

    def compose_body(self) -> ComposeResult:
        yield Static(_("End-user prompts · tab moves, space picks"), classes="section-status")
        with Horizontal(classes="prompts-chooser"):
            yield Label(_("ownership"))
            yield Choice((("corporate", _("corporate")), ("personal", _("personal"))),
                         "corporate", id="prompt-ownership")
            yield SpaceCheckbox(_("supervised"), True, id="prompt-supervised")
            yield SpaceCheckbox(_("kiosk"), id="prompt-kiosk")
        with Horizontal(classes="prompts-chooser"):
            yield SpaceCheckbox(_("User Enrollment"), id="prompt-ue")
            yield Label(_("license"))
            yield Choice((("user", _("user")), ("device", _("device"))), "user",
                         id="prompt-license")
        yield Static("", id="prompts-answer")
        yield RowTable(id="prompts-matrix", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="prompts-lookup"):
            yield Label(_("per device: serial"))
            yield TextField(placeholder=_("serial"), id="prompt-serial")
            yield Label(_("item"))
            yield TextField(placeholder=_("app name or adamId"), id="prompt-item")
        yield Static(_("Type a serial and an app, then enter: the answer for that device, "
                       "from its directory attributes and the assignment that reaches it."),
                     id="prompts-device", classes="form-note")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", _("Scenario"), _("Invite to VPP"), _("Install prompt"),
                          _("Apple ID prompt"))
        # The table and the chooser's answer in one call, authorized once (issue 13: one
        # authorization per row read the store nine times before the first paint).
        cases = scenarios()
        try:
            *rows, answer = prompts.prompts_table(
                self.ctx, [args for _n, _l, args in cases] + [self.chosen()])
        except ServiceError as exc:
            self._show_answer(None, exc)
            return
        for (number, label, _args), result in zip(cases, rows, strict=True):
            table.add_row(str(number), label, _yn(result.invite_to_vpp),
                          _yn(result.app_install_prompt), _yn(result.apple_id_prompt),
                          key=str(number))
        self._show_answer(answer)

    # The chooser ----------------------------------------------------------------

    def chosen(self) -> dict:
        ownership = self.query_one("#prompt-ownership", Choice).value
        kiosk = self.query_one("#prompt-kiosk", Checkbox).value
        supervised = self.query_one("#prompt-supervised", Checkbox).value or kiosk
        return dict(ownership=ownership, supervised=supervised and ownership == "corporate",
                    kiosk=kiosk and ownership == "corporate",
                    user_enrollment=self.query_one("#prompt-ue", Checkbox).value,
                    license=self.query_one("#prompt-license", Choice).value)

    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    def show_answer(self) -> None:
        try:
            self._show_answer(prompts.prompts_for(self.ctx, **self.chosen()))
        except ServiceError as exc:
            self._show_answer(None, exc)

    def _show_answer(self, result: PromptResult | None,
                     refused: ServiceError | None = None) -> None:
        if result is None:
            self.query_one("#prompts-answer", Static).update(Text(str(refused),
                                                                  style="yellow"))
            return
        self.result = result
        self.query_one("#prompts-answer", Static).update(answer_text(result))
        table = self.query_one(DataTable)
        if result.scenario:
            table.move_cursor(row=result.scenario - 1, animate=False)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        """enter on a row sets the chooser to that scenario."""
        args = scenarios()[event.cursor_row][2]
        self.query_one("#prompt-ownership", Choice).set_value(args["ownership"])
        self.query_one("#prompt-supervised", Checkbox).value = bool(args.get("supervised"))
        self.query_one("#prompt-kiosk", Checkbox).value = bool(args.get("kiosk"))
        self.query_one("#prompt-ue", Checkbox).value = False
        self.query_one("#prompt-license", Choice).set_value(args["license"])

    # Per device -----------------------------------------------------------------

    def action_lookup(self) -> None:
        self.query_one("#prompt-serial", Input).focus()

    def action_chooser(self) -> None:
        self.query_one("#prompt-ownership").focus()

    @on(Input.Submitted)
    def _lookup(self) -> None:
        serial = self.query_one("#prompt-serial", Input).value.strip()
        item = self.query_one("#prompt-item", Input).value.strip()
        if not serial:
            self.query_one("#prompt-serial", Input).focus()
        elif not item:
            self.query_one("#prompt-item", Input).focus()
        else:
            self.look_up(serial, item)

    def reload(self) -> None:
        """The matrix is the domain's table; only the device answer reads the store."""
        if self._looked_up is not None:
            self.look_up(*self._looked_up)

    @work(thread=True, exclusive=True, exit_on_error=False, group="prompts-device")
    def look_up(self, serial: str, item: str) -> None:
        self._looked_up = (serial, item)
        try:
            found = prompts.prompts_for_device(self.ctx, serial, item)
        except ServiceError as exc:
            self.app.call_from_thread(self._show_device, Text(str(exc), style="yellow"))
            return
        head = Text(_("{serial} · {item} ({token}) · {lt} licensing{via}: ").format(
            serial=found.serial, item=found.item, token=found.token, lt=found.license_type,
            via=_(" from {g}").format(g=found.assignment) if found.assignment
            else _(" (no assignment reaches it: the default)")), style="bold")
        r = found.result
        head.append(_("invitation {i}, install prompt {a}, Apple ID prompt {d}. ").format(
            i=yes_no(r.invite_to_vpp), a=yes_no(r.app_install_prompt),
            d=yes_no(r.apple_id_prompt)))
        head.append(r.explanation, style="")
        if r.warning:
            head.append(f"\n⚠ {r.warning}", style="bold yellow")
        self.app.call_from_thread(self._show_device, head)

    def _show_device(self, text: Text) -> None:
        self.query_one("#prompts-device", Static).update(text)
