"""Location-token rules: health and its reason, renewal, the tenant limit, when to sync.

One function decides a token's state (`token_health`); the Tokens screen, the CLI and
the sync scheduler all show its answer. Pure: no I/O, the time is passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from vpp_tui.i18n import _

MAX_TOKENS = 3000
DEFAULT_EXPIRING_SOON_DAYS = 30
# A delta sync is cheap but can drift from Apple; read everything at least this often.
FULL_SYNC_EVERY = timedelta(days=1)

# Apple's answers that mean the token itself is unusable (apple-api.md §5.1, §7.3).
ERROR_EXPIRED = 9621
ERROR_REVOKED = 9625
ERRORS_CREDENTIALS = frozenset({9601, 9622, 9722})
TOKEN_FAULTS = frozenset({ERROR_EXPIRED, ERROR_REVOKED}) | ERRORS_CREDENTIALS


class TokenState(StrEnum):
    VALID = "valid"
    EXPIRING_SOON = "expiring_soon"
    EXPIRED = "expired"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    EXTERNAL_MDM = "assigned_to_external_mdm"


# Lower sorts first: what an admin must fix today comes to the top of the triage view.
_URGENCY = {
    TokenState.EXPIRED: 0,
    TokenState.INVALID: 1,
    TokenState.EXTERNAL_MDM: 2,
    TokenState.DUPLICATE: 3,
    TokenState.EXPIRING_SOON: 4,
    TokenState.VALID: 5,
}


@dataclass(frozen=True)
class TokenFacts:
    expires_at: datetime
    apple_error: int | None = None
    external_mdm_name: str | None = None
    is_duplicate: bool = False
    duplicate_of: tuple[str, ...] = field(default=())
    last_sync_status: str = "none"
    last_sync_error: str | None = None


@dataclass(frozen=True)
class TokenHealth:
    state: TokenState
    reason: str
    advice: str
    needs_attention: bool
    urgency: int
    can_sync: bool
    can_assign: bool


def days_left(expires_at: datetime, now: datetime) -> int:
    """Whole days until expiry: partial days count while valid; once expired, whole days
    past (an admin reads "expired 3 days ago" for 3 days and some hours)."""
    return math.ceil((expires_at - now).total_seconds() / 86400)


def _renew_advice() -> str:
    return _("Download a new token in Apple Business/School Manager › Settings › Apps and "
             "Books, then renew (r). Apps and assignments are kept.")


def _invalid_reason(error: int) -> tuple[str, str]:
    if error == ERROR_REVOKED:
        return (_("revoked"), _("Apple revoked this token (9625): a newer token was "
                                "downloaded for the location, or it was revoked in Apple "
                                "Business/School Manager. ") + _renew_advice())
    return (_("credentials invalid"), _(
        "Apple rejects this token ({code}): the Apple Business/School Manager account that made "
        "it may have changed its password or left. ").format(code=error) + _renew_advice())


def token_health(facts: TokenFacts, now: datetime, *,
                 expiring_soon_days: int = DEFAULT_EXPIRING_SOON_DAYS) -> TokenHealth:
    """The one answer to "what state is this token in, why, and what should I do"."""
    left = days_left(facts.expires_at, now)
    if facts.expires_at <= now or facts.apple_error == ERROR_EXPIRED:
        ago = max(-left, 0)
        return _health(TokenState.EXPIRED,
                       _("expired {n} days ago").format(n=ago) if ago else _("expired"),
                       _("Apple refuses every call with this token (9621). ") + _renew_advice())
    if facts.apple_error in ERRORS_CREDENTIALS | {ERROR_REVOKED}:
        reason, advice = _invalid_reason(int(facts.apple_error or 0))
        return _health(TokenState.INVALID, reason, advice)
    if facts.external_mdm_name:
        return _health(
            TokenState.EXTERNAL_MDM, _("held by {mdm}").format(mdm=facts.external_mdm_name),
            _("{mdm} manages this location's licenses. Take control (c) to manage them here; "
              "{mdm} will stop managing them.").format(mdm=facts.external_mdm_name),
            can_assign=False)
    if facts.is_duplicate:
        others = ", ".join(facts.duplicate_of) or _("another token")
        return _health(
            TokenState.DUPLICATE, _("same location as {others}").format(others=others),
            _("Two tokens point at one location: syncing is paused and new purchases may not "
              "show. Assign and revoke still work. Delete the duplicate to resume syncing."),
            can_sync=False)
    if left <= expiring_soon_days:
        return _health(
            TokenState.EXPIRING_SOON, _("expires in {n} days").format(n=left),
            _("Renew before it expires (r): download a new token for the same location. "
              "Apps and assignments are kept."), attention=True)
    return _health(TokenState.VALID, _("expires in {n} days").format(n=left),
                   _("Healthy. It syncs on schedule; press s to sync now."), attention=False)


def _health(state: TokenState, reason: str, advice: str, *, attention: bool = True,
            can_sync: bool | None = None, can_assign: bool | None = None) -> TokenHealth:
    usable = state in (TokenState.VALID, TokenState.EXPIRING_SOON, TokenState.DUPLICATE)
    return TokenHealth(
        state=state, reason=reason, advice=advice, needs_attention=attention,
        urgency=_URGENCY[state],
        can_sync=usable if can_sync is None else can_sync,
        can_assign=usable if can_assign is None else can_assign,
    )


def renewal_allowed(current_location: str | None, new_location: str | None,
                    current_is_legacy: bool) -> tuple[bool, str]:
    """A renewal must be for the same location; a legacy token may move to a location token."""
    if current_is_legacy or not current_location:
        return True, ""
    if new_location != current_location:
        return False, _(
            "this file is for another location ({new}), not {old}; download the token of "
            "the same location, or add it as a new token").format(new=new_location,
                                                                   old=current_location)
    return True, ""


def check_token_limit(existing: int) -> None:
    if existing >= MAX_TOKENS:
        raise ValueError(_("a tenant holds at most {n} tokens; delete one before adding "
                           "another").format(n=MAX_TOKENS))


def sync_due(last_sync_at: datetime | None, last_full_sync_at: datetime | None,
             now: datetime, interval_hours: int) -> tuple[bool, bool]:
    """(is a sync due, must it be a full read) for the scheduler."""
    due = last_sync_at is None or now - last_sync_at >= timedelta(hours=interval_hours)
    full = last_full_sync_at is None or now - last_full_sync_at >= FULL_SYNC_EVERY
    return due, full


def auto_update_mark(intent: str, new_version: str | None) -> str | None:
    """What an auto-updated app's assignment shows; None where the update does not apply."""
    if intent == "required":
        return _("update pending: version {v} installs at the next check-in").format(
            v=new_version or "?")
    if intent == "available":
        return _("a new version ({v}) is available").format(v=new_version or "?")
    return None
