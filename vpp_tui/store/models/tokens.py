"""Location tokens and what hangs off each: scope tags, the write lease, sync runs and
the pages a full sync stages."""

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text
from sqlmodel import Field

from vpp_tui.store.models.base import TableModel, created
from vpp_tui.store.types import UTCDateTime


class ScopeTag(TableModel, table=True):
    __tablename__ = "scope_tags"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True, index=True)
    description: str = Field(default="", max_length=1024)


class Token(TableModel, table=True):
    """A location token (sToken) and what Apple last said about it."""

    __tablename__ = "tokens"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True, index=True)
    apple_id: str = Field(max_length=320)
    # Fernet ciphertext of the whole token file content; the key lives outside the store.
    secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    secret_sha256: str = Field(max_length=64, index=True)
    org_name: str = Field(default="", max_length=300)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    legacy: bool = False

    # From Apple's client config.
    location_id: str | None = Field(default=None, max_length=64, index=True)
    location_name: str | None = Field(default=None, max_length=300)
    apple_country: str | None = Field(default=None, max_length=8)
    default_platform: str | None = Field(default=None, max_length=32)
    website_url: str | None = Field(default=None, max_length=300)
    apple_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Settings chosen by the admin.
    country: str = Field(default="US", max_length=8)
    account_type: str = Field(default="business", max_length=16)
    auto_update: bool = False
    take_control: bool = False
    consent: bool = False

    # Health as last observed (the state itself is computed by domain.tokens).
    apple_error: int | None = None
    apple_error_message: str | None = Field(default=None, sa_type=Text)
    apple_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    external_mdm_id: str | None = Field(default=None, max_length=128)
    external_mdm_name: str | None = Field(default=None, max_length=128)
    external_mdm_metadata: str | None = Field(default=None, max_length=300)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Apple's notifications (revision 0006_notifications): where Apple POSTs them, and the
    # SHA-256 of the bearer it sends (the secret itself is given to Apple, never stored).
    notification_url: str | None = Field(default=None, max_length=512)
    notification_token_sha256: str | None = Field(default=None, max_length=64, index=True)

    # Sync bookkeeping.
    last_sync_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_sync_status: str = Field(default="none", max_length=16)
    last_sync_error: str | None = Field(default=None, sa_type=Text)
    last_full_sync_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assignments_version_id: str | None = Field(default=None, max_length=128)
    users_version_id: str | None = Field(default=None, max_length=128)
    # The first `/assets` page's versionId of the last full asset read (0004_sync_scale).
    assets_version_id: str | None = Field(default=None, max_length=128)
    # The lease serialising syncs and writes is a `Lease` row (one per location).

    created_at: datetime = created()
    updated_at: datetime = created()


class Lease(TableModel, table=True):
    """The write lease of one location (`key` from `domain.leases.lease_key`): sync, assign,
    revoke… of its tokens hold it in turn, across processes and admins.

    `owner` is None when free; `expires_at` is pushed on by the holder's heartbeat; `fence`
    moves on at every acquisition or break, so a writer that lost the lease can tell.
    """

    __tablename__ = "leases"

    key: str = Field(max_length=100, primary_key=True)
    owner: str | None = Field(default=None, max_length=200)
    fence: int = 0
    token_name: str | None = Field(default=None, max_length=200)
    acquired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TokenScopeTag(TableModel, table=True):
    __tablename__ = "token_scope_tags"

    token_id: int = Field(foreign_key="tokens.id", primary_key=True, ondelete="CASCADE")
    scope_tag_id: int = Field(foreign_key="scope_tags.id", primary_key=True, ondelete="CASCADE")


class SyncRun(TableModel, table=True):
    __tablename__ = "sync_runs"

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="tokens.id", index=True, ondelete="CASCADE")
    actor: str = Field(max_length=200)
    full: bool = False
    started_at: datetime = created()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="in_progress", max_length=16)
    requests: int = 0
    assets: int = 0
    assignments: int = 0
    users: int = 0
    error: str | None = Field(default=None, sa_type=Text)


class SyncStage(TableModel, table=True):
    """One Apple assignment read by a sync still in progress (revision 0009_sync_stream):
    pages are written here as they arrive, and the ledger takes them in one transaction
    only once the last page is in, so a sync stopped halfway changes no license row.
    Dropped with the run's end, whatever it was."""

    __tablename__ = "sync_stage"
    __table_args__ = (Index("ix_sync_stage_item", "run_id", "adam_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="sync_runs.id", ondelete="CASCADE")
    page: int = 0
    adam_id: str = Field(max_length=32)
    pricing_param: str = Field(default="STDQ", max_length=8)
    serial: str | None = Field(default=None, max_length=64)
    client_user_id: str | None = Field(default=None, max_length=200)
