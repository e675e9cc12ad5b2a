"""Breaker4 (fixed): some refusals print the admin's whole input, or a traceback, for a long value.

`domain.text.quote` exists so "an `error:` line stays one short line whatever was given"
(80 characters of the value, then "(N characters)"); most commands use it (`token show`,
`sync`, `--as`, `jobs cancel`…). These do not:
    vpp-tui audit --since "2026-01-01$(python3 -c 'print("x"*90000)')"
        -> "error: since: 2026-01-01xxxx…" with all 90,000 characters
    vpp-tui directory import "/tmp/$(python3 -c 'print("k"*90000)')"
        -> "error: cannot read /tmp/kkkk…" with the whole path
    vpp-tui --db "$(python3 -c 'print("x"*90000)')" token list  -> the whole value (exit 2); a
        sqlite:/// URL that long: "error: cannot create the store dddd…", all of it, exit 1
    vpp-tui --key-file "/tmp/$(python3 -c 'print("k"*300)')" token list
        -> a 30-line traceback ending "OSError: [Errno 36] File name too long", exit 1
"""

from __future__ import annotations

from tests.cli.test_cli_key_file import NOWHERE, cli, one_error_line, sqlite_world  # noqa: F401
from vpp_tui.cli import main

LONG = 5_000


def test_audit_since_long_value_is_one_short_line(sqlite_world, capsys) -> None:  # noqa: F811
    code, _out, err = cli(capsys, sqlite_world, "audit", "--since", "2026-01-01" + "x" * LONG)
    assert code == 2
    assert len(one_error_line(err)) < 400


def test_directory_import_long_path_is_one_short_line(sqlite_world, capsys, tmp_path) -> None:  # noqa: F811
    code, _out, err = cli(capsys, sqlite_world, "directory", "import",
                          str(tmp_path / ("k" * 200) / ("k" * LONG)))
    assert code == 2
    assert len(one_error_line(err)) < 400


def test_long_db_url_is_one_short_line(capsys) -> None:
    code = main(["--db", "notaurl" + "d" * LONG, "--apple", NOWHERE, "token", "list"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(one_error_line(err)) < 400


def test_key_file_name_too_long_is_one_error_line(sqlite_world, capsys, tmp_path) -> None:  # noqa: F811
    code = main(["--db", sqlite_world.ctx.store.url, "--key-file",
                 str(tmp_path / ("k" * 300)), "--apple", NOWHERE, "token", "list"])
    err = capsys.readouterr().err
    assert code == 1  # as every other key file that cannot be used (missing, unreadable)
    line = one_error_line(err)
    assert len(line) < 400 and "File name too long" in line and "--key-file" in line


def test_long_sqlite_url_is_one_short_line(capsys, tmp_path) -> None:
    code = main(["--db", f"sqlite:///{tmp_path}/" + "d" * LONG, "--apple", NOWHERE,
                 "token", "list"])
    err = capsys.readouterr().err
    assert code == 1
    line = one_error_line(err)
    assert "cannot create the store" in line and len(line) < 400


def test_long_unsupported_store_is_one_short_line(capsys) -> None:
    code = main(["--db", "x" * LONG + "://host/db", "--apple", NOWHERE, "token", "list"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(one_error_line(err)) < 400
