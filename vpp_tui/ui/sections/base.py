"""What every section screen shares: header, section bar, body, footer, commands."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from vpp_tui.services.context import ServiceContext
from vpp_tui.ui.commands import Command, Section, sections
from vpp_tui.ui.errors import ReportsWorkerErrors
from vpp_tui.ui.widgets.header import HeaderLine, SectionBar


def section_by_mode(mode: str) -> Section:
    return next(s for s in sections() if s.mode == mode)


class SectionScreen(ReportsWorkerErrors, Screen[None]):
    """A top-level section. Subclasses set MODE, COMMANDS (with BINDINGS from them) and
    implement `compose_body`."""

    MODE: ClassVar[str] = ""
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = ()

    def __init__(self) -> None:
        super().__init__(id=f"section-{self.MODE}", classes="section")

    @property
    def ctx(self) -> ServiceContext:
        return self.app.ctx  # type: ignore[attr-defined]

    @property
    def section(self) -> Section:
        return section_by_mode(self.MODE)

    def about(self) -> str:
        """One paragraph for the help screen."""
        return self.section.summary

    def commands(self) -> tuple[Command, ...]:
        return self.COMMANDS_LIST

    def compose(self) -> ComposeResult:
        yield HeaderLine(self.ctx, demo=self.app.demo)  # type: ignore[attr-defined]
        yield SectionBar(self.MODE)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def set_org(self, org: str | None) -> None:
        self.app.org_name = org  # type: ignore[attr-defined]
        self.query_one(HeaderLine).set_org(org)


class PlaceholderSection(SectionScreen):
    """A section whose screen is not built yet: it says what will be there."""

    def compose_body(self) -> ComposeResult:
        yield Static(self.section.coming, classes="placeholder")


def placeholder(mode: str) -> type[SectionScreen]:
    return type(f"{mode.title()}Section", (PlaceholderSection,), {"MODE": mode})
