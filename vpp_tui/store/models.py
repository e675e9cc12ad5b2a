"""The tables of the whole mission.

Designed once so that later work fills them rather than redesigns them. Every
change to this file needs an Alembic revision (`store/migrations/versions/`):
an admin's store is upgraded, never recreated.

Conventions: UTC-aware datetimes (`UTCDateTime`), Apple ids kept as strings,
enumerations stored as their lowercase string values, JSON only for free-form
settings.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from vpp_tui.store.types import UTCDateTime, utcnow


class TableModel(SQLModel):
    """Every table's base: its validator (never used on tables) is built on first use,
    not at import: a quarter of this module's import (issue 13, CLI start-up)."""

    model_config = SQLModelConfig(defer_build=True)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


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

    created_at: datetime = _created()
    updated_at: datetime = _created()


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
    started_at: datetime = _created()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="in_progress", max_length=16)
    requests: int = 0
    assets: int = 0
    assignments: int = 0
    users: int = 0
    error: str | None = Field(default=None, sa_type=Text)


class Asset(TableModel, table=True):
    """An app or book owned by one token's location: listed once per token."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("token_id", "adam_id", "pricing_param"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="tokens.id", index=True, ondelete="CASCADE")
    adam_id: str = Field(max_length=32, index=True)
    pricing_param: str = Field(default="STDQ", max_length=8)
    product_type: str = Field(max_length=8, index=True)  # app | book
    name: str = Field(default="", max_length=300, index=True)
    platforms: str = Field(default="", max_length=200)  # space-separated, e.g. "iOS macOS"
    version: str | None = Field(default=None, max_length=64)
    bundle_id: str | None = Field(default=None, max_length=300)
    total: int = 0
    assigned: int = 0
    available: int = 0
    retired: int = 0
    unlimited: bool = False
    device_assignable: bool = False
    revocable: bool = True
    custom: bool = False
    store_url: str | None = Field(default=None, max_length=500)
    artwork_url: str | None = Field(default=None, max_length=500)
    metadata_country: str | None = Field(default=None, max_length=8)
    missing_in_store: bool = False
    metadata_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class DirectoryUser(TableModel, table=True):
    __tablename__ = "directory_users"

    id: int | None = Field(default=None, primary_key=True)
    upn: str = Field(max_length=320, unique=True, index=True)
    name: str = Field(default="", max_length=300)
    managed_apple_id: str | None = Field(default=None, max_length=320)
    personal_apple_id: bool = False
    active: bool = True
    imported_at: datetime = _created()


class DirectoryDevice(TableModel, table=True):
    __tablename__ = "directory_devices"

    id: int | None = Field(default=None, primary_key=True)
    serial: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(default="", max_length=300)
    platform: str = Field(max_length=16)  # iOS | iPadOS | macOS
    ownership: str = Field(default="corporate", max_length=16)
    supervised: bool = False
    enrollment: str = Field(default="device", max_length=16)  # device | user | automated
    kiosk: bool = False
    app_store_blocked: bool = False
    primary_user: str | None = Field(default=None, max_length=320, index=True)
    managed: bool = True
    enrolled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    imported_at: datetime = _created()


class DirectoryGroup(TableModel, table=True):
    __tablename__ = "directory_groups"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True, index=True)
    kind: str = Field(max_length=8)  # user | device
    imported_at: datetime = _created()


class GroupMember(TableModel, table=True):
    """A UPN (user groups) or serial (device groups) in a group, in import order."""

    __tablename__ = "group_members"

    group_id: int = Field(foreign_key="directory_groups.id", primary_key=True, ondelete="CASCADE")
    member: str = Field(max_length=320, primary_key=True)
    position: int = 0


class AppleUser(TableModel, table=True):
    """A user registered with Apple for one location (VPP terms status)."""

    __tablename__ = "apple_users"
    __table_args__ = (UniqueConstraint("token_id", "client_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="tokens.id", index=True, ondelete="CASCADE")
    client_user_id: str = Field(max_length=200)
    upn: str | None = Field(default=None, max_length=320, index=True)
    email: str | None = Field(default=None, max_length=320)
    managed_apple_id: str | None = Field(default=None, max_length=320)
    status: str = Field(default="Registered", max_length=16)
    invite_code: str | None = Field(default=None, max_length=64)
    id_hash: str | None = Field(default=None, max_length=128)
    updated_at: datetime = _created()


class Assignment(TableModel, table=True):
    """The console's intent: an item given to a group."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("asset_id", "group_id"),)

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="assets.id", index=True, ondelete="CASCADE")
    group_id: int = Field(foreign_key="directory_groups.id", index=True, ondelete="CASCADE")
    intent: str = Field(max_length=16)  # required | available | uninstall
    license_type: str = Field(max_length=8)  # user | device
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    update_pending: bool = False
    status_message: str | None = Field(default=None, max_length=500)
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class License(TableModel, table=True):
    """One row per holder of an item: a user (clientUserId) or a device serial."""

    __tablename__ = "licenses"
    __table_args__ = (
        UniqueConstraint("asset_id", "kind", "member"),
        Index("ix_licenses_member", "member"),
    )

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="assets.id", index=True, ondelete="CASCADE")
    assignment_id: int | None = Field(
        default=None, foreign_key="assignments.id", index=True, ondelete="SET NULL"
    )
    kind: str = Field(max_length=8)  # user | device
    member: str = Field(max_length=320)  # UPN or serial as the admin knows it
    client_user_id: str | None = Field(default=None, max_length=200)
    serial: str | None = Field(default=None, max_length=64)
    status: str = Field(max_length=16)  # licensed | pending | failed | reclaimed | waitlisted
    reason: str | None = Field(default=None, max_length=500)
    source: str = Field(default="console", max_length=16)  # console | apple (found by sync)
    apple_event_id: str | None = Field(default=None, max_length=64)
    position: int | None = None  # order in the plan, for the waitlist
    since: datetime = _created()
    updated_at: datetime = _created()


