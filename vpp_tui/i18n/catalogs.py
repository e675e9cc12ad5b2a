"""The translation catalogs as files: extract, merge, compile and check them (Babel).

Used by `scripts/i18n_update` (extract → merge into every `.po` → compile `.mo`) and
`scripts/i18n_check` (CI: every extracted string translated in every catalog, same
placeholders, `.mo` compiled from the `.po` as committed), and by the catalog tests.
The `.mo` files are committed so a fresh clone (an editable install) works with no build
step; the check keeps them in step with the `.po`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from vpp_tui.i18n import DOMAIN, LOCALE_DIR

LANGUAGES = ("fr", "zh_CN")
# gettext's plural rules (GNU gettext manual, "Plural forms"): French singular for 0 and 1,
# Chinese one form. Fixed here rather than CLDR's (which adds a French form for millions).
PLURALS = {"fr": (2, "(n > 1)"), "zh_CN": (1, "0")}
# The functions whose string arguments are user-facing text (Babel keyword specs).
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PACKAGE_DIR = LOCALE_DIR.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
_FIELD = re.compile(r"(?<!\{)\{([^{}]*)\}")


def po_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """`<locale_dir>/<lang>/LC_MESSAGES/vpp_tui.po`."""
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(package_dir: Path = PACKAGE_DIR) -> Catalog:
    """Every `_()`, `N_()` and `ngettext()` string under `package_dir` as a template
    catalog (msgid, or (singular, plural) for plurals), with source locations."""
    template = Catalog(project="vpp-tui", domain=DOMAIN)
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
            str(package_dir), method_map=method_map, keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if isinstance(message, tuple) and any(part is None for part in message):
            message = message[0]
        template.add(message, None, [(f"{package_dir.name}/{filename}", lineno)],
                     auto_comments=comments, context=context)
    return template


def read(path: Path, lang: str | None = None) -> Catalog:
    """The `.po` at `path` as a Babel catalog."""
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def write(catalog: Catalog, path: Path) -> None:
    """`catalog` as a `.po` at `path` (sorted by source location; no line wrapping)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, include_previous=True)


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled `.mo` of `catalog` (fuzzy entries left out), byte-for-byte stable."""
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def placeholders(text: str) -> list[str]:
    """The `{name}` fields of `text`, sorted, repeats kept: "{n} of {total}" ->
    ["{n}", "{total}"]; doubled braces `{{` are literal and not counted."""
    return sorted("{" + m + "}" for m in _FIELD.findall(text.replace("{{", "").replace("}}", "")))


@dataclass(frozen=True)
class Problem:
    """One reason a catalog is not ready: `lang`, the msgid and what is wrong."""

    lang: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.lang}: {self.what}: {self.msgid!r}"


def _ids(message) -> tuple[str, ...]:  # noqa: ANN001 - a Babel Message
    return message.id if isinstance(message.id, tuple) else (message.id,)


def catalog_problems(template: Catalog, catalog: Catalog, lang: str) -> list[Problem]:
    """What keeps `catalog` from covering `template`: entries missing, untranslated or
    fuzzy, a plural without every form, and a translation whose `{placeholders}` differ
    from its msgid's (each plural form against the singular or plural it stands for)."""
    found: list[Problem] = []
    for message in template:
        if not message.id:
            continue
        key = _ids(message)[0]
        have = catalog.get(key)
        if have is None:
            found.append(Problem(lang, key, "missing"))
            continue
        strings = have.string if isinstance(have.string, tuple) else (have.string,)
        if have.fuzzy:
            found.append(Problem(lang, key, "fuzzy"))
        if not all(strings):
            found.append(Problem(lang, key, "untranslated"))
            continue
        ids = _ids(message)
        wanted = {tuple(placeholders(i)) for i in ids}
        for text in strings:
            if tuple(placeholders(text)) not in wanted:
                found.append(Problem(lang, key, f"placeholders {placeholders(text)} in "
                                                f"{text!r} differ from the msgid's"))
    return found


def check(package_dir: Path = PACKAGE_DIR, locale_dir: Path = LOCALE_DIR,
          template: Catalog | None = None) -> list[str]:
    """Every problem, one line each ([] when the catalogs are complete and compiled):
    the checks of `catalog_problems` for each language, and a `.mo` that is missing or
    differs from the compiled `.po`. `template`: already extracted (else extracted here)."""
    template = template if template is not None else extract(package_dir)
    lines: list[str] = []
    for lang in LANGUAGES:
        po = po_path(lang, locale_dir)
        if not po.exists():
            lines.append(f"{lang}: no catalog at {po}")
            continue
        catalog = read(po, lang)
        lines += [str(p) for p in catalog_problems(template, catalog, lang)]
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            lines.append(f"{lang}: {mo} is not compiled from {po.name}; run scripts/i18n_update")
    return lines


def _set_header(catalog: Catalog, lang: str) -> None:
    """The header every catalog carries: project, team, plural rule; not fuzzy."""
    catalog._num_plurals, catalog._plural_expr = PLURALS[lang]  # Babel has no setter
    catalog.fuzzy = False
    catalog.project, catalog.version = "vpp-tui", "0.1"
    catalog.last_translator = catalog.language_team = "vpp-tui <i18n@vpp-tui.invalid>"
    catalog.copyright_holder = "vpp-tui"
    catalog.revision_date = catalog.creation_date


def update(package_dir: Path = PACKAGE_DIR, locale_dir: Path = LOCALE_DIR,
           template_path: Path | None = None) -> list[str]:
    """Merge the template (`template_path`, as `pybabel extract` wrote it, else extracted
    here and written to `<locale_dir>/vpp_tui.pot`) into each `.po` (new strings empty,
    changed ones fuzzy, gone ones dropped), write the `.po` and compile the `.mo`; returns
    the problems left (as `check` reports them)."""
    if template_path is not None:
        template = read(template_path)
    else:
        template = extract(package_dir)
        write(template, locale_dir / f"{DOMAIN}.pot")
    for lang in LANGUAGES:
        po = po_path(lang, locale_dir)
        catalog = read(po, lang) if po.exists() else Catalog(locale=lang, domain=DOMAIN,
                                                             project="vpp-tui")
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        _set_header(catalog, lang)
        catalog.obsolete.clear()
        write(catalog, po)
        po.with_suffix(".mo").write_bytes(mo_bytes(read(po, lang)))
    return check(package_dir, locale_dir, template)
