"""The command palette: go to any section, or run any command of the current screen."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from vpp_tui.ui.commands import Command


class ConsoleCommands(Provider):
    """Hits come from the same registry as keys and help, so the palette never lists a
    command the screen cannot run."""

    def _commands(self) -> list[tuple[Command, str]]:
        app = self.app
        screen = self.screen
        found: list[tuple[Command, str]] = []
        for command in getattr(screen, "commands", lambda: ())():
            if command.palette:
                found.append((command, "screen"))
        for command in app.global_commands():  # type: ignore[attr-defined]
            if command.palette:
                found.append((command, "app"))
        return found

    def _run(self, command: Command, where: str) -> None:
        # Palette runs after it closes, so `self.screen` is again the section screen.
        action = command.action
        if where == "screen" and not action.startswith("app."):
            self.app.call_later(self.screen.run_action, action)
        else:
            self.app.call_later(self.app.run_action, action)

    def _title(self, command: Command) -> str:
        return f"{command.label} ({command.shown_key})"

    async def discover(self) -> Hits:
        for command, where in self._commands():
            yield DiscoveryHit(self._title(command), partial(self._run, command, where),
                               help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, where in self._commands():
            title = self._title(command)
            score = max(matcher.match(title), matcher.match(command.help) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, command, where),
                          help=command.help)
