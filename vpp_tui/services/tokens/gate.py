"""The admission gate: what a token file must pass before anything is stored.

In order: the file decodes (`apple.stoken`), it is not past its `expDate`, and Apple
answers for it. A refusal is decided first, then audited in its own short transaction
(action, target, result "refused", the reason), and nothing else is written. No
transaction is open while Apple is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from sqlmodel import Session

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.stoken import SToken, TokenFileError, decode_token, parse_exp_date
from vpp_tui.domain import tokens as rules
from vpp_tui.i18n import _, for_store, stored
from vpp_tui.services import audit
from vpp_tui.services.apple_link import INSTALLATION_KEY, apple_failure_text, installation_id
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.store import limits
from vpp_tui.store import models as m

REFUSED = "refused"


class TokenRefused(ServiceError):
    """Apple refuses the token file, or another MDM holds its location: exit 1.

    `error_number` is Apple's (9601, 9621, 9622, 9625, 9722), None for an ownership refusal.
    Nothing was stored; the refusal is in the audit log."""

    def __init__(self, message: str, error_number: int | None = None) -> None:
        super().__init__(message)
        self.error_number = error_number


class TokenFileExpired(InvalidInput):
    """The token file is past its `expDate`: exit 2. Nothing was stored; audited."""


class RenewalRefused(InvalidInput):
    """The file is for another location or organisation than the token: exit 2. Audited."""


def decode(content: str | bytes) -> SToken:
    """The decoded file; InvalidInput naming the file's fault (not audited: not a token),
    including an `orgName` the store cannot keep (`store.limits`)."""
    try:
        sttoken = decode_token(content)
    except TokenFileError as exc:
        raise InvalidInput(exc.message) from exc
    problem = limits.problem(m.Token, "org_name", sttoken.org_name)
    if problem:
        raise InvalidInput(_("the token's orgName {problem}; shorten the organisation's name "
                             "in Apple Business or School Manager, then download the token "
                             "again").format(problem=problem))
    return sttoken


def refuse(ctx: ServiceContext, action: str, target: str,
           refusal: Callable[[], ServiceError]) -> NoReturn:
    """Audit a refusal decided by the caller (result "refused"), then raise it.

    `refusal` makes the error (its message worded with `_()`); it is called twice: in
    English for the audit detail (the store is shared: `i18n.stored`, shown translated
    with `i18n.shown`), and in the admin's language for the error raised."""
    with ctx.store.session() as session:
        audit.record(session, ctx, action, target, result=REFUSED,
                     detail=stored(lambda: refusal().message))
    error = refusal()
    error.audited = True
    raise error


def decode_refusal(content: str | bytes) -> InvalidInput:
    """The InvalidInput `decode(content)` raises for a file it cannot read (the error to
    give `refuse`, worded in the current language)."""
    try:
        decode(content)
    except InvalidInput as exc:
        return exc
    raise ValueError("decode_refusal: the file decodes")


def check_expiry(ctx: ServiceContext, sttoken: SToken, action: str, target: str, *,
                 renewing: bool) -> None:
    """Refuse (TokenFileExpired, audited) a file past its `expDate` before asking Apple."""
    now = ctx.clock.now()

    def reason() -> str | None:
        return rules.expired_file_refusal(sttoken.expires_at, now, renewing=renewing)

    if reason():
        refuse(ctx, action, target, lambda: TokenFileExpired(reason() or ""))


def ask_apple(ctx: ServiceContext, client: Any, action: str, target: str, *,
              renewing: bool) -> Any:
    """Apple's client config for the file (`GET /client/config`, apple-api.md §2.3), asked
    with `client` (a client for the file's bearer).

    Raises TokenRefused (audited) when Apple refuses the token itself, ServiceError when
    Apple cannot be reached or fails otherwise (not audited: the file may be fine)."""
    try:
        return client.client_config()
    except apple_errors.AppleError as exc:
        if not apple_errors.is_token_fault(exc):
            raise ServiceError(apple_failure_text(exc)) from exc
        number, said = exc.error_number, exc.message
        refuse(ctx, action, target, lambda: TokenRefused(
            rules.apple_refusal(number, said, renewing=renewing), number))


