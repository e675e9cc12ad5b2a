"""The one place where roles and scope tags are enforced.

Every service that reads or changes something calls `authorize` first. Until
custom roles are configured, every admin holds every permission; the role and
scope-tag checks plug in here, so no screen or command decides access itself.
"""

from __future__ import annotations

from enum import StrEnum

from vpp_tui.i18n import _
from vpp_tui.services.context import ServiceContext


class Permission(StrEnum):
    # "managed apps" governs location tokens, "mobile apps" governs apps and books.
    TOKENS_READ = "managed_apps.read"
    TOKENS_CREATE = "managed_apps.create"
    TOKENS_UPDATE = "managed_apps.update"
    TOKENS_DELETE = "managed_apps.delete"
    TOKENS_SYNC = "managed_apps.sync"
    APPS_READ = "mobile_apps.read"
    APPS_ASSIGN = "mobile_apps.assign"
    APPS_UPDATE = "mobile_apps.update"
    DIRECTORY_UPDATE = "directory.update"
    SETTINGS_UPDATE = "settings.update"


class AccessDenied(PermissionError):
    pass


def authorize(ctx: ServiceContext, permission: Permission, token_id: int | None = None) -> None:
    """Raise AccessDenied when `ctx.actor` may not do `permission` (on `token_id`'s scope)."""
    if not ctx.actor:
        raise AccessDenied(_("no acting admin; pass --as NAME or set VPP_ADMIN"))
