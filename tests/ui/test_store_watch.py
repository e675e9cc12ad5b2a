"""What another process's audit entries say changed (`ui.jobs.audited_changes`,
`ui.store_watch`; breaker fault 11)."""

from __future__ import annotations

import re
from pathlib import Path

from vpp_tui.services.changes import MANY
from vpp_tui.ui.jobs import AUDITED_CHANGES, JOB_CHANGES, audited_changes
from vpp_tui.ui.messages import AuditChanged, DirectoryChanged, SettingsChanged

SERVICES = Path(__file__).resolve().parents[2] / "vpp_tui"


def audited_actions() -> set[str]:
    """The action names the code passes to `audit.record` (literal or f-string heads)."""
    found = set()
    for path in SERVICES.rglob("*.py"):
        text = path.read_text()
        found |= set(re.findall(r'record\(\s*\w+,\s*[\w.]+,\s*f?"([a-z_]+)\.', text))
    return found


def test_every_audited_action_says_what_it_changed() -> None:
    actions = audited_actions()
    assert {"directory", "token", "grant", "setting"} <= actions  # the scan finds them
    assert actions - set(AUDITED_CHANGES) == set()


def test_an_import_elsewhere_changes_what_an_import_here_does() -> None:
    assert set(audited_changes({"directory.import"})) == set(JOB_CHANGES["directory.import"])
    assert audited_changes({"access.denied"}) == (AuditChanged,)


def test_an_unknown_action_or_too_many_change_everything() -> None:
    for actions in ({"newthing.done"}, {MANY}):
        found = audited_changes(actions)
        assert DirectoryChanged in found and SettingsChanged in found
