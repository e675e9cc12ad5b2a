"""Settings shared by every admin of the store (sync interval, theme, reclaim policy…)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from vpp_tui.i18n import _
from vpp_tui.services import audit
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput
from vpp_tui.store import limits
from vpp_tui.store.models import Setting

DEFAULTS: dict[str, Any] = {
    "sync_interval_hours": 12,
    "expiring_soon_days": 30,
    "reclaim_on_removal": True,
    # A directory re-import removing more than this share (%) of the users, managed devices
    # or group members, and more than the floor, is refused (domain.directory).
    "directory_max_removal_percent": 10,
    "directory_removal_floor": 5,
    "theme": "textual-dark",
}


def get_setting(ctx: ServiceContext, key: str) -> Any:
    with ctx.store.session() as session:
        row = session.get(Setting, key)
        return row.value if row is not None else DEFAULTS.get(key)


def get_settings(ctx: ServiceContext) -> dict[str, Any]:
    """Every setting with its value (defaults filled in). Raises AccessDenied without
    `settings.read`."""
    from vpp_tui.services.access import Permission, authorize

    authorize(ctx, Permission.SETTINGS_READ)
    values = dict(DEFAULTS)
    with ctx.store.session() as session:
        for row in session.exec(select(Setting)).all():
            values[row.key] = row.value
    return values


def set_setting(ctx: ServiceContext, key: str, value: Any) -> None:
    """Store `value` (any JSON value) under `key`, audited.

    Raises InvalidInput, changing nothing, when the key or the value does not fit the
    settings table (`store.limits`: length, NUL, lone surrogates, depth, NaN)."""
    for field, given, what in (("key", key, _("the setting name")),
                               ("value", value, _("the value of {key}").format(key=key))):
        problem = limits.problem(Setting, field, given)
        if problem:
            raise InvalidInput(_("{what} {problem}; give a plainer value").format(
                what=what, problem=problem))
    with ctx.store.session() as session:
        row = session.get(Setting, key)
        if row is None:
            row = Setting(key=key)
        row.value = value
        row.updated_at = ctx.clock.now()
        row.updated_by = ctx.actor
        session.add(row)
        audit.record(session, ctx, "setting.set", key, detail=repr(value))
