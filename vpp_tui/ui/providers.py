"""The command palette: every section's commands and the global ones, from one registry.

Each section class declares its commands (`SectionScreen.section_commands`), so the
palette lists them without building the section: a section added to the app's sections
is searched as soon as it exists. A command is titled with its section and key
("Revoke all — Apps (v)"). Choosing one of another section switches to that section,
waits until it shows its rows (`SectionScreen.loaded`), then runs the command there, on
the section's cursor row: exactly what pressing its key in that section does. A command
the section cannot run now (no row selected, a job running, no permission) is not run;
a one-line notice says what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.actions import parse
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from vpp_tui.i18n import _
from vpp_tui.ui.commands import Command
from vpp_tui.ui.sections.base import SectionScreen

KEY_NAMES = {"question_mark": "?", "delete": "del", "escape": "esc", "slash": "/"}


def key_label(command: Command, keymap: dict[str, str]) -> str:
    """The first key that runs `command` (after `App.set_keymap` rebinding), as shown."""
    if command.id in keymap:
        first = keymap[command.id].split(",")[0]
        return KEY_NAMES.get(first, first)
    return command.key_display or KEY_NAMES.get(command.shown_key, command.shown_key)


@dataclass(frozen=True)
class PaletteEntry:
    """One palette line: `command` of the section `mode` (None: a global command)."""

    title: str
    command: Command
    mode: str | None


def palette_entries(app: App, current_mode: str | None) -> Iterator[PaletteEntry]:
    """The current section's commands first, then every other section's in number order,
    then the global ones; only commands marked `palette`."""
    keymap: dict[str, str] = getattr(app, "_keymap", {})
    sections: dict[str, type[SectionScreen]] = app.section_screens()  # type: ignore[attr-defined]
    order = sorted(sections, key=lambda mode: mode != current_mode)
    for mode in order:
        title = sections[mode].section_title()
        for command in sections[mode].section_commands():
            if command.palette:
                label = command.label[:1].upper() + command.label[1:]
                yield PaletteEntry(_("{command} — {section} ({key})").format(
                    command=label, section=title, key=key_label(command, keymap)),
                    command, mode)
    for command in app.global_commands():  # type: ignore[attr-defined]
        if command.palette:
            yield PaletteEntry(f"{command.label} ({key_label(command, keymap)})", command, None)


async def run_in_section(app: App, mode: str, command: Command) -> None:
    """Show section `mode` (switching to it if needed), wait until it has loaded, then run
    `command` there as its key would; or notify why it cannot run now."""
    if app.current_mode != mode:
        await app.switch_mode(mode)
    section = next((s for s in app.screen_stack if isinstance(s, SectionScreen)), None)
    if section is None:
        return
    await section.loaded()
    title = section.section.title
    if app.screen is not section:
        app.notify(_("Close what is open over {section} first (esc), then choose {command} "
                     "again.").format(section=title, command=command.label),
                   title=title, severity="warning")
        return
    namespace, name, params = parse(command.action)
    target = app if namespace == "app" else section
    if target.check_action(name, params) is not True:
        keymap: dict[str, str] = getattr(app, "_keymap", {})
        if getattr(section, "selected", True) is None:
            text = _("{command}: nothing is selected in {section}. Choose a row there, then "
                     "press {key}.")
        else:
            text = _("{command} cannot run in {section} now (see its footer: a job may be "
                     "running, or your role does not allow it).")
        app.notify(text.format(command=command.label, section=title,
                               key=key_label(command, keymap)),
                   title=title, severity="warning")
        return
    await section.run_action(command.action)


class ConsoleCommands(Provider):
    """Hits come from the same registry as keys and help, so the palette never lists a
    command no section declares."""

    def _entries(self) -> list[PaletteEntry]:
        return list(palette_entries(self.app, self.app.current_mode))

    def _run(self, entry: PaletteEntry) -> None:
        app = self.app
        if entry.mode is None:
            app.call_later(app.run_action, entry.command.action)
            return
        app.run_worker(run_in_section(app, entry.mode, entry.command), group="palette",
                       exclusive=True, exit_on_error=False)

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(entry.title, partial(self._run, entry), help=entry.command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = max(matcher.match(entry.title), matcher.match(entry.command.help) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), partial(self._run, entry),
                          help=entry.command.help)
