"""Location-token rules: health and its reason, expiry, admission and renewal, the tenant
limit, when to sync.

One function decides a token's state (`token_health`); the Tokens screen, the CLI and
the sync scheduler all show its answer. Pure: no I/O, the time is passed in.
"""

from __future__ import annotations

import math
import shlex
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from vpp_tui.domain.labels import owner_label
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, shown

MAX_TOKENS = 3000
DEFAULT_EXPIRING_SOON_DAYS = 30
# A delta sync is cheap but can drift from Apple; read everything at least this often.
FULL_SYNC_EVERY = timedelta(days=1)

# Apple's answers that mean the token itself is unusable (apple-api.md §5.1, §7.3).
ERROR_EXPIRED = 9621
ERROR_REVOKED = 9625
ERRORS_CREDENTIALS = frozenset({9601, 9622, 9722})
# A legacy (pre-location) token: Apple refuses it on v2; renew with a location token (§5.1).
ERROR_LEGACY = 9647
TOKEN_FAULTS = frozenset({ERROR_EXPIRED, ERROR_REVOKED, ERROR_LEGACY}) | ERRORS_CREDENTIALS


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
    external_mdm_metadata: str | None = None  # Apple's mdmInfo.metadata of that MDM
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


@dataclass(frozen=True)
class ActionHints:
    """How a front end names the actions a token's advice points to.

    Each text is what the advice says for that action, `{name}` standing for the token's
    name: the console names its keys, the command line its commands (`CLI_HINTS`), so
    advice printed by the CLI never says "press c"."""

    renew: str  # "then {renew}." / "download a new token and {renew}."
    renew_soon: str  # "{renew_soon}: download a new token for the same location."
    sync_again: str  # "{sync_again} asks Apple again"
    sync_now: str  # "It syncs on schedule; {sync_now}."
    take_control: str  # "{take_control} to manage them here"

    def for_token(self, name: str) -> ActionHints:
        """The hints with the token's name filled in, quoted as a shell needs it."""
        quoted = shlex.quote(name)
        return ActionHints(*(getattr(self, f).replace("{name}", quoted) for f in (
            "renew", "renew_soon", "sync_again", "sync_now", "take_control")))


def console_hints() -> ActionHints:
    """The console's keys (the Tokens view)."""
    return ActionHints(renew=_("renew (r)"), renew_soon=_("Renew before it expires (r)"),
                       sync_again=_("Sync (s)"), sync_now=_("press s to sync now"),
                       take_control=_("Take control (c)"))


def cli_hints() -> ActionHints:
    """The command line's commands."""
    return ActionHints(
        renew=_("renew (vpp-tui token renew {name} FILE)"),
        renew_soon=_("Renew before it expires (vpp-tui token renew {name} FILE)"),
        sync_again=_("A sync (vpp-tui sync {name})"),
        sync_now=_("run vpp-tui sync {name} to sync now"),
        take_control=_("Take control (vpp-tui token take-control {name})"))


def days_left(expires_at: datetime, now: datetime) -> int:
    """Whole days until expiry: partial days count while valid; once expired, whole days
    past (an admin reads "expired 3 days ago" for 3 days and some hours)."""
    return math.ceil((expires_at - now).total_seconds() / 86400)


def _renew_advice(hints: ActionHints) -> str:
    return _("Download a new token in Apple Business/School Manager › Settings › Apps and "
             "Books, then {renew}. Apps and assignments are kept.").format(renew=hints.renew)


def _invalid_reason(error: int, hints: ActionHints) -> tuple[str, str]:
    if error == ERROR_REVOKED:
        return (_("revoked"), _("Apple revoked this token (9625): a newer token was "
                                "downloaded for the location, or it was revoked in Apple "
                                "Business/School Manager. ") + _renew_advice(hints))
    if error == ERROR_LEGACY:
        return (_("legacy token"), _("Apple no longer accepts legacy tokens (9647): this "
                                     "file is not a location token. ") + _renew_advice(hints))
    return (_("credentials invalid"), _(
        "Apple rejects this token ({code}): the Apple Business/School Manager account that made "
        "it may have changed its password or left. ").format(code=error)
        + _renew_advice(hints))


def effective_expiry(file_expires_at: datetime, apple_expires_at: datetime | None) -> datetime:
    """When the token stops working, as the console counts it: the later of the token file's
    `expDate` and Apple's last `tokenExpirationDate` (aware datetimes).

    Apple's answers can lag a renewal and keep echoing the previous file's date (apple-api.md
    §1.4: the field is optional and loosely specified; §7.3: `expDate` schedules the
    renewal), so an older date from Apple never shortens a newer file. A token Apple stops
    early answers 9621, which `token_health` shows whatever the dates say.
    """
    if apple_expires_at is None:
        return file_expires_at
    return max(file_expires_at, apple_expires_at)


