"""Plain data for screens and commands carries terminal-safe text (domain/text.py)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from vpp_tui.domain.text import terminal_safe


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return terminal_safe(value)
    if isinstance(value, tuple):
        cleaned = tuple(_clean(v) for v in value)
        return value if cleaned == value else cleaned
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class SafeText:
    """Base of the view dataclasses: on creation every `str` field (also inside tuples and
    lists) goes through `terminal_safe`, so names and messages from token files, Apple and
    directory files reach the console, the CLI and `--json` without control characters.
    Works for frozen dataclasses; nested views clean themselves."""

    def __post_init__(self) -> None:
        names = _FIELDS.get(type(self))
        if names is None:  # `fields` per instance was most of the cost at 3,000 tokens
            names = _FIELDS[type(self)] = tuple(f.name for f in fields(self))  # type: ignore[arg-type]
        for name in names:
            value = getattr(self, name)
            cleaned = _clean(value)
            if cleaned is not value and cleaned != value:
                object.__setattr__(self, name, cleaned)


_FIELDS: dict[type, tuple[str, ...]] = {}  # a view class's field names