def known_installation_id(ctx: ServiceContext) -> str | None:
    """This installation's `mdmInfo.id` if it was ever made; reading it writes nothing."""
    with ctx.store.session() as session:
        row = session.get(m.Setting, INSTALLATION_KEY)
        return str(row.value) if row is not None else None


def held_elsewhere(config: Any, mine: str | None) -> bool:
    """True when Apple's answer names another MDM as the location's holder (§7.1)."""
    info = getattr(config, "mdmInfo", None)
    return bool(info is not None and info.id and info.id != mine)


def apply_client_config(token: m.Token, config: Any) -> None:
    """Copy what Apple said about the location onto the row (nothing is committed here).

    Any such answer is authenticated, so a stale token error (9621 expired, 9625, 9601…)
    recorded earlier is cleared: the token works (apple-api.md §7.3)."""
    token.location_id = config.uId or token.location_id
    token.location_name = config.locationName or token.location_name
    token.apple_country = config.countryISO2ACode or token.apple_country
    token.default_platform = config.defaultPlatform or token.default_platform
    token.website_url = config.websiteURL or token.website_url
    if config.tokenExpirationDate:
        try:
            token.apple_expires_at = parse_exp_date(config.tokenExpirationDate)
        except TokenFileError:
            pass
    token.apple_error = token.apple_error_message = token.apple_error_at = None
    limits.clip_fields(token, APPLE_TEXT)


# The token's text fields Apple writes: made to fit their columns (`store.limits.clip`).
APPLE_TEXT = ("location_id", "location_name", "apple_country", "default_platform",
              "website_url", "external_mdm_id", "external_mdm_name", "external_mdm_metadata")


def mark_external(token: m.Token, config: Any) -> None:
    """Record the other MDM that holds the location (state assigned_to_external_mdm)."""
    info = config.mdmInfo
    token.external_mdm_id = info.id
    token.external_mdm_name = info.name or stored(lambda: _("another MDM"))  # shared: English
    token.external_mdm_metadata = info.metadata
    limits.clip_fields(token, APPLE_TEXT)


def claim(ctx: ServiceContext, client: Any, token: m.Token) -> Any:
    """`POST /client/config` with this installation's mdmInfo; the row is marked claimed.

    Returns Apple's answer; raises AppleError (the caller maps it)."""
    mine = installation_id(ctx)
    claimed = client.claim(mine, "vpp-tui", f"vpp-tui installation {mine[:8]}")
    apply_client_config(token, claimed)
    token.external_mdm_id = token.external_mdm_name = token.external_mdm_metadata = None
    token.claimed_at = ctx.clock.now()
    return claimed


def audit_take_over(session: Session, ctx: ServiceContext, name: str, config: Any) -> None:
    """Audit that this installation took the location from the MDM named in `config`."""
    info = config.mdmInfo
    with for_store():  # the store is shared: English
        audit.record(session, ctx, "token.take_control", name,
                     detail=_("took the location from {owner} ({meta})").format(
                         owner=info.name, meta=info.metadata or ""))


def check_ownership(ctx: ServiceContext, token: m.Token, client: Any, take_control: bool,
                    session: Session) -> None:
    """Claim the location unless another MDM holds it and take-control was not chosen
    (apple-api.md §7.1); used by take control of a stored token."""
    config = client.client_config()
    apply_client_config(token, config)
    mine = installation_id(ctx)
    if held_elsewhere(config, mine) and not take_control:
        mark_external(token, config)
        return
    claim(ctx, client, token)
    if held_elsewhere(config, mine):
        audit_take_over(session, ctx, token.name, config)
