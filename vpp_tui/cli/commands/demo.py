"""The offline demo: its own store and key in the data directory, the in-process simulator
as its Apple (kept on disk beside the store), the token files to try add and renew with, and
`vpp-tui --demo <command>` (any command on that store and that Apple)."""

from __future__ import annotations

import os
import sys
from argparse import Namespace
from pathlib import Path

from vpp_tui.cli.output import BadInput
from vpp_tui.cli.runtime import SIM, Runtime, build_runtime
from vpp_tui.i18n import _
from vpp_tui.store.engine import data_dir

DEMO_DB = "demo.db"
TRY_DIR = "demo-tokens"


def demo_paths() -> tuple[str, str]:
    """(store URL, key file) of the demo, in the data directory (`VPP_DATA_DIR`)."""
    db = data_dir() / DEMO_DB
    return f"sqlite:///{db}", str(db) + ".key"


def try_dir() -> Path:
    """Where the demo writes its token files to try add and renew with: beside its store."""
    return data_dir() / TRY_DIR


def reset_demo_store() -> None:
    """Delete the demo's store, key and Apple world (`--reset`); the files to try stay and
    are rewritten at the next start."""
    db = data_dir() / DEMO_DB
    for suffix in ("", "-wal", "-shm", ".key", ".sim"):
        path = db.with_name(db.name + suffix)
        if path.exists():
            path.unlink()


def demo_requested(args: Namespace) -> bool:
    """True for `vpp-tui --demo …`. BadInput (exit 2) when --db, --apple or --key-file is
    given too: the demo has its own store, key and Apple."""
    if not getattr(args, "demo_store", False):
        return False
    given = [flag for flag, value in (("--db", args.db), ("--apple", args.apple),
                                      ("--key-file", args.key_file)) if value]
    if given:
        raise BadInput(_("--demo uses the demo's own store, key and Apple; drop {options} "
                         "or drop --demo").format(options=", ".join(given)))
    return True


def prepare_demo(args: Namespace, *, announce: bool = False) -> Runtime:
    """The demo's own store and key, the in-process simulator, its seed data, and the token
    files to try (`write_try_files`; `announce`: say where they are on stdout). VPP_DB,
    VPP_APPLE_URL and VPP_KEY_FILE do not apply.

    A demo that is already seeded, with its Apple world and its files to try on disk and
    nothing to announce, opens without loading the simulator: it loads when a command
    first calls Apple (so `vpp-tui --demo token list` starts as fast as any store)."""
    url, key = demo_paths()
    sim_file = Path(key).with_suffix(".sim")
    if getattr(args, "reset", False):
        reset_demo_store()
    elif (data_dir() / DEMO_DB).exists() and not sim_file.exists():
        # The demo store without its Apple world cannot authenticate: start both afresh.
        sys.stderr.write(_("The demo's Apple world was missing; the demo starts afresh.") + "\n")
        reset_demo_store()
    args.apple = SIM
    args.key_file = key
    ready = (not announce and sim_file.exists() and try_dir().is_dir()
             and any(try_dir().glob("*.vpptoken")))
    runtime = build_runtime(args, db_url=url, simulator_file=sim_file, demo=True)
    try:
        if ready and _is_seeded(runtime):
            return runtime
        written = _fill(runtime, sim_file)
    except Exception:
        runtime.close()
        raise
    if announce:
        announce_try_files(written)
    return runtime


def _is_seeded(runtime: Runtime) -> bool:
    from vpp_tui.services.demo import is_seeded

    return is_seeded(runtime.ctx)


def _fill(runtime: Runtime, sim_file: Path) -> list[tuple[Path, str, str]]:
    """Seed the demo store once, give the world its files to try and write them."""
    from vpp_tui.services import demo as demo_service
    from vpp_tui.simulator.worlds import add_try_files, demo_directory, loaded_files

    sim = runtime.simulator
    files = [demo_service.DemoToken(location_name=f.location_name, content=f.content)
             for f in loaded_files(sim)]
    seeded = demo_service.seed(runtime.ctx, files, demo_directory())
    if seeded:
        demo_service.add_intent(runtime.ctx)
    known = len(sim.tokens)
    add_try_files(sim)
    if seeded or len(sim.tokens) != known:
        sim.save(sim_file)
    return write_try_files(sim)


def write_try_files(sim) -> list[tuple[Path, str, str]]:  # noqa: ANN001
    """Write the demo world's files to try (simulator.worlds.try_files) into `try_dir()`,
    0600 like every token file; returns (path, location, purpose: "add" or "renew")."""
    from vpp_tui.simulator.worlds import RENEWAL, try_files

    folder = try_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    written = []
    for f in try_files(sim):
        path = folder / f.filename
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(f.content + "\n")
        written.append((path, f.location_name, "renew" if f.reason == RENEWAL else "add"))
    return written


def announce_try_files(written: list[tuple[Path, str, str]]) -> None:
    """Say where the files to try are and what each is for (stdout, before the console)."""
    print(_("Token files to try in the demo are in {folder}:").format(folder=try_dir()))
    for path, location, purpose in written:
        if purpose == "renew":
            print("  " + _("{file}: renew the expiring token {name} with it").format(
                file=path.name, name=location))
        else:
            print("  " + _("{file}: add it as a new token ({name})").format(
                file=path.name, name=location))
    print(_("The same store from the command line: vpp-tui --demo token list"))
