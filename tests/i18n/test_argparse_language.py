"""argparse's own words in a French CLI: they go through vpp_tui's catalogs
(`cli.argparse_text`), which list argparse's msgids for the translators."""

from __future__ import annotations

import pytest

from vpp_tui import i18n
from vpp_tui.cli import main
from vpp_tui.cli.argparse_text import MESSAGES
from vpp_tui.i18n import catalogs

INVALID_CHOICE = "invalid choice: %(value)r (choose from %(choices)s)"
ARGUMENT = "argument %(argument_name)s: %(message)s"
SEE_HELP = "{message} (see '{prog} --help')"
# What a translator would write; the test's own, until the lead's catalogs hold them.
FRENCH = {
    INVALID_CHOICE: "choix invalide : %(value)r (choisir parmi %(choices)s)",
    ARGUMENT: "argument %(argument_name)s : %(message)s",
    SEE_HELP: "{message} (voir « {prog} --help »)",
    "usage: ": "utilisation : ",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
}


def _shipped_fr_has(msgid: str) -> bool:
    catalog = catalogs.read(catalogs.po_path("fr"), "fr")
    message = catalog.get(msgid)
    return bool(message and message.string)


@pytest.fixture
def french_with_argparse(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """The shipped French catalog plus French for argparse's msgids, compiled into a
    locale directory `set_language` reads (as the lead's translation will be)."""
    catalog = catalogs.read(catalogs.po_path("fr"), "fr")
    for msgid, text in FRENCH.items():
        catalog.add(msgid, text)
    target = catalogs.po_path("fr", tmp_path).with_suffix(".mo")
    target.parent.mkdir(parents=True)
    target.write_bytes(catalogs.mo_bytes(catalog))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)


def test_argparse_error_in_a_french_cli_is_french(french_with_argparse, capsys) -> None:
    """Fault: `vpp-tui --lang fr token frobnicate` printed argparse's English ("argument
    ACTION: invalid choice: …") in a French CLI."""
    assert main(["--lang", "fr", "token", "frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "choix invalide : 'frobnicate' (choisir parmi" in err, err
    assert err.startswith("error: argument ACTION : ") and "(voir « vpp-tui token --help »)" in err


def test_argparse_help_headings_in_a_french_cli_are_french(french_with_argparse,
                                                           capsys) -> None:
    assert main(["--lang", "fr", "token", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : vpp-tui token") and "affiche cette aide" in out


def test_argparse_msgids_are_listed_for_extraction() -> None:
    """Every msgid the console passes argparse's messages through is in the extracted
    template's sources (a no-op marker in `cli.argparse_text`)."""
    assert {INVALID_CHOICE, ARGUMENT, "usage: ", "positional arguments", "options",
            "show this help message and exit", "unrecognized arguments: %s",
            "the following arguments are required: %s"} <= set(MESSAGES)


@pytest.mark.skipif(not _shipped_fr_has(INVALID_CHOICE),
                    reason="needs the lead's French for argparse's msgids (cli.argparse_text)")
def test_shipped_french_catalog_translates_argparse_errors(capsys) -> None:
    assert main(["--lang", "fr", "token", "frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice" not in err and "frobnicate" in err, err
