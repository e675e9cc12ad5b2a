"""Start-up of the console (issue 13): importing the app loads the Tokens section only;
each other section's module is imported when the section is first shown."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from vpp_tui.ui.app import section_class
section_class("tokens")  # what the console shows first
print(json.dumps(sorted(m for m in sys.modules if m.startswith("vpp_tui.ui.sections."))))
"""
OTHER_SECTIONS = ("apps", "ebooks", "assignments", "prompts", "directory", "activity",
                  "settings", "access.section", "catalog")


def test_the_console_imports_only_the_tokens_section_at_start() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, check=True)
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert "vpp_tui.ui.sections.tokens.section" in loaded
    assert [m for m in loaded
            if any(m.startswith(f"vpp_tui.ui.sections.{s}") for s in OTHER_SECTIONS)] == []
