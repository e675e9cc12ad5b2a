"""Settings: the store's settings, one row each (items' own low-license shares below it);
Enter or `e` edits one in a form that shows its effect before it is saved."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from vpp_tui.domain.access import Permission
from vpp_tui.domain.language import language_name, next_language
from vpp_tui.domain.settings import spec_of
from vpp_tui.i18n import N_, _, current_language, set_language
from vpp_tui.services import settings
from vpp_tui.services.access import check_action
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.format import when
from vpp_tui.ui.messages import SettingsChanged
from vpp_tui.ui.sections.base import SectionScreen
from vpp_tui.ui.widgets import table as table_rows
from vpp_tui.ui.widgets.header import SectionBar
from vpp_tui.ui.widgets.row_table import RowTable

SETTINGS_COMMANDS = (
    Command("settings.edit", "e", "edit", N_("edit"),
            N_("Change the setting under the cursor; its effect is shown before saving")),
    Command("settings.refresh", "ctrl+r,r", "refresh", N_("refresh"), N_("Read the settings again")),
    Command("settings.language", "l", "language", N_("language"),
            N_("Switch your own console language (English, Français, 简体中文); kept for you")),
)


@dataclass
class SettingsLoaded(Message):
    views: list[settings.SettingView]
    may_update: bool


def _key(view: settings.SettingView) -> str:
    return view.key if view.item is None else f"{view.key}:{view.item}"


class SettingsSection(SectionScreen):
    MODE = "settings"
    COMMANDS_LIST = SETTINGS_COMMANDS
    BINDINGS = bindings(SETTINGS_COMMANDS)
    FOLLOWS = (SettingsChanged,)

    def __init__(self) -> None:
        super().__init__()
        self.views: dict[str, settings.SettingView] = {}
        self.may_update = False

    def about(self) -> str:
        return _("Settings every admin of this store shares. The defaults follow the 2020 "
                 "rules (sync twice a day, removing an assignment reclaims its licenses); "
                 "the later Intune behaviour is a choice. Each change shows its effect "
                 "before it is saved, and is audited.")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Settings"), id="settings-status", classes="section-status")
        yield RowTable(id="settings-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in (("key", _("Setting")), ("value", _("Value")),
                           ("default", _("Default")), ("changed", _("Changed")),
                           ("about", _("About"))):
            table.add_column(label, key=key)
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings")
    def load(self) -> None:
        views = settings.list_settings(self.ctx)
        self.post_message(SettingsLoaded(views, check_action(self.ctx,
                                                             Permission.SETTINGS_UPDATE)))

    @on(SettingsLoaded)
    def show_rows(self, message: SettingsLoaded) -> None:
        self.views = {_key(v): v for v in message.views}
        self.may_update = message.may_update
        rows = []
        for v in message.views:
            spec = spec_of(v.key)
            name = v.key if v.item is None else _("  for item {item}").format(item=v.item)
            value = Text(spec.show(v.value), style="bold" if v.changed else "")
            if v.problem:
                value.append(_(" ⚠ stored value ignored"), style="bold yellow")
            changed = (_("{who}, {at}").format(who=v.updated_by, at=when(v.updated_at))
                       if v.changed and v.updated_at else "—")
            rows.append((_key(v), (name, value, spec.show(v.default), changed,
                                   v.problem or _(spec.description))))
        with self.app.batch_update():
            table_rows.update(self.query_one(DataTable), rows,
                              ("key", "value", "default", "changed", "about"))
        status = _("Settings · {n} · the 2020 rules by default").format(n=len(rows))
        status += " · " + _("your language: {name} (l)").format(
            name=language_name(current_language()))
        if not self.may_update:
            status += " · " + _("read only: you may not change settings")
        self.query_one("#settings-status", Static).update(status)
        self.refresh_bindings()

    def action_language(self) -> None:
        self.save_language(next_language(current_language()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="language")
    def save_language(self, code: str) -> None:
        from vpp_tui.services.settings import preferences

        preferences.set_language(self.ctx, code)
        self.app.call_from_thread(self._language_saved, code)

    def _language_saved(self, code: str) -> None:
        set_language(code)
        self.app.rebuild_sections()  # type: ignore[attr-defined]
        for screen in list(self.app.live_sections):  # type: ignore[attr-defined]
            screen.refresh_bindings()
            for bar in screen.query(SectionBar):
                bar.refresh()
        self.notify(_("Console language: {name}, for you only; kept for your next session")
                    .format(name=language_name(code)))
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return True if self.may_update else None
        return True

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        if not self.may_update:
            self.notify(_("You may not change settings (Settings update is missing); ask "
                          "an administrator"), severity="warning")
            return
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        view = self.views.get(str(key))
        if view is not None:
            # Imported when first opened: a first visit only reads (issue 13).
            from vpp_tui.ui.screens.setting_form import SettingForm

            self.app.push_screen(SettingForm(view), self._saved)

    def _saved(self, change: settings.SettingChange | None) -> None:
        if change is None:
            return
        if change.key == "theme":
            self.app.apply_theme(change.new)  # type: ignore[attr-defined]
        spec = spec_of(change.key)
        self.notify(_("{key}: {old} → {new} (saved, audited)").format(
            key=change.key, old=spec.show(change.old), new=spec.show(change.new)))
        self.app.store_changed("settings")  # type: ignore[attr-defined]
