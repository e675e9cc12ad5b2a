"""Which permission each console action needs, decided from the app's AccessSnapshot.

The console never asks the store while Textual checks bindings (it does so on every
refresh): the app loads an `AccessSnapshot` in a worker (`services.access.snapshot`) when a
section mounts and again after access or token changes, and greys an action (Textual's
`check_action` returning None) when the snapshot says the admin may not do it. The snapshot
decides with `domain.access.allowed`, the rule the services enforce (issue 10). Until the
first snapshot arrives every guarded action is greyed.
"""

from __future__ import annotations

from vpp_tui.domain.access import Permission
from vpp_tui.services.access.snapshot import AccessSnapshot

TOKEN_ACTIONS = {
    "add": Permission.TOKENS_CREATE, "renew": Permission.TOKENS_UPDATE,
    "edit": Permission.TOKENS_UPDATE, "take_control": Permission.TOKENS_TAKE_CONTROL,
    "delete": Permission.TOKENS_DELETE, "revoke_and_delete": Permission.TOKENS_REVOKE_ALL,
    "sync": Permission.TOKENS_SYNC, "sync_all": Permission.TOKENS_SYNC,
}
CATALOG_ACTIONS = {"assign": Permission.APPS_ASSIGN, "revoke": Permission.APPS_REVOKE}
ASSIGNMENT_ACTIONS = {"add": Permission.APPS_ASSIGN, "edit": Permission.APPS_ASSIGN,
                      "remove": Permission.APPS_UNASSIGN}
ACCESS_ACTIONS = {"new_role": Permission.ROLES_MANAGE, "delete": Permission.ROLES_MANAGE,
                  "grant": Permission.ROLES_MANAGE, "revoke_grant": Permission.ROLES_MANAGE,
                  "new_tag": Permission.ROLES_MANAGE}


def allowed_action(access: AccessSnapshot | None, permission: Permission | None,
                   token: int | str | None = None) -> bool | None:
    """True (shown), or None (greyed) when the acting admin lacks `permission` there
    (`token`: an id or a name) or the snapshot is not loaded yet. No I/O."""
    if permission is None:
        return True
    if access is None:
        return None
    return True if access.allows(permission, token) else None
