"""Location tokens: upload, list, show, renew, settings, take control, delete.

The token's state is decided by `domain.tokens.token_health`; this package only
gathers the facts (from the store and Apple) and applies the changes:
`admission` (check, add, renew) behind `gate` (what a file must pass: it decodes, it is
not expired, Apple answers for it), `queries` (list, show, bearer), `changes` (settings,
take control, delete).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Which module defines each name. Imported on first use (PEP 562), so `tokens.list_tokens`
# loads `queries` alone: the token list reads with SQLAlchemy Core and never imports
# `admission`'s SQLModel classes nor the ORM (issue 13, CLI start-up).
_HOMES = {
    "admission": ("ACCOUNT_TYPES", "NewToken", "RenewalRefused", "TokenFileExpired",
                  "TokenRefused", "add_token", "check_file", "preview_file", "renew_token",
                  "seed_demo_token"),
    "changes": ("delete_preview", "delete_token", "take_control", "update_settings"),
    "queries": ("bearer_of", "get_token", "list_tokens", "matching"),
    "triage": ("TokenBrief", "token_briefs", "token_views"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

if TYPE_CHECKING:
    from vpp_tui.services.tokens.admission import (
        ACCOUNT_TYPES,
        NewToken,
        RenewalRefused,
        TokenFileExpired,
        TokenRefused,
        add_token,
        check_file,
        preview_file,
        renew_token,
        seed_demo_token,
    )
    from vpp_tui.services.tokens.changes import (
        delete_preview,
        delete_token,
        take_control,
        update_settings,
    )
    from vpp_tui.services.tokens.queries import bearer_of, get_token, list_tokens, matching
    from vpp_tui.services.tokens.triage import TokenBrief, token_briefs, token_views


def __getattr__(name: str) -> Any:
    """`tokens.<name>` from the module defining it, imported now (AttributeError if none)."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ACCOUNT_TYPES", "NewToken", "RenewalRefused", "TokenBrief", "TokenFileExpired",
    "TokenRefused",
    "add_token", "bearer_of", "check_file", "delete_preview", "delete_token", "get_token",
    "list_tokens", "matching", "preview_file", "renew_token", "seed_demo_token", "take_control",
    "token_briefs", "token_views", "update_settings",
]
