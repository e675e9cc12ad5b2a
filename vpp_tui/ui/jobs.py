"""Jobs that write the store: what each one changes, and how one is run and stopped.

`JOB_CHANGES` is the one place that says which parts of the store a finished job has
changed; the app turns each part into a store change event (`vpp_tui.ui.messages`) for
every mounted section. A job runs with its own `ServiceContext` copy (`job_context`): its
own cancel event, so the cancel key stops that job alone between Apple calls, and every
Apple client it opens reports its progress to the job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from vpp_tui.services.context import ServiceContext
from vpp_tui.ui.messages import (
    AccessChanged,
    AuditChanged,
    CatalogChanged,
    DirectoryChanged,
    LedgerChanged,
    SettingsChanged,
    StoreChanged,
    TokensChanged,
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)

_LICENSES = (LedgerChanged, CatalogChanged, AuditChanged)

JOB_CHANGES: dict[str, tuple[type[StoreChanged], ...]] = {
    "sync": (TokensChanged, CatalogChanged, LedgerChanged, AuditChanged),
    "token.add": (TokensChanged, CatalogChanged, LedgerChanged, AuditChanged),
    "token.renew": (TokensChanged, CatalogChanged, AuditChanged),
    "token.edit": (TokensChanged, AuditChanged),
    "token.take_control": (TokensChanged, CatalogChanged, LedgerChanged, AuditChanged),
    "token.delete": (TokensChanged, CatalogChanged, LedgerChanged, AuditChanged),
    "token.revoke_delete": (TokensChanged, CatalogChanged, LedgerChanged, AuditChanged),
    "license.assign": _LICENSES,
    "license.unassign": _LICENSES,
    "license.revoke": _LICENSES,
    "license.waitlist": _LICENSES,
    "directory.import": (DirectoryChanged, LedgerChanged, CatalogChanged, AuditChanged),
    # The expiring window changes Tokens badges, the low-license share the Apps marks.
    "settings": (SettingsChanged, TokensChanged, CatalogChanged, AuditChanged),
    "access": (AccessChanged, AuditChanged),
}


def changes(kind: str, result: object = None) -> tuple[type[StoreChanged], ...]:
    """The store change events a finished job of `kind` posts.

    Every job kind writes the audit log, refused ones too, so an unknown kind still
    posts `AuditChanged`. A sync that returned no result (nothing was due) changed
    nothing. Raises nothing.
    """
    if kind == "sync" and isinstance(result, list) and not result:
        return ()
    return JOB_CHANGES.get(kind, (AuditChanged,))


_EVERYTHING = (TokensChanged, CatalogChanged, LedgerChanged, DirectoryChanged,
               SettingsChanged, AccessChanged, AuditChanged)

#: what an audit entry's action (its name up to the first dot) says changed, for entries
#: another process wrote (`ui.store_watch`); the same parts as the jobs above
AUDITED_CHANGES: dict[str, tuple[type[StoreChanged], ...]] = {
    "token": JOB_CHANGES["sync"],
    "license": _LICENSES,
    "waitlist": _LICENSES,
    "assignment": _LICENSES,
    "directory": JOB_CHANGES["directory.import"],
    "setting": JOB_CHANGES["settings"],
    "preference": JOB_CHANGES["settings"],
    "role": JOB_CHANGES["access"],
    "grant": JOB_CHANGES["access"],
    "scope_tag": JOB_CHANGES["access"],
    "access": (AuditChanged,),  # a refusal changed nothing else
    "job": (AuditChanged,),
    "notification": (AuditChanged,),
    "key": (AuditChanged,),
}


def audited_changes(actions: Iterable[str]) -> tuple[type[StoreChanged], ...]:
    """The store change events the audit entries of `actions` (audit action names, e.g.
    "directory.import") stand for, each once, in a fixed order; an action not in
    AUDITED_CHANGES (or `services.changes.MANY`) stands for every part. Raises nothing."""
    found: set[type[StoreChanged]] = set()
    for action in actions:
        found.update(AUDITED_CHANGES.get(action.split(".", 1)[0], _EVERYTHING))
    return tuple(e for e in _EVERYTHING if e in found)


@dataclass(frozen=True)
class JobSpec:
    """What to run: `kind` (a key of JOB_CHANGES), `key` (the same job started twice has the
    same key: e.g. "token.revoke_delete:North Campus"), the `title` the job bar shows, the
    title of the error modal when it fails or a service refuses, whether it runs `quiet`
    (no bar: the scheduled sync), whether its Apple clients report their own progress
    (`apple_progress`; off when the service reports per item itself), and how many
    targets Apple will be asked about in all (`expected`; 0: not known up front).
    `refusal`: (audit action, target) of a refused input the job meets (an InvalidInput,
    or a JobRefused raised from one), audited on the job's thread (`ui/refusals.py`);
    None: the job's `kind`, and the part of its `key` after ":" (a token's name)."""

    kind: str
    key: str
    title: str
    error_title: str
    quiet: bool = False
    apple_progress: bool = True
    expected: int = 0
    refusal: tuple[str, str] | None = None


@dataclass
class Tally:
    """Adds up Apple's progress across its batches.

    A revoke of 1,640 targets goes out as several requests, each an event reporting
    `done of total` for itself alone; a new event (its total changes, or its count goes
    down) adds the last one's total to the sum, so the count keeps rising. How many
    requests follow is not known, so the total is `expected` (0: unknown). Other stages
    (a sync's pages, a file's items) already count the whole stage and pass through."""

    expected: int = 0
    stage: str = ""
    base: int = 0
    done: int = 0
    total: int = 0

    def add(self, stage: str, done: int, total: int) -> tuple[int, int]:
        """Records one report; returns (done, total) to show, total 0 when unknown."""
        if stage != "event":
            return done, total
        if self.stage == "event" and (total != self.total or done < self.done):
            self.base += self.total
        self.stage, self.done, self.total = stage, done, total
        done = self.base + done
        return (min(done, self.expected), self.expected) if self.expected else (done, 0)


@dataclass
class Job:
    """A running job: its spec, its own cancel event and its progress tally."""

    spec: JobSpec
    cancel: threading.Event = field(default_factory=threading.Event)
    tally: Tally = field(default_factory=Tally)

    def __post_init__(self) -> None:
        self.tally.expected = self.spec.expected

    @property
    def key(self) -> str:
        return self.spec.key


def job_context(ctx: ServiceContext, job: Job, progress: Progress) -> ServiceContext:
    """A copy of `ctx` for one job: `cancel` is the job's event, and each Apple client the
    job opens gets that event and reports to `progress` (unless the service passes its
    own `on_progress`, as sync does)."""
    apple = ctx.apple
    if apple is None:
        return replace(ctx, cancel=job.cancel)

    def factory(bearer: str, **kwargs: Any) -> Any:
        kwargs.setdefault("cancel", job.cancel)
        if job.spec.apple_progress:
            kwargs.setdefault("on_progress", progress)
        return apple(bearer, **kwargs)

    return replace(ctx, cancel=job.cancel, apple=factory)
