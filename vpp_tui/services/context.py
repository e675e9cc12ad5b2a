"""Who is acting, on which store, against which Apple: passed to every service call."""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vpp_tui.apple.clock import Clock, SystemClock
from vpp_tui.domain.tokens import ActionHints
from vpp_tui.store.engine import Store

# Builds an Apple client for one token's bearer; set by the caller (real Apple,
# an in-process simulator, or a served one).
AppleFactory = Callable[..., Any]


def os_login() -> str:
    """The account this process runs as (over SSH, the login the admin used).

    Read from the effective uid, never from LOGNAME/USER, which anyone can set: the OS
    login decides what `--as` may do (issue 10). Without a passwd entry (a bare container)
    it falls back to getpass."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, AttributeError):
        pass
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container without passwd entry)
        return os.environ.get("USER", "admin")


def resolve_actor(explicit: str | None = None) -> str:
    """`--as`, then VPP_ADMIN, then the OS login (the SSH user). Whether the OS login may
    act as the name asked for is `services.access.identity.check_identity`'s answer."""
    if explicit is not None:  # `--as ''` is a blank name, refused, not "no --as"
        return explicit
    return os.environ.get("VPP_ADMIN") or os_login()


@dataclass
class ServiceContext:
    store: Store
    actor: str
    apple: AppleFactory | None = None
    apple_url: str | None = None
    key_file: str | None = None
    clock: Clock = field(default_factory=SystemClock)
    # Set to stop long work (sync, bulk assignment) between Apple calls.
    cancel: threading.Event = field(default_factory=threading.Event)
    # How advice names actions (domain.tokens.ActionHints): the console's keys when None,
    # the command line's commands when the CLI sets `cli_hints()`.
    action_hints: ActionHints | None = None
    # The queued job this context runs (`services.jobs.worker`), for what it posts to Apple.
    job_id: int | None = None
    # One-line notices a service wants the admin to see beside its answer (a broken stored
    # setting replaced by its default); the CLI prints each as `warning: …` on stderr.
    notices: list[str] = field(default_factory=list)

    def notice(self, text: str) -> None:
        """Add `text` to `notices` once."""
        if text not in self.notices:
            self.notices.append(text)
