"""The fr and zh_CN catalogs: complete, placeholders kept, .mo compiled from .po, and no
text translated at import time (it would never switch language)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from vpp_tui.i18n import catalogs

PACKAGE = Path(catalogs.PACKAGE_DIR)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return catalogs.extract()  # about 2 s: once for the module


def test_catalogs_are_complete_and_compiled(template: Catalog) -> None:
    assert catalogs.check(template=template) == []


def test_every_msgstr_has_the_placeholders_of_its_msgid() -> None:
    for lang in catalogs.LANGUAGES:
        catalog = catalogs.read(catalogs.po_path(lang), lang)
        wrong = [p for p in catalogs.catalog_problems(catalog, catalog, lang)
                 if p.what.startswith("placeholders")]
        assert wrong == []


def test_placeholder_check_finds_a_dropped_or_renamed_placeholder() -> None:
    template = Catalog(locale="fr")
    template.add("{n} of {total}")
    template.add(("{n} day", "{n} days"))
    catalog = Catalog(locale="fr")
    catalog.add("{n} of {total}", "{n} sur {totale}")
    catalog.add(("{n} day", "{n} days"), ("{n} jour", "jours"))
    problems = [p.what for p in catalogs.catalog_problems(template, catalog, "fr")]
    assert len(problems) == 2 and all(w.startswith("placeholders") for w in problems)


def test_check_reports_missing_fuzzy_and_untranslated_entries() -> None:
    template = Catalog(locale="fr")
    for msgid in ("gone", "fuzzy", "empty"):
        template.add(msgid)
    catalog = Catalog(locale="fr")
    catalog.add("fuzzy", "flou", flags=["fuzzy"])
    catalog.add("empty", "")
    problems = {(p.msgid, p.what) for p in catalogs.catalog_problems(template, catalog, "fr")}
    assert problems == {("gone", "missing"), ("fuzzy", "fuzzy"), ("empty", "untranslated")}


def test_check_reports_a_stale_mo(tmp_path: Path, template: Catalog) -> None:
    locale_dir = tmp_path / "locale"
    for lang in catalogs.LANGUAGES:
        po = catalogs.po_path(lang, locale_dir)
        po.parent.mkdir(parents=True)
        po.write_bytes(catalogs.po_path(lang).read_bytes())
        po.with_suffix(".mo").write_bytes(catalogs.po_path(lang).with_suffix(".mo").read_bytes())
    assert catalogs.check(locale_dir=locale_dir, template=template) == []
    fr = catalogs.po_path("fr", locale_dir)
    fr.write_text(fr.read_text(encoding="utf-8").replace('msgstr "Jetons"', 'msgstr "Jetons!"'),
                  encoding="utf-8")
    assert any("not compiled" in line
               for line in catalogs.check(locale_dir=locale_dir, template=template))


def test_extraction_finds_every_keyword(template: Catalog) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert "Tokens" in ids  # _()
    assert "Show the keys of this screen" in ids  # N_() inside a module-level Command
    assert "{n} day ago" in ids  # ngettext()


def _import_time_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[int] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if (not in_function and isinstance(child, ast.Call)
                    and isinstance(child.func, ast.Name) and child.func.id in ("_", "ngettext")):
                found.append(child.lineno)
            walk(child, inside)

    walk(tree, False)
    return found


def test_no_text_is_translated_at_import_time() -> None:
    """Module and class bodies mark text with N_() and translate it where it is shown."""
    offenders = {str(p.relative_to(PACKAGE.parent)): lines for p in PACKAGE.rglob("*.py")
                 if "migrations" not in p.parts and (lines := _import_time_calls(p))}
    assert offenders == {}


def test_compiled_catalogs_are_in_the_repository() -> None:
    """Fault: `*.mo` was in .gitignore, so a fresh clone had no compiled catalog and every
    language showed English. Each language's `.po` and `.mo` must be tracked by git."""
    import shutil
    import subprocess

    root = PACKAGE.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "vpp_tui/locale"], cwd=root, text=True,
                             capture_output=True, check=True).stdout.split()
    for lang in catalogs.LANGUAGES:
        for suffix in ("po", "mo"):
            assert f"vpp_tui/locale/{lang}/LC_MESSAGES/vpp_tui.{suffix}" in tracked
