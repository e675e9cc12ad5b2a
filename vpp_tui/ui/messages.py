"""Messages thread workers post; handlers on the screens own every widget change."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from vpp_tui.services.audit import AuditRecord


@dataclass
class AuditPageLoaded(Message):
    entries: list[AuditRecord]
    offset: int
    total: int


@dataclass
class TokensLoaded(Message):
    seq: int
    views: list
    total: int
    attention: int
    org: str | None


@dataclass
class SyncProgressed(Message):
    label: str
    done: int
    total: int


@dataclass
class SyncFinished(Message):
    results: list
    scheduled: bool = False


@dataclass
class TokenChanged(Message):
    """A token action succeeded: say so, then reload the table."""

    text: str
    select: str | None = None


@dataclass
class TokenActionFailed(Message):
    """A service refused the action: show its one-line reason."""

    title: str
    text: str


@dataclass
class DeletePreviewReady(Message):
    preview: object
