"""One declaration per command: keys, footer, palette and help all read it.

A screen lists its `Command`s once (`COMMANDS`) and derives `BINDINGS` from them
with `bindings()`, so a key shown in the footer, offered in the palette and
listed in help can never disagree. Every binding carries the command's `id`, so
`App.set_keymap` can rebind any key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding

from vpp_tui.i18n import N_, _


@dataclass(frozen=True)
class Command:
    id: str
    key: str
    action: str
    label_text: str  # short: footer and palette title, as written (N_); `label` translates
    help_text: str  # one sentence: palette help and the help screen (N_); `help` translates
    show: bool = True  # in the footer
    key_display: str | None = None
    palette: bool = True  # offered in the command palette
    priority: bool = False

    @property
    def label(self) -> str:
        """The footer/palette title in the current language."""
        return _(self.label_text)

    @property
    def help(self) -> str:
        """The one-sentence help in the current language."""
        return _(self.help_text)

    @property
    def shown_key(self) -> str:
        return self.key_display or self.key.split(",")[0]


def bindings(commands: Iterable[Command]) -> list[Binding]:
    """Textual bindings for `commands`; descriptions stay as written (the msgid) and the
    footer (`ui.widgets.footer.Footer`) translates them when it draws."""
    return [
        Binding(c.key, c.action, c.label_text, show=c.show, key_display=c.key_display,
                priority=c.priority, id=c.id, tooltip=c.help_text)
        for c in commands
    ]


#: every section that reads the store: read it again now, with what other admins changed
#: (`SectionScreen.action_refresh`); one key everywhere, the sections' own refresh too
REFRESH = Command("refresh", "ctrl+r", "refresh", N_("refresh"),
                  N_("Read this section again from the store, with what other admins "
                     "changed since"))


@dataclass(frozen=True)
class Section:
    number: int
    mode: str
    title: str
    summary: str  # what the section holds: palette and help
    coming: str = ""  # what an unbuilt section will show, one sentence


def sections() -> tuple[Section, ...]:
    """The console's sections, in number-key order."""
    return (
        Section(1, "tokens", _("Tokens"), _("Location tokens: health, sync, renewal"),
                _("Not built yet: this section will list the location tokens, most urgent "
                  "first, with what to do about each.")),
        Section(2, "apps", _("Apps"), _("Apps bought under each token, with license counts"),
                _("Not built yet: this section will list the apps bought under each token, "
                  "with licenses used, total and available.")),
        Section(3, "ebooks", _("eBooks"), _("Books bought under each token"),
                _("Not built yet: this section will list the books bought under each token, "
                  "with their user licenses.")),
        Section(4, "assignments", _("Assignments"), _("Which groups get which apps and books"),
                _("Not built yet: this section will show which groups get which apps and "
                  "books, and review each change before Apple is told.")),
        Section(5, "prompts", _("Prompts"), _("What end users are asked on their devices"),
                _("Not built yet: this section will show what end users are asked on their "
                  "devices, for each kind of device and license.")),
        Section(6, "directory", _("Directory"), _("Users, groups and devices"),
                _("Not built yet: this section will list the users, groups and devices that "
                  "assignments target.")),
        Section(7, "activity", _("Activity"), _("The audit log: who changed what, and when")),
        Section(8, "access", _("Access"), _("Who may do what: roles, grants, scope tags")),
        Section(9, "settings", _("Settings"), _("Sync interval, reclaim on removal, "
                                                "expiry and low-license warnings, theme")),
        Section(0, "reconcile", _("Reconcile"), _("Apple's licenses vs the assignments "
                                                  "and the directory; reclaim by class")),
    )


def global_commands() -> tuple[Command, ...]:
    """App-wide commands: section keys, jobs, help, palette, quit."""
    nav = tuple(
        Command(f"section.{s.mode}", str(s.number), f"app.switch_section('{s.mode}')",
                s.title, _("Go to {section}: {summary}").format(section=s.title, summary=s.summary),
                show=False)
        for s in sections()
    )
    return nav + (
        Command("jobs", "j", "app.show_jobs", N_("jobs"),
                N_("Show the jobs queued for workers: state, progress, cancel"),
                show=False),
        Command("help", "f1,question_mark", "app.help", N_("help"),
                N_("Show the keys of this screen"), key_display="f1"),
        Command("palette", "ctrl+p", "app.command_palette", N_("palette"),
                N_("Search every command"), show=False, palette=False, priority=True),
        Command("quit", "ctrl+q", "app.quit", N_("quit"), N_("Leave the console"),
                priority=True),
    )
