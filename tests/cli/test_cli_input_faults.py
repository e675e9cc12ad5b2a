"""Faults a breaker session found in this round's commands (issues 13, 14): each bad input
is one `error:` line with its exit code, never a traceback or a server's log."""

from __future__ import annotations

import socket
from pathlib import Path

from vpp_tui.cli import main


def _run(capsys, tmp_path: Path, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["--db", f"sqlite:///{tmp_path / 'store.db'}",
                 "--key-file", str(tmp_path / "k.key"), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_fault_a_job_id_too_large_for_the_store_is_bad_usage(capsys, tmp_path) -> None:  # noqa: ANN001
    code, _out, err = _run(capsys, tmp_path, "jobs", "cancel", "9" * 25)
    assert code == 2
    assert "is not a job id" in err and "Traceback" not in err


def test_fault_listen_on_a_busy_port_is_one_error_line(capsys, tmp_path) -> None:  # noqa: ANN001
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        code, out, err = _run(capsys, tmp_path, "listen", "--port", str(port))
    assert code == 1 and out == ""
    assert err.startswith(f"error: cannot listen on 127.0.0.1:{port}:")
    assert err.count("\n") == 1 and "listening" not in err


def test_listen_with_an_empty_host_is_bad_usage(capsys, tmp_path) -> None:  # noqa: ANN001
    code, _out, err = _run(capsys, tmp_path, "listen", "--host", "")
    assert code == 2 and err.startswith("error: --host is empty")
