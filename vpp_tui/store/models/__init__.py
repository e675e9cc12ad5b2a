"""The tables of the whole mission.

Designed once so that later work fills them rather than redesigns them. Every
change to these tables needs an Alembic revision (`store/migrations/versions/`):
an admin's store is upgraded, never recreated.

Conventions: UTC-aware datetimes (`UTCDateTime`), Apple ids kept as strings,
enumerations stored as their lowercase string values, JSON only for free-form
settings.

One module per family of tables (tokens, catalog, directory, ledger, access, operations);
every table is importable from here: `from vpp_tui.store import models as m`.
"""

from typing import Any

from sqlalchemy import Table

from vpp_tui.store.models.access import (
    AdminGrant,
    AdminPreference,
    GrantScopeTag,
    Role,
    RolePermission,
    StoreOwner,
)
from vpp_tui.store.models.base import TableModel
from vpp_tui.store.models.catalog import Asset, UsageSample
from vpp_tui.store.models.directory import (
    DirectoryDevice,
    DirectoryGroup,
    DirectoryUser,
    GroupMember,
)
from vpp_tui.store.models.ledger import AppleUser, Assignment, License
from vpp_tui.store.models.operations import AuditEntry, Job, Notification, Setting
from vpp_tui.store.models.tokens import Lease, ScopeTag, SyncRun, SyncStage, Token, TokenScopeTag

ALL_TABLES = [
    ScopeTag, Token, TokenScopeTag, SyncRun, Asset, DirectoryUser, DirectoryDevice,
    DirectoryGroup, GroupMember, AppleUser, Assignment, License, Role, RolePermission,
    AdminGrant, GrantScopeTag, StoreOwner, AuditEntry, Setting, Lease, Job, Notification,
    UsageSample, AdminPreference,
]



def table(model: Any) -> Table:
    """`model`'s table for SQLAlchemy Core (`table(Token).c.name`): the generated Core
    table of `store.tables` (`table(Token) is tables.tokens`), the same object a module
    reading without the models uses. A query built from it runs without the ORM: no mapper
    is configured and rows come back as tuples with the columns' names as attributes.
    Do not join it with the model itself (`m.Token`) in one query: they are two Table
    objects for one table."""
    from vpp_tui.store import tables

    return tables.metadata.tables[model.__tablename__]


__all__ = ["ALL_TABLES", "TableModel", "table", "AdminGrant", "AdminPreference", "AppleUser", "Asset", "Assignment", "AuditEntry", "DirectoryDevice", "DirectoryGroup", "DirectoryUser", "GrantScopeTag", "GroupMember", "Job", "Lease", "License", "Notification", "Role", "RolePermission", "ScopeTag", "Setting", "StoreOwner", "SyncRun", "SyncStage", "Token", "TokenScopeTag", "UsageSample"]
