"""Which permission each console action needs; the answer is the services' `check_action`.

The console never decides access itself: it greys an action (Textual's `check_action`
returning None) when `services.access.check_action` says the admin may not do it, the same
answer the service gives when the action runs (issue 10).
"""

from __future__ import annotations

from vpp_tui.domain.access import Permission
from vpp_tui.services.access import check_action
from vpp_tui.services.context import ServiceContext

TOKEN_ACTIONS = {
    "add": Permission.TOKENS_CREATE, "renew": Permission.TOKENS_UPDATE,
    "edit": Permission.TOKENS_UPDATE, "take_control": Permission.TOKENS_TAKE_CONTROL,
    "delete": Permission.TOKENS_DELETE, "revoke_and_delete": Permission.TOKENS_REVOKE_ALL,
    "sync": Permission.TOKENS_SYNC, "sync_all": Permission.TOKENS_SYNC,
}
CATALOG_ACTIONS = {"assign": Permission.APPS_ASSIGN, "revoke": Permission.APPS_REVOKE}
ASSIGNMENT_ACTIONS = {"add": Permission.APPS_ASSIGN, "edit": Permission.APPS_ASSIGN,
                      "remove": Permission.APPS_UNASSIGN}


def allowed_action(ctx: ServiceContext, permission: Permission | None,
                   token_id: int | None = None) -> bool | None:
    """True (shown), or None (greyed) when the acting admin lacks `permission` there."""
    if permission is None:
        return True
    return True if check_action(ctx, permission, token_id) else None
