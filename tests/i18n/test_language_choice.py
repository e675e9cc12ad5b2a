"""Which language: --lang / VPP_LANG, then gettext's LANGUAGE, LC_ALL, LC_MESSAGES, LANG."""

from __future__ import annotations

import pytest

from vpp_tui.cli import lang_option
from vpp_tui.i18n import _, current_language, ngettext, normalise, requested_languages, set_language


def test_language_order_follows_gettext() -> None:
    env = {"LANGUAGE": "zh_CN:fr", "LC_ALL": "fr_FR.UTF-8", "LC_MESSAGES": "en_US", "LANG": "fr"}
    assert requested_languages(environ=env) == ["zh_CN", "fr"]
    del env["LANGUAGE"]
    assert requested_languages(environ=env) == ["fr_FR"]
    del env["LC_ALL"]
    assert requested_languages(environ=env) == ["en_US"]
    del env["LC_MESSAGES"]
    assert requested_languages(environ=env) == ["fr"]


def test_lang_option_and_vpp_lang_come_before_the_environment() -> None:
    env = {"VPP_LANG": "fr", "LANGUAGE": "zh_CN"}
    assert requested_languages(environ=env) == ["fr"]
    assert requested_languages("zh-cn", env) == ["zh_CN"]


@pytest.mark.parametrize("value", ["C", "POSIX", "C.UTF-8"])
def test_c_and_posix_mean_english(value: str) -> None:
    assert requested_languages(environ={"LC_ALL": value, "LANG": "fr_FR.UTF-8"}) == []
    assert set_language(requested_languages(environ={"LANG": value})) == "en"


def test_locale_names_map_to_the_shipped_catalogs() -> None:
    assert normalise("fr_FR.UTF-8@euro") == "fr_FR"
    assert normalise("zh") == "zh_CN"
    assert set_language("fr_CA") == "fr"  # French falls back to the language's catalog
    assert set_language("zh_CN.UTF-8") == "zh_CN"
    assert set_language("de_DE") == "en"  # no German catalog: English
    assert set_language(["de", "fr"]) == "fr"  # the first one we ship wins


def test_lang_option_is_read_before_the_parser() -> None:
    assert lang_option(["--lang", "fr", "token", "list"]) == "fr"
    assert lang_option(["token", "list", "--lang=zh_CN"]) == "zh_CN"
    assert lang_option(["token", "add", "--", "--lang"]) is None


def test_set_language_switches_text_already_imported() -> None:
    from vpp_tui.ui.commands import global_commands

    quit_command = next(c for c in global_commands() if c.id == "quit")
    set_language("fr")
    assert current_language() == "fr"
    assert (quit_command.label, _("Tokens")) == ("quitter", "Jetons")
    set_language("zh_CN")
    assert (quit_command.label, _("Tokens")) == ("退出", "令牌")


def test_plural_forms_follow_each_catalog() -> None:
    set_language("fr")  # Plural-Forms: nplurals=2; plural=(n > 1): 0 and 1 are singular
    forms = [ngettext("{n} day", "{n} days", n).format(n=n) for n in (0, 1, 2)]
    assert forms == ["0 jour", "1 jour", "2 jours"]
    set_language("zh_CN")  # one form
    assert {ngettext("{n} day", "{n} days", n).format(n=n) for n in (1, 2)} == {"1 天", "2 天"}


@pytest.mark.parametrize("value", ["xx", "", "klingon", "fr:xx"])
def test_an_explicit_language_nobody_can_show_is_refused(capsys, monkeypatch,
                                                         value: str) -> None:
    """Fault: `--lang xx` (and `VPP_LANG=xx`, `--lang ""`) was silently shown in English,
    exit 0. An explicit choice is one `error:` line, exit 2, naming the languages there
    are; the environment's LANGUAGE/LC_*/LANG still fall back quietly."""
    from vpp_tui.cli import main

    monkeypatch.delenv("VPP_LANG", raising=False)
    assert main(["--lang", value, "token", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --lang") and err.count("\n") == 1 and "zh_CN" in err
    monkeypatch.setenv("VPP_LANG", value)
    assert main(["token", "list"]) == 2
    assert capsys.readouterr().err.startswith("error: VPP_LANG")
    set_language("en")


@pytest.mark.parametrize("value", ["fr", "zh-CN", "en_GB.UTF-8", "C", "fr:en", "zh"])
def test_an_explicit_language_that_can_be_shown_is_taken(value: str) -> None:
    from vpp_tui.i18n import is_known_language

    assert is_known_language(value)
