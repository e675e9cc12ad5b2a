"""One item's details: its facts, its assignments, who holds a license, who failed and why."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from vpp_tui.i18n import N_, _, ngettext, shown
from vpp_tui.services import licensing
from vpp_tui.services.catalog import AssetView
from vpp_tui.services.licensing.views import LICENSE_ROW_FIELDS, LicenseReport
from vpp_tui.services.usage import UsagePoint
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.exporting import start_export
from vpp_tui.ui.format import when
from vpp_tui.ui.sections.catalog.rows import facts
from vpp_tui.ui.widgets.charts import UsageChart
from vpp_tui.ui.widgets.row_table import RowTable
from vpp_tui.ui.widgets.usage_bar import usage_bar

DETAILS_COMMANDS = (
    Command("asset.close", "escape,enter", "dismiss", N_("close"), N_("Close the details"),
            key_display="esc"),
    Command("asset.export", "x", "export", N_("export"),
            N_("Write every license holder, failure and waiting member of the item (all of "
              "them, not only those shown) to a CSV file in your documents folder")),
)

SHOWN = 200  # holders and failures listed here; the CLI's `licenses --json` lists all


class AssetDetailsScreen(ModalScreen[None]):
    BINDINGS = bindings(DETAILS_COMMANDS)
    DEFAULT_CSS = """
    #asset-box DataTable { height: 3; }
    #asset-box VerticalScroll { height: auto; max-height: 26; }
    """

    def __init__(self, view: AssetView, report: LicenseReport,
                 usage: Sequence[UsagePoint] = ()) -> None:
        super().__init__(id="asset-details")
        self.view = view
        self.report = report
        self.usage = list(usage)  # services.usage.usage_history: the chart's points

    def compose(self) -> ComposeResult:
        v, r = self.view, self.report
        with Vertical(id="asset-box", classes="dialog wide") as box:
            box.border_title = f"{v.name} · {v.token}"
            box.border_subtitle = _("esc close · x export")
            with VerticalScroll():
                line = usage_bar(r.used, r.total, unlimited=r.unlimited, width=16)
                line.append("   " + facts(v))
                yield Static(line, id="asset-facts")
                yield Static(ngettext("License usage over time ({n} sync)",
                                      "License usage over time ({n} syncs)",
                                      len(self.usage)).format(n=len(self.usage)),
                             classes="subheading")
                if self.usage:
                    yield UsageChart(self.usage, unlimited=v.unlimited, id="asset-usage")
                else:
                    yield Static(_("no usage recorded yet: each sync adds a point"),
                                 id="asset-usage-none")
                yield Static(_("Assignments ({n})").format(n=len(r.assignments)),
                             classes="subheading")
                yield RowTable(id="asset-assignments", cursor_type="none")
                yield Static(_("License holders ({n})").format(n=len(r.holders)),
                             classes="subheading")
                yield RowTable(id="asset-holders", cursor_type="none")
                yield Static(_("Failures and waitlist ({n})").format(n=len(r.failures)),
                             classes="subheading")
                yield RowTable(id="asset-failures", cursor_type="none")

    def on_mount(self) -> None:
        r = self.report
        table = self.query_one("#asset-assignments", DataTable)
        table.add_columns(_("Group"), _("Intent"), _("License type"))
        for group, intent, license_type in r.assignments:
            table.add_row(group, intent, license_type)
        if not r.assignments:
            table.add_row(_("not assigned: press a in the list to assign"), "", "")
        table = self.query_one("#asset-holders", DataTable)
        table.add_columns(_("User or serial"), _("Kind"), _("Status"), _("Since"))
        for h in r.holders[:SHOWN]:
            table.add_row(h.member, h.kind, h.status, when(h.since) if h.since else "—")
        if not r.holders:
            table.add_row(_("nobody holds a license"), "", "", "")
        table = self.query_one("#asset-failures", DataTable)
        table.add_columns(_("User or serial"), _("Kind"), _("Status"), _("Reason"))
        for f in r.failures[:SHOWN]:
            status = f.status + (f" #{f.position}" if f.status == "waitlisted" and f.position
                                 else "")
            table.add_row(f.member, f.kind, status, shown(f.reason))
        if not r.failures:
            table.add_row(_("no failures"), "", "", "")
        # Sized from the rows: an auto-height table measured before its rows stays wrong.
        for table in self.query(DataTable):
            table.styles.height = min(table.row_count, 8) + 1

    def action_export(self) -> None:
        """The item's license rows as `vpp-tui licenses ITEM --csv` writes them, read
        again with the same service call that filled this screen (`licensing.licenses`)."""
        v = self.view
        start_export(self, f"licenses-{v.adam_id}-{v.pricing_param}", lambda: licensing.licenses(
            self.app.ctx, f"{v.adam_id}:{v.pricing_param}", v.token).csv_rows(),  # type: ignore[attr-defined]
            LICENSE_ROW_FIELDS)
