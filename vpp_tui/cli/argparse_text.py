"""argparse's own words ("usage:", "invalid choice", "the following arguments are
required"…) in the CLI's language.

argparse translates its messages with `gettext.gettext`/`ngettext` bound into its module
at import (CPython 3.11 `Lib/argparse.py`: `from gettext import gettext as _, ngettext`),
so they follow gettext's global domain, not `--lang`/`VPP_LANG`. `install()` points those
two names at `vpp_tui.i18n`, whose catalogs hold argparse's msgids: they are listed below
with `N_` so `scripts/i18n_update` extracts them (the text exactly as argparse writes it,
`%s`-placeholders included: a translation keeps them). Text argparse translates that is
not in the catalogs (a subcommand title we already translated) comes back as given.
"""

from __future__ import annotations

import argparse

from vpp_tui import i18n
from vpp_tui.i18n import N_

# What an admin can meet: help headings and usage errors (not the errors a programmer
# meets while building a parser, such as "conflicting option string").
MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _plural_marker() -> None:
    # Extracted as a plural entry; never called.
    i18n.ngettext("expected %s argument", "expected %s arguments", 2)


def _translate(message: str | None) -> str | None:
    """argparse's `_`: `message` in the current language (None, argparse's missing
    description, stays None; "" stays "": gettext("") is the catalog's header)."""
    return i18n._(message) if message else message


def install() -> None:
    """Make argparse translate through vpp_tui's catalogs and current language (called
    once when the CLI's parser module is imported; idempotent)."""
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
