"""The license ledger: Apple users, assignments (intent) and licenses (Apple's truth)."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field

from vpp_tui.store.models.base import TableModel, created


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
    updated_at: datetime = created()


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
    created_at: datetime = created()
    updated_at: datetime = created()


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
    since: datetime = created()
    updated_at: datetime = created()
