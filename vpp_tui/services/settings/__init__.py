"""Settings shared by every admin of the store (sync interval, reclaim policy, theme…).

What each setting is lives in `domain.settings` (SPECS); this package stores and reads the
values. Readers (`get_setting`, `low_license_thresholds`) never fail on a broken stored
value: they use the default and add a notice (`ServiceContext.notices`). `preview` says
what a change would do before it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from vpp_tui.domain.settings import (
    DEFAULTS,
    SPECS,
    SettingSpec,
    SettingValueError,
    check_value,
    item_key,
    spec_of,
    split_key,
    stored_value,
)
from vpp_tui.i18n import _, for_store
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.store import limits, tables
from vpp_tui.store.text_match import starts_with

if TYPE_CHECKING:
    from vpp_tui.store.models import Setting

# Reads are SQLAlchemy Core (`store.tables.settings`): services read settings to decide,
# and a read-only command (the token list) imports neither SQLModel nor the ORM (issue 13).
SETTINGS = tables.settings.c

__all__ = ["DEFAULTS", "SettingChange", "SettingView", "get_setting", "get_settings",
           "list_settings", "low_license_thresholds", "reset_setting", "set_setting",
           "validate"]


@dataclass(frozen=True)
class SettingView:
    """One row of `vpp-tui settings`: a setting, or an item's override (`item` = adamId).

    `value` is what is in force (the default when nothing or something broken is stored);
    `problem` says why a stored value was ignored; `updated_*` are None when unchanged."""

    key: str
    item: str | None
    value: Any
    default: Any
    changed: bool
    updated_by: str | None
    updated_at: datetime | None
    description: str
    allowed: str
    problem: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "item": self.item, "value": self.value,
                "default": self.default, "changed": self.changed,
                "updated_by": self.updated_by, "updated_at": self.updated_at,
                "description": self.description, "allowed": self.allowed,
                "problem": self.problem}


@dataclass(frozen=True)
class SettingChange:
    """What `set_setting`/`reset_setting` did: the value in force before and after."""

    key: str
    item: str | None
    old: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "item": self.item, "old": self.old, "new": self.new}


def _effective(ctx: ServiceContext, spec: SettingSpec, raw: Any, stored: bool) -> Any:
    if not stored:
        return spec.default
    value, problem = stored_value(spec, raw)
    if problem:
        ctx.notice(problem)
    return value


def get_setting(ctx: ServiceContext, key: str) -> Any:
    """The value in force for `key` (no permission needed: services read it to decide).

    A value stored broken ("abc", null, a negative floor) gives the default and a notice
    on `ctx.notices`; an unknown key gives None. Raises nothing of its own."""
    with ctx.store.reading() as db:  # Core: a read-only command needs no ORM
        row = db.execute(select(SETTINGS["key"], SETTINGS.value).where(
            SETTINGS["key"] == key)).first()  # a row: a stored JSON null is not "unset"
        raw, stored = (row[1], True) if row is not None else (None, False)
    spec = spec_of(key) if key in DEFAULTS else None
    if spec is None:
        return raw
    return _effective(ctx, spec, raw, stored)


def low_license_thresholds(ctx: ServiceContext) -> tuple[float, dict[str, float]]:
    """(the store's low-license percentage, {adamId: an item's own percentage}); broken
    stored values are replaced by the default (notice added) or dropped (an override)."""
    spec = spec_of("low_license_percent")
    overrides: dict[str, float] = {}
    with ctx.store.reading() as db:
        found = db.execute(select(SETTINGS["key"], SETTINGS.value).where(
            starts_with("low_license_percent:", SETTINGS["key"]))).all()
    for stored, raw in found:
        value, problem = stored_value(spec, raw)
        if problem:
            ctx.notice(problem)
            continue
        overrides[split_key(stored)[1] or ""] = value
    return get_setting(ctx, "low_license_percent"), overrides


def validate(key: str, value: Any, item: str | None = None) -> tuple[SettingSpec, Any, str]:
    """(spec, the value as kept, the stored key) for a change, or InvalidInput (one line:
    what is wrong and the allowed values)."""
    try:
        spec = spec_of(key)
        stored = item_key(key, item) if item is not None else key
        value = check_value(spec, value)
    except SettingValueError as exc:
        raise InvalidInput.of(exc) from None
    from vpp_tui.store.models import Setting

    problem = limits.problem(Setting, "value", value)
    if problem:
        raise InvalidInput(_("the value of {key} {problem}; give a plainer value").format(
            key=key, problem=problem))
    return spec, value, stored


def _check_item(session: Any, item: str | None) -> None:
    assets = tables.assets.c
    if item is not None and session.execute(select(assets.id).where(
            assets.adam_id == item)).first() is None:
        raise NotFound(_("no app or book with adamId {item}; see 'vpp-tui apps list'").format(
            item=item))


def set_setting(ctx: ServiceContext, key: str, value: Any, *,
                item: str | None = None) -> SettingChange:
    """Store `value` (typed, or text as an admin types it) for `key` (or for the item
    `item`, an adamId, where the setting allows it), audited as `setting.set` old → new.

    Raises AccessDenied without `settings.update`, InvalidInput (nothing changed) for an
    unknown key, a bad value ("abc", null, out of range, a bool for a number) or item."""
    from vpp_tui.services import audit
    from vpp_tui.services.access import Permission, authorize
    from vpp_tui.store.models import Setting

    authorize(ctx, Permission.SETTINGS_UPDATE)
    spec, value, stored = validate(key, value, item)
    with ctx.store.session() as session:
        _check_item(session, item)
        row = session.get(Setting, stored)
        old = _old(ctx, spec, row, item, key)
        if row is None:
            row = Setting(key=stored)
        row.value = value
        row.updated_at = ctx.clock.now()
        row.updated_by = ctx.actor
        session.add(row)
        audit.record(session, ctx, "setting.set", stored,
                     detail=f"{spec.show(old)} → {spec.show(value)}")
    return SettingChange(key, item, old, value)


def reset_setting(ctx: ServiceContext, key: str, *, item: str | None = None) -> SettingChange:
    """Back to the default (an item's override: back to the store's value), audited as
    `setting.set` old → new. Raises AccessDenied, or InvalidInput for an unknown key."""
    from vpp_tui.services import audit
    from vpp_tui.services.access import Permission, authorize
    from vpp_tui.store.models import Setting

    authorize(ctx, Permission.SETTINGS_UPDATE)
    try:
        spec = spec_of(key)
        stored = item_key(key, item) if item is not None else key
    except SettingValueError as exc:
        raise InvalidInput.of(exc) from None
    new = get_setting(ctx, key) if item is not None else spec.default
    with ctx.store.session() as session:
        row = session.get(Setting, stored)
        old = _old(ctx, spec, row, item, key)
        if row is not None:
            session.delete(row)
        with for_store():  # the store is shared: English
            audit.record(session, ctx, "setting.set", stored,
                         detail=f"{spec.show(old)} → {spec.show(new)} ({_('reset')})")
    return SettingChange(key, item, old, new)


def _old(ctx: ServiceContext, spec: SettingSpec, row: Setting | None, item: str | None,
         key: str) -> Any:
    if row is not None:
        return stored_value(spec, row.value)[0]
    return get_setting(ctx, key) if item is not None else spec.default


def list_settings(ctx: ServiceContext) -> list[SettingView]:
    """Every setting in SPECS order, each followed by its items' overrides (by adamId).
    Raises AccessDenied without `settings.read`."""
    from vpp_tui.services.access import Permission, authorize

    authorize(ctx, Permission.SETTINGS_READ)
    with ctx.store.reading() as db:
        rows = {r.key: (r.value, r.updated_by, r.updated_at)
                for r in db.execute(select(*tables.settings.columns)).all()}
    views = []
    for spec in SPECS:
        stored_keys = [spec.key] + sorted(
            (k for k in rows if split_key(k)[0] == spec.key and split_key(k)[1]),
            key=lambda k: (len(k), k))
        for stored in stored_keys:
            item = split_key(stored)[1]
            found = rows.get(stored)
            value, problem = (stored_value(spec, found[0]) if found
                              else (spec.default, None))
            views.append(SettingView(
                spec.key, item, value, spec.default, found is not None,
                found[1] if found else None, found[2] if found else None,
                spec.description, spec.allowed(), problem))
    return views


def get_settings(ctx: ServiceContext) -> dict[str, Any]:
    """Every setting with the value in force (defaults filled in, broken values replaced).
    Raises AccessDenied without `settings.read`."""
    return {v.key: v.value for v in list_settings(ctx) if v.item is None}
