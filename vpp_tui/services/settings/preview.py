"""What a settings change would do, computed from the store before anything is saved.

One function, `preview`, serves `vpp-tui settings set` (printed first; `--dry-run` prints
only it) and the console's edit form (shown live). Each setting's effect is read through
the same service function the behaviour itself uses (the unassignment plan, the due
tokens, the token views, the catalog flags, the directory totals), so what the preview
says is what happens once the value is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vpp_tui.domain.directory import Removal, RemovalLimit, removal_allowance
from vpp_tui.domain.settings import SettingSpec
from vpp_tui.i18n import _
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.settings import get_setting, low_license_thresholds, validate


@dataclass(frozen=True)
class SettingPreview:
    """`lines`: what the change does, one sentence each, for people; `effect`: the same
    as numbers and names for scripts and tests (keys per setting, see docs/cli.md)."""

    key: str
    item: str | None
    old: Any
    new: Any
    lines: tuple[str, ...]
    effect: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "item": self.item, "old": self.old, "new": self.new,
                "preview": list(self.lines), "effect": self.effect}


Effect = tuple[list[str], dict[str, Any]]


def preview(ctx: ServiceContext, key: str, value: Any, item: str | None = None
            ) -> SettingPreview:
    """The effect of setting `key` to `value` (text as typed, or typed), for item `item`
    where allowed. Nothing is written. Raises AccessDenied without `settings.read`, or
    InvalidInput for a bad key, value or item (the same check as `set_setting`). A part
    of the store the admin may not read is named instead of counted."""
    from vpp_tui.services.access import AccessDenied, Permission, authorize

    authorize(ctx, Permission.SETTINGS_READ)
    spec, new, _stored = validate(key, value, item)
    old = _current(ctx, key, item)
    head = _("with {key} {value}").format(
        key=key if item is None else f"{key} ({item})", value=spec.show(new))
    try:
        lines, effect = _EFFECTS[key](ctx, spec, old, new, item)
    except AccessDenied as exc:
        lines, effect = [_("no preview: {why}").format(why=exc)], {}
    return SettingPreview(key, item, old, new, tuple(f"{head}, {line}" for line in lines),
                          effect)


def _current(ctx: ServiceContext, key: str, item: str | None) -> Any:
    if item is None:
        return get_setting(ctx, key)
    default, overrides = low_license_thresholds(ctx)
    return overrides.get(item, default)


def _reclaim(ctx: ServiceContext, spec: SettingSpec, old: Any, new: Any,
             item: str | None) -> Effect:
    from vpp_tui.services.licensing import removal_effects

    before = removal_effects(ctx, bool(old))
    after = removal_effects(ctx, bool(new))
    rows = [{"item": b.item, "token": b.token, "group": b.group,
             "reclaimed_now": b.reclaimed, "reclaimed_after": a.reclaimed}
            for b, a in zip(before, after, strict=True)]
    lines = []
    for row in rows:
        kept = row["reclaimed_now"] - row["reclaimed_after"]
        if kept > 0:
            lines.append(_("removing {group} from {item} keeps {n} licenses").format(
                group=row["group"], item=row["item"], n=kept))
        elif kept < 0:
            lines.append(_("removing {group} from {item} reclaims {n} licenses").format(
                group=row["group"], item=row["item"], n=-kept))
    if not lines:
        lines.append(_("removing any assignment held now reclaims the same licenses as "
                       "before") if rows else _("no assignment exists yet; later removals "
                                                 "follow this rule"))
    return lines, {"assignments": rows}


def _sync(ctx: ServiceContext, spec: SettingSpec, old: Any, new: Any,
          item: str | None) -> Effect:
    from vpp_tui.services.sync import due_tokens

    now, after = due_tokens(ctx, int(old)), due_tokens(ctx, int(new))
    line = _("{n} tokens are due now instead of {m}").format(n=len(after), m=len(now))
    if after:
        line += ": " + ", ".join(after)
    return [line], {"due_now": now, "due_after": after}


def _expiring(ctx: ServiceContext, spec: SettingSpec, old: Any, new: Any,
              item: str | None) -> Effect:
    from vpp_tui.services.tokens import list_tokens

    def expiring(days: int) -> list[str]:
        return [v.name for v in list_tokens(ctx, expiring_soon_days=days)
                if v.state == "expiring_soon"]

    now, after = expiring(int(old)), expiring(int(new))
    more = [n for n in after if n not in now]
    fewer = [n for n in now if n not in after]
    lines = []
    if more:
        lines.append(_("{n} more tokens show as expiring: {names}").format(
            n=len(more), names=", ".join(more)))
    if fewer:
        lines.append(_("{n} fewer tokens show as expiring: {names}").format(
            n=len(fewer), names=", ".join(fewer)))
    if not lines:
        lines.append(_("the same {n} tokens show as expiring").format(n=len(now)))
    return lines, {"expiring_now": now, "expiring_after": after}


def _low(ctx: ServiceContext, spec: SettingSpec, old: Any, new: Any,
         item: str | None) -> Effect:
    from vpp_tui.services.catalog import list_assets

    default, overrides = low_license_thresholds(ctx)
    changed = (default, {**overrides, item: new}) if item is not None else (new, overrides)

    def flagged(low: tuple[float, dict[str, float]]) -> list[str]:
        rows = list_assets(ctx, books=None, limit=None, low_license=low).rows
        return [f"{v.name} ({v.token})" for v in rows if v.low_on_licenses]

    now, after = flagged((default, overrides)), flagged(changed)
    line = _("{n} apps and books are flagged low on licenses instead of {m}").format(
        n=len(after), m=len(now))
    if after:
        line += ": " + ", ".join(after[:10]) + (" …" if len(after) > 10 else "")
    return [line], {"flagged_now": now, "flagged_after": after}


def _removal(ctx: ServiceContext, spec: SettingSpec, old: Any, new: Any,
             item: str | None) -> Effect:
    from vpp_tui.services.directory import describe_removals, removal_totals

    percent = float(get_setting(ctx, "directory_max_removal_percent"))
    floor = int(get_setting(ctx, "directory_removal_floor"))
    now = RemovalLimit(percent=percent, floor=floor)
    after = (RemovalLimit(percent=float(new), floor=floor)
             if spec.key == "directory_max_removal_percent"
             else RemovalLimit(percent=percent, floor=int(new)))
    effect: dict[str, Any] = {}
    parts = []
    for part in removal_totals(ctx):
        allowed_now = removal_allowance(part.total, now)
        allowed_after = removal_allowance(part.total, after)
        effect[part.what] = {"total": part.total, "allowed_now": allowed_now,
                             "allowed_after": allowed_after}
        parts.append(_("{shown} (now {n})").format(
            shown=describe_removals((Removal(part.what, allowed_after, part.total),)),
            n=allowed_now))
    return [_("one directory import may remove at most {parts}").format(
        parts="; ".join(parts))], effect


def _theme(ctx: ServiceContext, spec: SettingSpec, old: Any, new: Any,
           item: str | None) -> Effect:
    return [_("the console switches from {old} to {new} at once").format(old=old, new=new)], {}


_EFFECTS: dict[str, Callable[..., Effect]] = {
    "reclaim_on_removal": _reclaim,
    "sync_interval_hours": _sync,
    "expiring_soon_days": _expiring,
    "low_license_percent": _low,
    "directory_max_removal_percent": _removal,
    "directory_removal_floor": _removal,
    "theme": _theme,
}
