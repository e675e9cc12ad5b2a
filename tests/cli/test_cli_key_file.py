"""The key that encrypts token secrets: never silently replaced, refused when unsafe, rotated
in one transaction. Each command runs through `main()` as an admin runs it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import select

from tests.services.conftest import make_world
from vpp_tui.cli import main
from vpp_tui.services import tokens
from vpp_tui.services.context import os_login
from vpp_tui.store import models as m

APPLE_ID = "vpp-admin@appleid.contoso.edu"
NOWHERE = "http://127.0.0.1:9/mdm/v2"  # never called: the key is checked first


# The store's creator is the OS login, who then runs the commands (issue 10: identity).
@pytest.fixture
def sqlite_world(sqlite_store, tmp_path):  # noqa: ANN001, ANN201
    return make_world(sqlite_store, tmp_key=str(tmp_path / "k.key"), actor=os_login())


@pytest.fixture
def world(store, tmp_path):  # noqa: ANN001, ANN201
    return make_world(store, tmp_key=str(tmp_path / "k.key"), actor=os_login())


def add(world, location: str, name: str | None = None) -> None:  # noqa: ANN001
    f = world.token_file(location)
    tokens.add_token(world.ctx, tokens.NewToken(
        name=name or location, apple_id=APPLE_ID, content=f.content, consent=True))


def cli(capsys, world, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["--db", world.ctx.store.url, "--key-file", world.ctx.key_file,
                 "--apple", NOWHERE, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def sync_states(world) -> set[str]:  # noqa: ANN001
    with world.ctx.store.session() as session:
        return set(session.exec(select(m.Token.last_sync_status)).all())


def test_deleted_key_file_is_an_error_not_a_new_key(sqlite_world, capsys, tmp_path) -> None:
    add(sqlite_world, "North Campus")
    key = Path(sqlite_world.ctx.key_file)
    key.unlink()
    token_file = tmp_path / "south.vpptoken"
    token_file.write_text(sqlite_world.token_file("South Campus").content)
    for command in (["token", "list"], ["sync", "--all"],
                    ["token", "add", str(token_file), "--name", "South", "--apple-id",
                     APPLE_ID, "--consent"]):
        code, out, err = cli(capsys, sqlite_world, *command)
        assert code == 1, (command, err)
        line = one_error_line(err)
        assert str(key) in line and "missing" in line and "restore" in line
        assert not key.exists(), f"{command} made a new key"
    assert sync_states(sqlite_world) == {"none"}
    with sqlite_world.ctx.store.session() as session:
        assert session.exec(select(m.Token.name)).all() == ["North Campus"]


@pytest.mark.parametrize("kind", ["wrong", "garbage"])
def test_wrong_key_file_is_one_error_line(sqlite_world, capsys, kind) -> None:
    add(sqlite_world, "North Campus")
    key = Path(sqlite_world.ctx.key_file)
    key.write_bytes(Fernet.generate_key() if kind == "wrong" else b"not a key\n")
    for command in (["token", "list"], ["token", "show", "North Campus"], ["sync", "--all"]):
        code, _out, err = cli(capsys, sqlite_world, *command)
        assert code == 1, (command, err)
        line = one_error_line(err)
        assert str(key) in line
        assert ("does not decrypt" if kind == "wrong" else "not a vpp-tui key") in line
    assert sync_states(sqlite_world) == {"none"}


def test_world_readable_key_file_is_refused(sqlite_world, capsys) -> None:
    add(sqlite_world, "North Campus")
    key = Path(sqlite_world.ctx.key_file)
    key.chmod(0o644)
    code, _out, err = cli(capsys, sqlite_world, "token", "list")
    assert code == 1
    line = one_error_line(err)
    assert "other users" in line and f"chmod 600 {key}" in line
    key.chmod(0o600)
    code, _out, err = cli(capsys, sqlite_world, "token", "list")
    assert code == 0, err


def test_first_token_makes_a_private_key(sqlite_world) -> None:
    key = Path(sqlite_world.ctx.key_file)
    assert not key.exists()
    add(sqlite_world, "North Campus")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_key_rotate_reencrypts_every_secret(world, capsys) -> None:
    add(world, "North Campus")
    add(world, "South Campus")
    key = Path(world.ctx.key_file)
    old = key.read_bytes().strip()
    before = {name: tokens.bearer_of(world.ctx, name) for name in ("North Campus", "South Campus")}
    code, out, err = cli(capsys, world, "key", "rotate")
    assert code == 0, err
    assert "2" in out
    new = key.read_bytes().strip()
    assert new != old
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert sorted(p.name for p in key.parent.iterdir() if p.name.startswith(key.name)) == [
        key.name]  # no backup or temporary key left once the transaction committed
    with world.ctx.store.session() as session:
        secrets = session.exec(select(m.Token.secret)).all()
    assert len(secrets) == 2
    for secret in secrets:
        Fernet(new).decrypt(secret)
        with pytest.raises(InvalidToken):
            Fernet(old).decrypt(secret)
    after = {name: tokens.bearer_of(world.ctx, name) for name in before}
    assert after == before
    code, _out, err = cli(capsys, world, "token", "list")
    assert code == 0, err


def test_failed_key_rotation_keeps_the_old_key(sqlite_world, capsys, monkeypatch) -> None:
    from vpp_tui.services import audit

    add(sqlite_world, "North Campus")
    key = Path(sqlite_world.ctx.key_file)
    old = key.read_bytes()

    def broken(*_args, **_kwargs) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        cli(capsys, sqlite_world, "key", "rotate")
    assert key.read_bytes() == old
    assert sorted(p.name for p in key.parent.iterdir() if p.name.startswith(key.name)) == [
        key.name]
    assert tokens.bearer_of(sqlite_world.ctx, "North Campus")


def test_key_rotate_with_no_key_yet_is_one_error_line(sqlite_world, capsys) -> None:
    code, _out, err = cli(capsys, sqlite_world, "key", "rotate")
    assert code == 1
    assert "no key" in one_error_line(err)
    assert not os.path.exists(sqlite_world.ctx.key_file)


def test_sync_with_a_deleted_key_leaves_no_token_in_progress(sqlite_world) -> None:
    from vpp_tui.services import sync
    from vpp_tui.store.secrets import SecretKeyError

    add(sqlite_world, "North Campus")
    Path(sqlite_world.ctx.key_file).unlink()
    with pytest.raises(SecretKeyError, match="missing"):
        sync.sync_token(sqlite_world.ctx, "North Campus")
    with pytest.raises(SecretKeyError, match="missing"):
        sync.sync_all(sqlite_world.ctx)
    assert sync_states(sqlite_world) == {"none"}
    assert not Path(sqlite_world.ctx.key_file).exists()