def needs_attention(state: TokenState, last_sync_status: str) -> bool:
    """Whether a token needs an admin: the one rule behind `needs_attention` in `token list`,
    `status` and the console's count. True for every state but valid (expired, invalid,
    held by another MDM, a duplicate, or expiring soon: inside `expiring_soon_days`,
    apple-api.md §7.3 "renew before expiry"), and for a token whose last sync failed
    (`last_sync_status` "failed", domain.outcomes)."""
    return state != TokenState.VALID or last_sync_status == "failed"


def token_health(facts: TokenFacts, now: datetime, *,
                 expiring_soon_days: int = DEFAULT_EXPIRING_SOON_DAYS,
                 hints: ActionHints | None = None) -> TokenHealth:
    """The one answer to "what state is this token in, why, and what should I do".

    `facts.expires_at` is the effective expiry (`effective_expiry`). A 9621 from Apple while
    that date is still ahead shows the token expired but lets a sync ask again: Apple's next
    successful answer clears the error, so a stale 9621 never sticks (apple-api.md §7.3).
    `hints` names the actions in the advice (`console_hints()` by default; the CLI passes
    `cli_hints().for_token(name)`). Another MDM is named with its metadata
    (`labels.owner_label`), so another installation of vpp-tui reads as which one.
    `needs_attention` follows `needs_attention(state, facts.last_sync_status)`."""
    health = _judge(facts, now, expiring_soon_days, hints or console_hints())
    attention = needs_attention(health.state, facts.last_sync_status)
    if attention == health.needs_attention:
        return health
    return replace(health, needs_attention=attention)


def _judge(facts: TokenFacts, now: datetime, expiring_soon_days: int,
           hints: ActionHints) -> TokenHealth:
    left = days_left(facts.expires_at, now)
    if facts.expires_at <= now:
        ago = max(-left, 0)
        return _health(TokenState.EXPIRED,
                       _("expired {n} days ago").format(n=ago) if ago else _("expired"),
                       _("Apple refuses every call with this token (9621). ")
                       + _renew_advice(hints))
    if facts.apple_error == ERROR_EXPIRED:
        return _health(TokenState.EXPIRED, _("Apple answered expired (9621)"), _(
            "The token file runs {n} more days, but Apple's last answer said it expired. "
            "{sync_again} asks Apple again: an answer clears this. If Apple still refuses, "
            "download a new token and {renew}.").format(
                n=left, sync_again=hints.sync_again, renew=hints.renew), can_sync=True)
    if facts.apple_error in ERRORS_CREDENTIALS | {ERROR_REVOKED, ERROR_LEGACY}:
        reason, advice = _invalid_reason(int(facts.apple_error or 0), hints)
        return _health(TokenState.INVALID, reason, advice)
    if facts.external_mdm_name:
        mdm = shown(facts.external_mdm_name) or ""  # stored English "another MDM"
        return _health(
            TokenState.EXTERNAL_MDM, _("held by {mdm}").format(
                mdm=owner_label(mdm, facts.external_mdm_metadata)),
            _("{mdm} manages this location's licenses. {take_control} to manage them here; "
              "{mdm} will stop managing them.").format(mdm=mdm,
                                                       take_control=hints.take_control),
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
            _("{renew_soon}: download a new token for the same location. "
              "Apps and assignments are kept.").format(renew_soon=hints.renew_soon),
            attention=True)
    return _health(TokenState.VALID, _("expires in {n} days").format(n=left),
                   _("Healthy. It syncs on schedule; {sync_now}.").format(
                       sync_now=hints.sync_now), attention=False)


def _health(state: TokenState, reason: str, advice: str, *, attention: bool = True,
            can_sync: bool | None = None, can_assign: bool | None = None) -> TokenHealth:
    usable = state in (TokenState.VALID, TokenState.EXPIRING_SOON, TokenState.DUPLICATE)
    return TokenHealth(
        state=state, reason=reason, advice=advice, needs_attention=attention,
        urgency=_URGENCY[state],
        can_sync=usable if can_sync is None else can_sync,
        can_assign=usable if can_assign is None else can_assign,
    )


def expired_file_refusal(file_expires_at: datetime, now: datetime, *,
                         renewing: bool) -> str | None:
    """Why a token file past its `expDate` is not admitted, or None while it is valid.

    An expired file is refused before Apple is asked: Apple would answer 9621 to every call
    (apple-api.md §1.1 "the moment the token stops working", §7.3 "hard stop after it")."""
    if file_expires_at > now:
        return None
    ago = max(-days_left(file_expires_at, now), 0)
    when = (_("{n} days ago").format(n=ago) if ago else _("today"))
    return _("this token file expired on {date} ({when}); download a new token in Apple "
             "Business/School Manager › Settings › Apps and Books and {then}").format(
        date=file_expires_at.date().isoformat(), when=when, then=_then(renewing))


