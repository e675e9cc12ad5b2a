"""Location tokens: upload, list, show, renew, settings, take control, delete.

The token's state is decided by `domain.tokens.token_health`; this package only
gathers the facts (from the store and Apple) and applies the changes:
`admission` (check, add, renew) behind `gate` (what a file must pass: it decodes, it is
not expired, Apple answers for it), `queries` (list, show, bearer), `changes` (settings,
take control, delete).
"""

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

__all__ = [
    "ACCOUNT_TYPES", "NewToken", "RenewalRefused", "TokenBrief", "TokenFileExpired",
    "TokenRefused",
    "add_token", "bearer_of", "check_file", "delete_preview", "delete_token", "get_token",
    "list_tokens", "matching", "preview_file", "renew_token", "seed_demo_token", "take_control",
    "token_briefs", "token_views", "update_settings",
]
