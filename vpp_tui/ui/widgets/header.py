"""The header line (who, which store, demo or not) and the section bar under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from vpp_tui.i18n import _
from vpp_tui.services.context import ServiceContext
from vpp_tui.store.engine import display_url
from vpp_tui.ui.commands import sections


def header_content(ctx: ServiceContext, *, demo: bool, org: str | None = None) -> Content:
    parts = [Content.styled("vpp-tui", "bold")]
    if org:
        parts.append(Content(org))
    parts.append(Content(_("admin: {actor}").format(actor=ctx.actor)))
    parts.append(Content(_("store: {store}").format(store=display_url(ctx.store.url))))
    pieces: list[Content | str] = []
    for index, part in enumerate(parts):
        pieces += [" ─ ", part] if index else [part]
    if demo:
        pieces += ["  ", Content.styled(f" {_('demo')} ", "bold $warning reverse")]
    return Content.assemble(*pieces)


class HeaderLine(Horizontal):
    """One line: app, organisation, acting admin, store, demo badge; the clock on the right."""

    DEFAULT_CSS = """
    HeaderLine { height: 1; background: $panel; padding: 0 1; }
    HeaderLine #header-who { width: 1fr; }
    HeaderLine #header-clock { width: auto; }
    """

    def __init__(self, ctx: ServiceContext, *, demo: bool) -> None:
        super().__init__(id="header-line")
        self._ctx = ctx
        self._demo = demo
        # The organisation is learnt by the Tokens section; sections opened later show it.
        self._org: str | None = None

    def compose(self) -> ComposeResult:
        self._org = getattr(self.app, "org_name", None)
        yield Static(header_content(self._ctx, demo=self._demo, org=self._org),
                     id="header-who")
        yield Static(self._clock_text(), id="header-clock")

    def on_mount(self) -> None:
        # The clock moves slowly: a half-minute tick repaints five cells.
        self.set_interval(30, self._tick)

    def _clock_text(self) -> str:
        return self._ctx.clock.now().astimezone().strftime("%H:%M")

    def _tick(self) -> None:
        self.query_one("#header-clock", Static).update(self._clock_text())

    def set_org(self, org: str | None) -> None:
        if org != self._org:
            self._org = org
            self.query_one("#header-who", Static).update(
                header_content(self._ctx, demo=self._demo, org=org))


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
        # titles shorten, then go (their number keys stay): the current section is always
        # named in full. Ten sections with whole titles and open gaps need 123 columns.
        room = self.content_size.width or self.size.width
        for keep, gap in ((None, " "), (None, ""), (4, ""), (3, ""), (0, "")):
            bar = self._bar(keep, gap)
            if not room or bar.cell_length <= room:
                return bar
        return bar

    def _bar(self, keep: int | None, gap: str = "") -> Content:
        """The bar with the other sections' titles cut to `keep` cells (None: whole),
        `gap` between sections."""
        pieces: list[Content] = []
        for section in sections():
            action = f"app.switch_section('{section.mode}')"
            if section.mode == self._current:
                piece = Content.styled(f" {section.number} {section.title} ",
                                       "bold reverse $accent")
            else:
                title = section.title if keep is None else Content(section.title).truncate(
                    keep).plain
                piece = Content.assemble((f" {section.number}", "bold $accent"),
                                         f" {title} " if title else " ")
            pieces.append(piece.stylize(f"@click={action}"))
        return Content(gap).join(pieces)
