"""eBooks: books bought under each token; user licensing only, and never reclaimed."""

from __future__ import annotations

from vpp_tui.i18n import _
from vpp_tui.ui.commands import bindings
from vpp_tui.ui.sections.catalog.section import CatalogSection, catalog_commands

EBOOKS_COMMANDS = catalog_commands("ebooks", books=True)


class EbooksSection(CatalogSection):
    MODE = "ebooks"
    BOOKS = True
    COMMANDS_LIST = EBOOKS_COMMANDS
    BINDINGS = bindings(EBOOKS_COMMANDS)

    def about(self) -> str:
        return _("One row per book per token. Books take user licensing and user groups "
                 "only, Required or Available; a book license can never be reclaimed, so "
                 "there is nothing to revoke.")
