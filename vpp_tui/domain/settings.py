"""What each store setting is: its key, type, allowed values, default, and the rule it picks.

Sources: seed 001/002 (Intune, 2020) give the defaults: tokens sync twice a day, removing
an assignment reclaims its licenses. design.md "Where the sources disagree" names the later
Intune behaviour (2025): sync once a day, removal keeps licenses until an Uninstall
assignment, a license-usage alert. The 2020 rule is the default; the later one is a choice.

Pure: parsing a typed value, checking a stored one (falling back to the default when it is
broken) and the low-license rule. The services store the values (`services.settings`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from vpp_tui.domain.text import quote, truncate_cells
from vpp_tui.i18n import N_, _

INT = "int"
NUMBER = "number"  # a whole or decimal number (a percentage)
BOOL = "bool"
CHOICE = "choice"

# Textual 8.2.8's built-in themes (textual.theme.BUILTIN_THEMES; the domain imports no
# Textual: tests/ui checks this list against the console's available themes).
THEMES = (
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe",
    "catppuccin-latte", "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki",
    "gruvbox", "monokai", "nord", "rose-pine", "rose-pine-dawn", "rose-pine-moon",
    "solarized-dark", "solarized-light", "textual-dark", "textual-light", "tokyo-night",
)

_TRUE = ("yes", "true", "on", "1")
_FALSE = ("no", "false", "off", "0")
_ADAM_ID = re.compile(r"[0-9]{1,20}")


class SettingValueError(ValueError):
    """A value a setting does not take; the message is one line: what is wrong and the
    allowed values."""


@dataclass(frozen=True)
class SettingSpec:
    """One setting. `kind`: INT, NUMBER, BOOL or CHOICE; `minimum`/`maximum` bound INT and
    NUMBER (inclusive); `choices` list a CHOICE's values; `per_item`: an app or book may
    override it (`low_license_percent:<adamId>`); `later`: the later Intune value, if any."""

    key: str
    kind: str
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    per_item: bool = False
    later: Any = None

    def allowed(self) -> str:
        """The allowed values, for messages and `settings` output."""
        if self.kind == BOOL:
            return _("on or off (yes or no)")
        if self.kind == CHOICE:
            return _("one of {names}").format(names=", ".join(self.choices))
        what = _("a whole number") if self.kind == INT else _("a number")
        return _("{what} from {low} to {high}").format(
            what=what, low=_plain(self.minimum), high=_plain(self.maximum))

    def show(self, value: Any) -> str:
        """A value as the CLI and the console write it (`on`/`off` for a switch)."""
        if self.kind == BOOL:
            return _("on") if value else _("off")
        return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "sync_interval_hours", INT, 12,
        N_("hours between scheduled syncs of a token (2020: twice a day; later Intune: 24)"),
        1, 168, later=24),
    SettingSpec(
        "reclaim_on_removal", BOOL, True,
        N_("removing an assignment reclaims its licenses (2020: yes; later Intune: no, "
          "licenses stay until an Uninstall assignment)"), later=False),
    SettingSpec(
        "expiring_soon_days", INT, 30,
        N_("days before its expiry a token shows as expiring soon"), 1, 365),
    SettingSpec(
        "low_license_percent", NUMBER, 90,
        N_("an app or book is low on licenses from this share (%) used; an item may "
          "override it (later Intune alerts at 50)"), 1, 100, per_item=True, later=50),
    SettingSpec(
        "directory_max_removal_percent", NUMBER, 10,
        N_("a directory import removing more than this share (%) of the users, managed "
          "devices or group members, and more than the floor, is refused"), 0, 100),
    SettingSpec(
        "directory_removal_floor", INT, 5,
        N_("how many users, devices or members a directory import may always remove"),
        0, 1_000_000),
    SettingSpec(
        "theme", CHOICE, "textual-dark", N_("the console's colours"), choices=THEMES),
)

BY_KEY = {s.key: s for s in SPECS}
DEFAULTS: dict[str, Any] = {s.key: s.default for s in SPECS}


def spec_of(key: str) -> SettingSpec:
    """The spec named `key`. Raises SettingValueError naming the known keys."""
    spec = BY_KEY.get(key)
    if spec is None:
        raise SettingValueError(_("there is no setting {key}; use one of {keys}").format(
            key=quote(key), keys=", ".join(BY_KEY)))
    return spec


def parse_text(spec: SettingSpec, text: str) -> Any:
    """A value typed by an admin ("24", "no", "80%", "nord") as the setting's type.

    Raises SettingValueError ("abc", "1e400", "-1", "nan" for a number; an unknown word for
    a switch or a choice)."""
    raw = text.strip()
    if spec.kind == BOOL:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise _refused(spec, text)
    if spec.kind == CHOICE:
        return check_value(spec, raw)
    if spec.kind == NUMBER:
        raw = raw.removesuffix("%").strip()
    try:
        number: Any = int(raw) if re.fullmatch(r"[+-]?[0-9]{1,12}", raw) else float(raw)
        return check_value(spec, number)
    except ValueError:  # SettingValueError too: name the text as typed
        raise _refused(spec, text) from None


def check_value(spec: SettingSpec, value: Any) -> Any:
    """`value` (a JSON value: from the store, a test, or `parse_text`) as the setting keeps
    it: an INT as int, a NUMBER as int when whole else float, a BOOL as bool.

    A string is read with `parse_text`. Raises SettingValueError for None, a bool where a
    number is wanted, NaN or infinity, a value out of range, or an unknown choice."""
    if isinstance(value, str) and spec.kind != CHOICE:
        return parse_text(spec, value)
    if spec.kind == BOOL:
        if isinstance(value, bool):
            return value
        raise _refused(spec, value)
    if spec.kind == CHOICE:
        if isinstance(value, str) and value in spec.choices:
            return value
        raise _refused(spec, value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refused(spec, value)
    if isinstance(value, float) and (not math.isfinite(value)
                                     or (spec.kind == INT and not value.is_integer())):
        raise _refused(spec, value)
    if not (spec.minimum or 0) <= value <= (spec.maximum or 0):
        raise _refused(spec, value)
    if spec.kind == INT or float(value).is_integer():
        return int(value)
    return float(value)


def stored_value(spec: SettingSpec, raw: Any) -> tuple[Any, str | None]:
    """What a reader uses for the stored `raw`: (value, None) when it is valid, else
    (the default, one line saying the stored value was ignored). Raises nothing."""
    try:
        return check_value(spec, raw), None
    except SettingValueError:
        return spec.default, _("the stored setting {key} is {raw}, which is not {allowed}; "
                               "using the default {default} (set it again with 'vpp-tui "
                               "settings set')").format(
            key=spec.key, raw=_shown(raw), allowed=spec.allowed(),
            default=spec.show(spec.default))


def item_key(key: str, adam_id: str) -> str:
    """The stored key of an item's override: `low_license_percent:<adamId>`. Raises
    SettingValueError when the setting takes no override or the adamId is not digits."""
    spec = spec_of(key)
    if not spec.per_item:
        raise SettingValueError(_("{key} has no per-item value; drop --item").format(key=key))
    if not isinstance(adam_id, str) or not _ADAM_ID.fullmatch(adam_id):
        raise SettingValueError(_("{item} is not an adamId (digits only); see 'vpp-tui "
                                  "apps list'").format(item=quote(adam_id)))
    return f"{key}:{adam_id}"


def split_key(stored: str) -> tuple[str, str | None]:
    """A stored key as (setting key, adamId or None)."""
    key, sep, item = stored.partition(":")
    return (key, item) if sep else (stored, None)


def is_low_on_licenses(used: int, total: int, unlimited: bool, percent: float) -> bool:
    """The low-license rule: an item is low when at least `percent` % of its `total`
    licenses are used (`used`, `total` counts >= 0). An item with no licenses or with
    unlimited ones is never low. Source: issue 10 (default 90 %); design.md names the later
    Intune 50 % license-usage alert."""
    if unlimited or total <= 0:
        return False
    return used * 100 >= percent * total


def _shown(value: Any) -> str:
    text = "null" if value is None else repr(value)
    return truncate_cells(text, 40)


def _refused(spec: SettingSpec, value: Any) -> SettingValueError:
    return SettingValueError(_("{key} cannot be {value}; give {allowed}").format(
        key=spec.key, value=_shown(value), allowed=spec.allowed()))
