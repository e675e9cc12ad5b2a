"""What the store keeps about its own work: the audit log, settings, the job queue and
the notifications Apple sent."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from vpp_tui.store.models.base import TableModel, created
from vpp_tui.store.types import UTCDateTime, utcnow


class AuditEntry(TableModel, table=True):
    """Append-only: who did what, on what, with which result (and Apple's event)."""

    __tablename__ = "audit_entries"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    actor: str = Field(max_length=200, index=True)
    action: str = Field(max_length=64, index=True)
    target: str = Field(default="", max_length=500)
    result: str = Field(default="ok", max_length=32)
    detail: str | None = Field(default=None, sa_type=Text)
    apple_event_id: str | None = Field(default=None, max_length=64)
    apple_event_status: str | None = Field(default=None, max_length=16)
    # The token the entry is about, when there is one: scope tags decide who reads it.
    token_id: int | None = Field(default=None, index=True)


class Setting(TableModel, table=True):
    __tablename__ = "settings"

    key: str = Field(max_length=128, primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = created()
    updated_by: str = Field(default="", max_length=200)


class Job(TableModel, table=True):
    """One unit of queued long work (`domain.jobs`): a sync, an assignment, a revoke… run
    by a `vpp-tui worker` as the admin who queued it (`actor`). `payload`: the service's
    keyword arguments; `claimed_by`/`lease_expires_at`: the worker running it and until
    when its lease holds; `dedupe_key`: one active sync per token (NULL once finished)."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_queued", "state", "queued_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    token_name: str | None = Field(default=None, max_length=200)
    payload: Any = Field(default=None, sa_column=Column(JSON))
    actor: str = Field(max_length=200)
    state: str = Field(default="queued", max_length=16)
    progress_done: int = 0
    progress_total: int = 0
    stage: str = Field(default="", max_length=64)
    claimed_by: str | None = Field(default=None, max_length=200)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    cancel_requested: bool = False
    dedupe_key: str | None = Field(default=None, max_length=300, unique=True)
    queued_at: datetime = created()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    result: str | None = Field(default=None, sa_type=Text)
    exit_status: int | None = None


class Notification(TableModel, table=True):
    """One notification Apple POSTed to `vpp-tui listen` (apple-api.md §8), kept once per
    `notificationId` (Apple may send the same one again), with what it changed."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("token_id", "notification_id"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="tokens.id", index=True, ondelete="CASCADE")
    notification_id: str = Field(max_length=128)
    notification_type: str = Field(max_length=32, index=True)
    apple_event_id: str | None = Field(default=None, max_length=64, index=True)
    result: str | None = Field(default=None, max_length=16)  # SUCCESS | FAILURE
    body: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    outcome: str | None = Field(default=None, sa_type=Text)  # what the ledger took from it
    received_at: datetime = created()
    # The body as POSTed, kept until applied; applied_at None: recorded, to be applied
    # (`listen` answers Apple first, then applies; a failed apply is retried).
    raw: str | None = Field(default=None, sa_type=Text)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
