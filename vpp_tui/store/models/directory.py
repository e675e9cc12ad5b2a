"""The directory: users, devices, groups and their members (imported, docs/directory-import.md)."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from vpp_tui.store.models.base import TableModel, created
from vpp_tui.store.types import UTCDateTime


class DirectoryUser(TableModel, table=True):
    __tablename__ = "directory_users"

    id: int | None = Field(default=None, primary_key=True)
    upn: str = Field(max_length=320, unique=True, index=True)
    name: str = Field(default="", max_length=300)
    managed_apple_id: str | None = Field(default=None, max_length=320)
    personal_apple_id: bool = False
    active: bool = True
    imported_at: datetime = created()


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
    imported_at: datetime = created()


class DirectoryGroup(TableModel, table=True):
    __tablename__ = "directory_groups"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True, index=True)
    kind: str = Field(max_length=8)  # user | device
    imported_at: datetime = created()


class GroupMember(TableModel, table=True):
    """A UPN (user groups) or serial (device groups) in a group, in import order."""

    __tablename__ = "group_members"
    # A group's members in order from the index alone (a 100k-member group was sorted
    # on every read of it: issue 13).
    __table_args__ = (Index("ix_group_members_position", "group_id", "position", "member"),)

    group_id: int = Field(foreign_key="directory_groups.id", primary_key=True, ondelete="CASCADE")
    member: str = Field(max_length=320, primary_key=True)
    position: int = 0
