"""Apps: every app bought under each token, with licenses used, total and available."""

from __future__ import annotations

from vpp_tui.i18n import _
from vpp_tui.ui.commands import bindings
from vpp_tui.ui.sections.catalog.section import CatalogSection, catalog_commands

APPS_COMMANDS = catalog_commands("apps", books=False)


class AppsSection(CatalogSection):
    MODE = "apps"
    BOOKS = False
    COMMANDS_LIST = APPS_COMMANDS
    BINDINGS = bindings(APPS_COMMANDS)

    def about(self) -> str:
        return _("One row per app per token: an app bought under two tokens is listed twice. "
                 "The bar shows licenses used of total; free apps have unlimited licenses. "
                 "Enter shows who holds a license and who failed; a assigns, v revokes.")