def _then(renewing: bool) -> str:
    return (_("renew with that file; the stored token is unchanged") if renewing else
            _("add that file; nothing was stored"))


def apple_refusal(error: int | None, apple_message: str, *, renewing: bool) -> str:
    """Why Apple refuses a token file, and what to do: one line.

    `error` is Apple's errorNumber for the file's first call: 9621 expired, 9625 revoked,
    9601/9622 secret unknown or invalid, 9722 unusable as a bearer (apple-api.md §1.4,
    §5.1, §7.3). A token Apple refuses is never stored."""
    said = f" ({apple_message.strip()})" if apple_message.strip() else ""
    if error == ERROR_EXPIRED:
        why = _("Apple says this token has expired (9621){said}").format(said=said)
    elif error == ERROR_REVOKED:
        why = _("Apple revoked this token (9625){said}: a newer token was downloaded for the "
                "location, or it was revoked in Apple Business/School Manager").format(said=said)
    elif error == ERROR_LEGACY:
        why = _("Apple refuses legacy tokens (9647){said}: this file is not a location token"
                ).format(said=said)
    elif error == 9722:
        why = _("Apple cannot read this token as a bearer (9722){said}: the file was altered"
                ).format(said=said)
    else:
        why = _("Apple does not know this token ({code}){said}: the file was edited or "
                "re-encoded, or the account that made it changed its password or left"
                ).format(code=error, said=said)
    return _("{why}; download a new token in Apple Business/School Manager › Settings › Apps "
             "and Books and {then}").format(why=why, then=_then(renewing))


def renewal_allowed(current_location: str | None, new_location: str | None,
                    current_is_legacy: bool, *, held_by: str | None = None,
                    current_org: str | None = None, new_org: str | None = None
                    ) -> tuple[bool, str]:
    """(allowed, why not) for renewing a stored token with a file Apple answered for.

    Locations are Apple's `uId` (apple-api.md §2.0: it identifies the library). A known
    location must stay the same; a legacy token may move to a location token. When the stored
    location is unknown (legacy, or the token never reached Apple) the file's location must
    not be one another stored token already manages (`held_by`, that token's name): both
    would become duplicates and stop syncing. With the location unknown, the file must also
    be for the same organisation (`orgName` of the old and the new file), the only identity
    the stored token has."""
    if current_location and not current_is_legacy:
        if new_location != current_location:
            return False, _(
                "this file is for another location ({new}), not {old}; download the token of "
                "the same location, or add it as a new token").format(
                    new=new_location or _("unknown"), old=current_location)
        return True, ""
    if held_by:
        return False, _(
            "this file is for location {new}, which token {other} already manages; renew "
            "{other} with it, or download the token of this token's own location").format(
                new=new_location, other=quote(held_by))
    if current_org and new_org and current_org.strip() != new_org.strip():
        return False, _(
            "this file is for organisation {new}, but the token was made for {old}; "
            "download the token of the same organisation, or add it as a new token").format(
                new=quote(new_org), old=quote(current_org))
    return True, ""


def owner_refusal(holder_id: str | None, holder_name: str | None, holder_metadata: str | None,
                  mine: str | None, take_control: bool) -> str | None:
    """Why a renewal is refused because another MDM holds the file's location, or None.

    `holder_*` is Apple's `mdmInfo` for the new file, `mine` this installation's id (None when
    it never claimed anything). Only one MDM should manage a location; taking it needs the
    admin's explicit consent (apple-api.md §1.6, §7.1)."""
    if not holder_id or holder_id == mine or take_control:
        return None
    owner = holder_name or _("another MDM")
    extra = f" ({holder_metadata})" if holder_metadata else ""
    return _("{owner}{extra} manages this location at Apple; renew with take control "
             "(--take-control) to manage it here ({owner} stops managing it), or leave it "
             "with {owner}; the stored token is unchanged").format(owner=owner, extra=extra)


HTTP_OK = 200


def park_needs_recheck(error_number: int | None, http_status: int | None) -> bool:
    """True when a token fault must be confirmed before the token is parked as invalid.

    An auth error (9601, 9621, 9622, 9625, 9722) inside an HTTP 200 is not Apple's usual
    answer (those come with 401): Fleet saw them with 200 from Apple or a proxy in front of
    it (apple-api.md §11.1, §11.4), and one such answer may be spurious. It is confirmed
    with one `GET client/config` (§2.3); a real 401 is believed at once (§5.1)."""
    return error_number in TOKEN_FAULTS and http_status == HTTP_OK


def spurious_fault_note(error_number: int | None) -> str:
    """What a failed sync says when the recheck did not confirm Apple's token error."""
    return _("Apple answered error {n} inside HTTP 200 once, then accepted the token: the "
             "token stays valid; sync again").format(n=error_number)


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
