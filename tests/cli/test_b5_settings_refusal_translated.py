"""Fixed (breaker5): a refused `settings set`/`settings reset` under `--lang fr` or `--lang zh_CN`
is audited with the TRANSLATED message as its detail, not English (docs/cli.md: "every
refusal is audited ... English detail whatever --lang says").

Repro (SQLite, any store):
    vpp-tui --lang fr settings set low_license_percent abc      # exit 2
    vpp-tui --lang zh_CN settings reset nope                      # exit 2
    vpp-tui audit --json   # detail: "low_license_percent ne peut pas valoir 'abc' ; ..."
                           #         "没有设置 'nope';请使用以下之一:..."
Other refusals (`--lang fr apps list --token Nowhere`, `token delete Nope`) are English.
Guess: services/settings/__init__.py (`_change`, `reset_setting`) raise
`InvalidInput(str(exc))`; `str()` turns the i18n.Translated message into plain French, so
cli/refusals.audit_refusal's `english()` has nothing left to translate back.
"""

from __future__ import annotations

import json

import pytest

from tests.fuzz.harness import Cli


@pytest.mark.parametrize("argv", [
    ["--lang", "fr", "settings", "set", "low_license_percent", "abc", "--yes"],
    ["--lang", "zh_CN", "settings", "set", "no_such_setting", "1", "--yes"],
    ["--lang", "zh_CN", "settings", "reset", "no_such_setting"],
], ids=["fr-bad-value", "zh-unknown-key", "zh-reset-unknown"])
def test_a_refused_setting_is_audited_in_english(store_url, tmp_path, argv) -> None:
    cli = Cli(store_url, tmp_path)
    outcome = cli.run(*argv)
    assert outcome.code == 2, outcome
    [entry] = [e for e in json.loads(cli.run("audit", "--json").stdout)
               if e["result"] == "refused"]
    assert entry["detail"].isascii(), entry["detail"]
    assert ("no setting" in entry["detail"] or "cannot be" in entry["detail"]
            or "give a number" in entry["detail"]), entry["detail"]
