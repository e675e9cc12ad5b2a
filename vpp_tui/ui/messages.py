"""Messages thread workers post; handlers on the screens own every widget change.

Two families:

- Store change events (`StoreChanged` and its kinds). When a job that writes the store
  ends, the app posts one of these to every mounted section for each part of the store
  the job changed (the mapping lives once, in `vpp_tui.ui.jobs.JOB_CHANGES`). A section
  that shows that part reloads it, keeping its cursor on the same row key.
- Job progress (`JobProgressed`): what a long job in a section's thread worker reports
  to that section's job bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the ORM's audit read is not imported before the first token row
    from vpp_tui.services.audit import AuditRecord


@dataclass
class AuditPageLoaded(Message):
    entries: list[AuditRecord]
    offset: int
    total: int
    seq: int = 0  # which load: a page overtaken by a newer filter or page is dropped


@dataclass
class TokensLoaded(Message):
    seq: int
    views: list  # TokenViews of the first rows of `matched` (a page)
    total: int
    attention: int
    org: str | None
    matched: list | None = None  # TokenBriefs of every matching token; None: `views`


# Store change events ----------------------------------------------------------------


@dataclass
class StoreChanged(Message, bubble=False):
    """Something in the store changed; `job` is the kind of job that changed it
    (a key of `JOB_CHANGES`, e.g. "license.revoke"). Posted to each section, never bubbled."""

    job: str


@dataclass
class TokensChanged(StoreChanged, bubble=False):
    """Tokens: added, renewed, edited, taken over, deleted, or their sync state."""


@dataclass
class CatalogChanged(StoreChanged, bubble=False):
    """Apps and books: listed, removed, or their license totals (a sync, a token deleted)."""


@dataclass
class LedgerChanged(StoreChanged, bubble=False):
    """Licenses, assignments and the waitlist: who holds what, who waits."""


@dataclass
class DirectoryChanged(StoreChanged, bubble=False):
    """Users, devices and groups (a directory import)."""


@dataclass
class SettingsChanged(StoreChanged, bubble=False):
    """A store setting: the Settings section reads them again."""


@dataclass
class AccessChanged(StoreChanged, bubble=False):
    """Roles, grants or scope tags: who may do what (sections grey their actions anew)."""


@dataclass
class AuditChanged(StoreChanged, bubble=False):
    """New audit entries: every job writes some, refused ones too."""


# Long jobs --------------------------------------------------------------------------


@dataclass
class JobProgressed(Message):
    """One step of a running job: `stage` says what (a token, "event", a file…), `done`
    of `total` counts it (total 0: not countable yet)."""

    key: str
    stage: str
    done: int
    total: int

