"""Each admin's console language is their own (issue 15): saved per admin, audited,
never shared through the store's settings."""

from __future__ import annotations

import argparse
from dataclasses import replace

import pytest

from vpp_tui.cli.commands.console import apply_admin_language
from vpp_tui.domain.language import LanguageError, next_language
from vpp_tui.i18n import current_language
from vpp_tui.services import settings
from vpp_tui.services.audit import list_entries
from vpp_tui.services.settings import preferences


def test_console_language_is_kept_per_admin(world) -> None:
    ana = world.ctx
    nina = replace(ana, actor="nina")
    assert preferences.get_language(ana) is None
    preferences.set_language(ana, "fr")
    preferences.set_language(nina, "zh_CN")
    assert (preferences.get_language(ana), preferences.get_language(nina)) == ("fr", "zh_CN")
    preferences.set_language(ana, None)  # back to following the system
    assert preferences.get_language(ana) is None
    assert "language" not in {v.key for v in settings.list_settings(ana)}  # not shared


def test_unknown_console_language_is_refused_and_nothing_saved(world) -> None:
    with pytest.raises(LanguageError, match="use one of en, fr, zh_CN"):
        preferences.set_language(world.ctx, "de")
    assert preferences.get_language(world.ctx) is None


def test_language_change_is_audited(sqlite_world) -> None:
    preferences.set_language(sqlite_world.ctx, "fr")
    entry = next(e for e in list_entries(sqlite_world.ctx) if e.action == "preference.language")
    assert (entry.actor, entry.detail) == ("ana", "system -> fr")


def test_saved_language_applies_unless_lang_or_vpp_lang_chose(sqlite_world,
                                                               monkeypatch) -> None:
    class Runtime:
        ctx = sqlite_world.ctx

    preferences.set_language(sqlite_world.ctx, "zh_CN")
    apply_admin_language(Runtime(), argparse.Namespace(lang="fr"))
    assert current_language() == "en"  # --lang already decided (main applied it)
    monkeypatch.setenv("VPP_LANG", "fr")
    apply_admin_language(Runtime(), argparse.Namespace(lang=None))
    assert current_language() == "en"
    monkeypatch.delenv("VPP_LANG")
    apply_admin_language(Runtime(), argparse.Namespace(lang=None))
    assert current_language() == "zh_CN"


def test_next_language_cycles_through_the_console_languages() -> None:
    assert [next_language(c) for c in (None, "en", "fr", "zh_CN")] == ["en", "fr", "zh_CN", "en"]
