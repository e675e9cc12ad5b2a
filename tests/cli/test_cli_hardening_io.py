"""Faults a breaker found in how commands read the admin's files and write their output.

Each test runs `vpp-tui` as a real process on a real SQLite store (`vpp` from
test_cli_directory). The process gets 1.5 GiB of address space (RLIMIT_AS), as a small
admin host has: before the fix, reading `/dev/zero` or a 2 GB sparse file whole ended in
a MemoryError traceback; a full disk on stdout ended in an OSError traceback.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from vpp_tui.domain.text import quote

MEMORY = 3 * 2 ** 29  # 1.5 GiB
# The limits (domain.limits.TOKEN_LIMIT, MAX_DIRECTORY_FILE_BYTES), as the
# error line names them.
TOKEN_LIMIT, TOKEN_LIMIT_TEXT = 64 * 2 ** 10, "64 KiB"
DIRECTORY_LIMIT_TEXT = "64 MiB"


def _small_host() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def vpp(tmp: Path, *args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run([sys.executable, "-m", "vpp_tui.cli", "--db",
                           f"sqlite:///{tmp / 'store.db'}", "--apple", "sim", *args],
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120,
                          preexec_fn=_small_host)


def one_error(result: subprocess.CompletedProcess, code: int, *said: str) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == code, result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for text in said:
        assert text in lines[0], lines[0]
    return lines[0]


def sparse(tmp: Path, size: int) -> str:
    """A sparse file of `size` bytes; the error line names it as `quote` gives it (clipped
    to 80 characters: a CI machine's temporary folder can be longer than that)."""
    path = tmp / "big.file"
    with path.open("wb") as handle:
        handle.truncate(size)
    return str(path)


TOKEN_ADD = ("token", "add", "--name", "North", "--apple-id", "vpp@appleid.contoso.edu",
             "--consent")


@pytest.mark.parametrize("source", ["/dev/zero", "sparse"])
def test_directory_import_of_dev_zero_or_a_2_gb_sparse_file_is_refused_naming_the_limit(
        tmp_path: Path, source: str) -> None:
    path = sparse(tmp_path, 2 * 2 ** 30) if source == "sparse" else source
    result = vpp(tmp_path, "directory", "import", path)
    one_error(result, 2, quote(path), DIRECTORY_LIMIT_TEXT, "larger than")


@pytest.mark.parametrize("source", ["/dev/zero", "sparse"])
def test_token_add_of_dev_zero_or_a_2_gb_sparse_file_is_refused_naming_the_limit(
        tmp_path: Path, source: str) -> None:
    path = sparse(tmp_path, 2 * 2 ** 30) if source == "sparse" else source
    result = vpp(tmp_path, *TOKEN_ADD[:2], path, *TOKEN_ADD[2:])
    one_error(result, 2, quote(path), TOKEN_LIMIT_TEXT)
    assert vpp(tmp_path, "token", "list", "--json").stdout.strip() == "[]"


def test_token_file_one_byte_over_the_limit_is_refused_and_at_the_limit_is_read(
        tmp_path: Path) -> None:
    over = tmp_path / "over.vpptoken"
    over.write_bytes(b"A" * (TOKEN_LIMIT + 1))
    one_error(vpp(tmp_path, *TOKEN_ADD[:2], str(over), *TOKEN_ADD[2:]), 2, "larger than")
    at = tmp_path / "at.vpptoken"
    at.write_bytes(b"A" * TOKEN_LIMIT)  # read, then refused as not a token file
    line = one_error(vpp(tmp_path, *TOKEN_ADD[:2], str(at), *TOKEN_ADD[2:]), 2)
    assert "larger than" not in line


def test_directory_import_of_a_fifo_reads_what_the_writer_sent(tmp_path: Path) -> None:
    fifo = tmp_path / "users.fifo"
    os.mkfifo(fifo)
    process = subprocess.Popen([sys.executable, "-m", "vpp_tui.cli", "--db",
                                f"sqlite:///{tmp_path / 'store.db'}", "directory", "import",
                                str(fifo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    with fifo.open("w") as writer:  # opens once the command opens its end
        writer.write('{"users": [{"upn": "ana@contoso.com"}]}')
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "users +1" in out


def test_directory_import_of_a_folder_is_one_error_line(tmp_path: Path) -> None:
    one_error(vpp(tmp_path, "directory", "import", str(tmp_path)), 2, "is a folder")


@pytest.mark.parametrize("json_flag", [(), ("--json",)], ids=["table", "json"])
def test_token_list_to_a_full_disk_is_one_error_line_exit_1(tmp_path: Path,
                                                              json_flag: tuple) -> None:
    assert vpp(tmp_path, "token", "list").returncode == 0  # the store exists
    with open("/dev/full", "w") as full:
        result = vpp(tmp_path, "token", "list", *json_flag, stdout=full)
    one_error(result, 1, "error: cannot write output: No space left on device")


def test_output_to_a_closed_pipe_stays_quiet_exit_141(tmp_path: Path) -> None:
    assert vpp(tmp_path, "token", "list").returncode == 0
    read, write = os.pipe()
    os.close(read)
    with os.fdopen(write, "w") as closed:
        result = vpp(tmp_path, "token", "list", "--json", stdout=closed)
    assert (result.returncode, result.stderr) == (141, "")


def test_the_limits_named_here_are_the_domain_limits() -> None:
    from vpp_tui.domain.limits import (
        MAX_DIRECTORY_FILE_BYTES,
        MAX_TOKEN_FILE_BYTES,
        byte_size,
    )

    assert (MAX_TOKEN_FILE_BYTES, byte_size(MAX_TOKEN_FILE_BYTES)) == (TOKEN_LIMIT,
                                                                        TOKEN_LIMIT_TEXT)
    assert byte_size(MAX_DIRECTORY_FILE_BYTES) == DIRECTORY_LIMIT_TEXT
