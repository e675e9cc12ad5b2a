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
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            cleaned = _clean(value)
            if cleaned is not value and cleaned != value:
                object.__setattr__(self, f.name, cleaned)
