"""Filters are literal text: only `store/text_match.py` builds a SQL LIKE (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

import vpp_tui

LIKE = re.compile(r"\.(not_)?i?like\(")


def test_only_text_match_builds_a_like() -> None:
    root = Path(vpp_tui.__file__).parent
    allowed = root / "store" / "text_match.py"
    found = [f"{path.relative_to(root)}:{number}"
             for path in sorted(root.rglob("*.py")) if path != allowed
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if LIKE.search(line)]
    assert found == [], "a LIKE outside store/text_match.py: " + ", ".join(found)
