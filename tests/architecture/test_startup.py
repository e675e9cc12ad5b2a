"""Start-up (issue 13): a plain command loads only what it needs.

Structural checks, no timings: `vpp-tui token list` on a store at the current schema
loads no Textual, no Alembic, no simulator, no httpx and no service it does not call;
building the parser loads no SQLAlchemy and no service; every command names the one
module that runs it (COMMAND_MODULES), so running it imports nothing else."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

import pytest

from vpp_tui.cli import COMMAND_MODULES, LATE_MODULES, main
from vpp_tui.cli.parser import build_parser
from vpp_tui.store.engine import open_store

BUILT_IN = {"demo", "serve", "simulator", "audit"}
NOT_FOR_TOKEN_LIST = ("textual", "alembic", "vpp_tui.simulator", "vpp_tui.ui", "httpx",
                      "vpp_tui.services.sync", "vpp_tui.services.licensing",
                      "vpp_tui.services.catalog", "vpp_tui.services.directory",
                      "vpp_tui.apple.client", "cryptography", "babel")
# `vpp-tui status` reads through SQLAlchemy Core alone (issue 13): no model class, no ORM.
NOT_FOR_STATUS = ("textual", "alembic", "vpp_tui.simulator", "vpp_tui.ui", "httpx",
                  "sqlmodel", "pydantic", "sqlalchemy.orm", "vpp_tui.store.models",
                  "vpp_tui.services.licensing", "vpp_tui.services.sync")
# The parser is built for every command, --help and --version included: it names the
# reconcile classes (domain/discrepancy.py) without loading the reconciliation rules.
NOT_FOR_PARSER = ("sqlalchemy", "sqlmodel", "pydantic", "vpp_tui.services", "vpp_tui.store",
                  "vpp_tui.cli.commands", "vpp_tui.domain.reconcile",
                  "vpp_tui.domain.licensing")

PROBE = """
import json, sys
from vpp_tui.cli.parser import build_parser
build_parser()
after_parser = sorted(sys.modules)
from vpp_tui.cli import main
status = main(sys.argv[1:])
after_command = sorted(sys.modules)  # before the models are imported below
from vpp_tui.store import models
validators = sorted(n for n, c in vars(models).items()
                    if hasattr(c, "__table__") and c.__pydantic_complete__)
print(json.dumps({"status": status, "parser": after_parser, "command": after_command,
                  "validators": validators}))
"""


def loaded(names: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return [n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes)]


@pytest.mark.parametrize("output", ["--json", "--csv"])
def test_token_list_loads_no_textual_alembic_simulator_or_other_service(
        tmp_path, output: str) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'vpp.db'}"
    open_store(url).close()  # at the current schema: nothing to migrate
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", url, "--key-file", str(tmp_path / "k"),
         "token", "list", output],
        capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["status"] == 0, done.stderr
    assert loaded(report["parser"], NOT_FOR_PARSER) == []
    assert loaded(report["command"], NOT_FOR_TOKEN_LIST) == []


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
def test_status_loads_no_sqlmodel_pydantic_orm_or_models(tmp_path, json_flag) -> None:
    url = f"sqlite:///{tmp_path / 'vpp.db'}"
    open_store(url).close()
    key = ["--db", url, "--key-file", str(tmp_path / "k")]
    assert main([*key, "token", "list"]) == 0  # the first command claims the store (a write)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *key, "status", *json_flag],
        capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["status"] == 0, done.stderr
    assert loaded(report["command"], NOT_FOR_STATUS) == []


def test_token_list_builds_no_pydantic_validator_of_a_table(tmp_path) -> None:
    # Table models are never validated (SQLModel); building their 23 validators was a
    # quarter of importing store/models/ (store.models.TableModel: defer_build).
    url = f"sqlite:///{tmp_path / 'vpp.db'}"
    open_store(url).close()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", url, "--key-file", str(tmp_path / "k"),
         "token", "list"],
        capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["status"] == 0, done.stderr
    assert report["validators"] == []


def test_every_command_names_the_module_that_runs_it() -> None:
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for command in set(sub.choices) - BUILT_IN:
        module = COMMAND_MODULES.get(command)
        assert module in LATE_MODULES, (
            f"add {command!r}: '<module>' to COMMAND_MODULES in vpp_tui/cli/__init__.py")
        commands = importlib.import_module(f"vpp_tui.cli.commands.{module}").COMMANDS
        assert command in commands, f"{command!r} is not in {module}.COMMANDS"
