"""`vpp-tui serve`: the served console gets every global option; loopback unless allowed."""

from __future__ import annotations

import pytest

from vpp_tui.cli import main


class FakeServer:
    """Stands in for textual-serve's Server: records what it was asked to run."""

    made: list[FakeServer] = []

    def __init__(self, command: str, host: str, port: int) -> None:
        self.command, self.host, self.port = command, host, port
        FakeServer.made.append(self)

    def serve(self) -> None:
        pass


@pytest.fixture
def server(monkeypatch):  # noqa: ANN201
    import textual_serve.server

    FakeServer.made = []
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    return FakeServer.made


def test_serve_passes_apple_and_key_file_to_the_served_console(server, tmp_path) -> None:
    """Fault: `--apple` and `--key-file` were dropped, so the served console made a new key,
    could not decrypt tokens and would have called Apple's real service."""
    db, key = f"sqlite:///{tmp_path / 's.db'}", str(tmp_path / "k.key")
    assert main(["--db", db, "--apple", "http://127.0.0.1:8787/mdm/v2", "--key-file", key,
                 "--as", "ana", "serve"]) == 0
    command = server[0].command
    for part in (f"--db {db}", "--apple http://127.0.0.1:8787/mdm/v2", f"--key-file {key}",
                 "--as ana"):
        assert part in command
    assert server[0].host == "127.0.0.1"


def test_serve_refuses_a_non_loopback_host_without_allow_remote(server, capsys) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1 and "--allow-remote" in err
    assert server == []


def test_serve_allow_remote_says_what_it_exposes(server, capsys) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--allow-remote"]) == 0
    out = capsys.readouterr().out
    assert "anyone who can reach port 8000" in out and "no TLS" in out
    assert server[0].host == "0.0.0.0"


def test_serve_with_the_global_demo_flag_serves_the_demo(server) -> None:
    assert main(["--demo", "serve"]) == 0
    assert server[0].command.endswith(" demo")
    assert "--db" not in server[0].command


def test_serve_with_demo_and_a_store_is_refused(server, capsys, tmp_path) -> None:
    assert main(["--demo", "--db", f"sqlite:///{tmp_path / 's.db'}", "serve"]) == 2
    assert capsys.readouterr().err.startswith("error: --demo")
    assert server == []
