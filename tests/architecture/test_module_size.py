"""Modules stay small (the quality bar in design.md: modules under 400 lines)."""

from __future__ import annotations

from pathlib import Path

import vpp_tui

LIMIT = 400


def test_every_module_of_the_package_is_at_most_400_lines() -> None:
    root = Path(vpp_tui.__file__).parent
    long = {str(path.relative_to(root)): n for path in root.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert long == {}, f"split these modules into a package: {long}"
