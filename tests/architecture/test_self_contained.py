"""A clone works with nothing beside it: no file of the project reads the spec folder that
sat next to the repository while it was written (`../` or `/work/` followed by the folder's
name; issue 11: a fresh clone failed `test_limits_have_defaults_when_apple_omits_them`)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("vpp_tui", "tests", "bench", "scripts", ".ci")
TEXT_SUFFIXES = {".py", ".md", ".json", ".toml", ".cfg", ".sh", ".txt", ".ini", ".yaml", ""}
SPEC = "sha" "red"  # in pieces, so that .ci/run's grep does not find this file
OUTSIDE = re.compile("|".join((r"\.\./" + SPEC, "/work/" + SPEC,
                               r"parents\[\d\]\s*/\s*[\"']" + SPEC)))


def project_files() -> list[Path]:
    files = []
    for top in CHECKED:
        for path in (ROOT / top).rglob("*"):
            if (path.is_file() and path.suffix in TEXT_SUFFIXES and path != Path(__file__)
                    and "__pycache__" not in path.parts):
                files.append(path)
    return files + [ROOT / "README.md", ROOT / "run", ROOT / "pyproject.toml"]


def test_nothing_reads_the_spec_folder_beside_the_repository() -> None:
    found = []
    for path in project_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "copy what these need into the repository:\n" + "\n".join(found)


def test_readme_points_at_the_repository_docs_not_the_spec_folder() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{SPEC}/cli.md" not in readme
    assert "docs/cli.md" in readme
    assert (ROOT / "docs" / "cli.md").is_file()


def test_the_apple_examples_the_tests_use_are_in_the_repository() -> None:
    assert (ROOT / "tests" / "simulator" / "data" / "apple-examples.json").is_file()