class Role(TableModel, table=True):
    """A role: built-in ones take their permissions from `domain.access.BUILT_IN_ROLES`;
    a custom role's permissions are its `RolePermission` rows (revision 0003_access)."""

    __tablename__ = "roles"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)
    description: str = Field(default="", max_length=500)
    built_in: bool = False


class RolePermission(TableModel, table=True):
    __tablename__ = "role_permissions"

    role_id: int = Field(foreign_key="roles.id", primary_key=True, ondelete="CASCADE")
    permission: str = Field(max_length=64, primary_key=True)


class AdminGrant(TableModel, table=True):
    """A role given to an admin (an OS login), over every scope or the tags listed in
    `GrantScopeTag` (none listed and not `all_scopes`: the default scope)."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("admin", "role_id"),)

    id: int | None = Field(default=None, primary_key=True)
    admin: str = Field(max_length=200, index=True)
    role_id: int = Field(foreign_key="roles.id", ondelete="CASCADE")
    all_scopes: bool = False
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = _created()


class GrantScopeTag(TableModel, table=True):
    __tablename__ = "grant_scope_tags"

    grant_id: int = Field(foreign_key="grants.id", primary_key=True, ondelete="CASCADE")
    # The default scope is a scope tag row like any other (name "default").
    scope_tag_id: int = Field(foreign_key="scope_tags.id", primary_key=True, ondelete="CASCADE")


class StoreOwner(TableModel, table=True):
    """The admin who created (or, for a store made before 0003_access, first opened) the
    store: one row, id 1, so two first openers cannot both claim it."""

    __tablename__ = "store_owner"

    id: int = Field(default=1, primary_key=True)
    admin: str = Field(max_length=200)
    claimed_at: datetime = _created()


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
    received_at: datetime = _created()
    # The body as POSTed, kept until applied; applied_at None: recorded, to be applied
    # (`listen` answers Apple first, then applies; a failed apply is retried).
    raw: str | None = Field(default=None, sa_type=Text)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


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


class UsageSample(TableModel, table=True):
    """One item's license counts as one sync saw them: the usage chart's points. Written
    by each completed sync, thinned by `services.usage` (rule: `domain.usage`)."""

    __tablename__ = "usage_history"
    __table_args__ = (
        Index("ix_usage_history_item", "token_id", "adam_id", "pricing_param", "recorded_at"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="tokens.id", ondelete="CASCADE")
    adam_id: str = Field(max_length=32)
    pricing_param: str = Field(default="STDQ", max_length=8)
    assigned: int = 0
    available: int = 0
    total: int = 0
    recorded_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


class Setting(TableModel, table=True):
    __tablename__ = "settings"

    key: str = Field(max_length=128, primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = _created()
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
    queued_at: datetime = _created()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    result: str | None = Field(default=None, sa_type=Text)
    exit_status: int | None = None


class AdminPreference(TableModel, table=True):
    """One admin's own console choices (the store's settings are shared by every admin)."""

    __tablename__ = "admin_preferences"

    admin: str = Field(max_length=200, primary_key=True)
    language: str | None = Field(default=None, max_length=16)  # "en", "fr", "zh_CN"
    updated_at: datetime = _created()


ALL_TABLES = [
    ScopeTag, Token, TokenScopeTag, SyncRun, Asset, DirectoryUser, DirectoryDevice,
    DirectoryGroup, GroupMember, AppleUser, Assignment, License, Role, RolePermission,
    AdminGrant, GrantScopeTag, StoreOwner, AuditEntry, Setting, Lease, Job, Notification,
    UsageSample, AdminPreference,
]
