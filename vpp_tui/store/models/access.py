"""Who may do what: roles, grants with scope tags, the store owner, each admin's preferences."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from vpp_tui.store.models.base import TableModel, created


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
    created_at: datetime = created()


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
    claimed_at: datetime = created()


class AdminPreference(TableModel, table=True):
    """One admin's own console choices (the store's settings are shared by every admin)."""

    __tablename__ = "admin_preferences"

    admin: str = Field(max_length=200, primary_key=True)
    language: str | None = Field(default=None, max_length=16)  # "en", "fr", "zh_CN"
    updated_at: datetime = created()
