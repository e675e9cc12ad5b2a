"""The header line (who, which store, demo or not, what needs a look) and the section bar
under it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from vpp_tui.i18n import _
from vpp_tui.services.context import ServiceContext
from vpp_tui.store.engine import display_url
from vpp_tui.ui.commands import sections

if TYPE_CHECKING:
    from vpp_tui.services.status import Glance


def header_content(ctx: ServiceContext, *, org: str | None = None) -> Content:
    """App, organisation, acting admin and store, joined by rules."""
    parts = [Content.styled("vpp-tui", "bold")]
    if org:
        parts.append(Content(org))
    parts.append(Content(_("admin: {actor}").format(actor=ctx.actor)))
    parts.append(Content(_("store: {store}").format(store=display_url(ctx.store.url))))
    pieces: list[Content | str] = []
    for index, part in enumerate(parts):
        pieces += [" ─ ", part] if index else [part]
    return Content.assemble(*pieces)


def notices_content(seen: Glance | None, *, short: bool = False) -> Content:
    """The header's notices (services.status.Glance): the most urgent token expiry, then
    the apps and books nearly out of licenses; `short` words them for a narrow terminal.
    Empty when there is nothing to say."""
    parts = seen.parts(short=short) if seen is not None else []
    if not parts:
        return Content("")
    return Content.assemble(" ", ("▲ ", "bold $warning"), (" · ".join(parts), "$warning"),
                            " ")


class HeaderLine(Horizontal):
    """One line: app, organisation, acting admin, store (cut short first when room runs
    out), the demo badge, the notices (services.status.glance, read by the section: short
    below 100 columns) and the clock on the right."""

    DEFAULT_CSS = """
    HeaderLine { height: 1; background: $panel; padding: 0 1; }
    HeaderLine #header-who { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    HeaderLine #header-demo { width: auto; }
    HeaderLine #header-notices { width: auto; max-width: 75%; text-wrap: nowrap;
                                 text-overflow: ellipsis; }
    HeaderLine #header-clock { width: auto; }
    """
    NARROW = 100  # columns: below this the notices take their short words

    def __init__(self, ctx: ServiceContext, *, demo: bool) -> None:
        super().__init__(id="header-line")
        self._ctx = ctx
        self._demo = demo
        # The organisation is learnt by the Tokens section; sections opened later show it.
        self._org: str | None = None
        self._glance: Glance | None = None
        self._short = False

    def compose(self) -> ComposeResult:
        self._org = getattr(self.app, "org_name", None)
        self._glance = getattr(self.app, "glance", None)
        self._short = self.app.size.width < self.NARROW
        yield Static(header_content(self._ctx, org=self._org), id="header-who")
        badge = (Content.assemble("  ", Content.styled(f" {_('demo')} ",
                                                       "bold $warning reverse"))
                 if self._demo else Content(""))
        yield Static(badge, id="header-demo")
        yield Static(notices_content(self._glance, short=self._short), id="header-notices")
        yield Static(self._clock_text(), id="header-clock")

    def on_mount(self) -> None:
        # The clock moves slowly: a half-minute tick repaints five cells.
        self.set_interval(30, self._tick)

    def on_resize(self, event: events.Resize) -> None:
        short = event.size.width < self.NARROW
        if short != self._short:
            self._short = short
            self.set_notices(self._glance)

    def _clock_text(self) -> str:
        return self._ctx.clock.now().astimezone().strftime("%H:%M")

    def _tick(self) -> None:
        self.query_one("#header-clock", Static).update(self._clock_text())

    def set_notices(self, seen: Glance | None) -> None:
        """Show what `services.status.glance` found (None: nothing yet)."""
        self._glance = seen
        self.query_one("#header-notices", Static).update(
            notices_content(seen, short=self._short))

    def set_org(self, org: str | None) -> None:
        if org != self._org:
            self._org = org
            self.query_one("#header-who", Static).update(header_content(self._ctx, org=org))


class SectionBar(Static):
    """The tab-like bar: each section with its number key, the current one highlighted.

    Each label is a link, so a mouse click switches sections too.
    """

    DEFAULT_CSS = """
    SectionBar { height: 1; padding: 0 1; link-style: none; link-style-hover: bold; }
    """

    def __init__(self, current: str) -> None:
        super().__init__(id="section-bar")
        self._current = current

    def render(self) -> Content:
        # On a narrow terminal the gaps between sections close, then the other sections'
        # titles lose their trailing space, then shorten to their first 4 or 3 characters
        # (never fewer: a one-character "应" says nothing), then go (their number keys
        # stay): the current section is always named in full. Ten sections with whole
        # titles and open gaps need 123 columns.
        room = self.content_size.width or self.size.width
        for keep, gap, tight in ((None, " ", False), (None, "", False), (None, "", True),
                                 (4, "", False), (3, "", False), (3, "", True),
                                 (0, "", True)):
            bar = self._bar(keep, gap, tight=tight)
            if not room or bar.cell_length <= room:
                return bar
        return bar

    def _bar(self, keep: int | None, gap: str = "", *, tight: bool = False) -> Content:
        """The bar with the other sections' titles cut to `keep` characters (None: whole),
        `gap` between sections; `tight`: no space after the other sections' titles."""
        pieces: list[Content] = []
        end = "" if tight else " "
        for section in sections():
            action = f"app.switch_section('{section.mode}')"
            if section.mode == self._current:
                piece = Content.styled(f" {section.number} {section.title} ",
                                       "bold reverse $accent")
            else:
                title = section.title if keep is None else section.title[:keep]
                piece = Content.assemble((f" {section.number}", "bold $accent"),
                                         f" {title}{end}" if title else " ")
            pieces.append(piece.stylize(f"@click={action}"))
        return Content(gap).join(pieces)
