"""Token admission: check a token file, add it, renew it.

A file is admitted only through the gate (`gate.py`): it decodes, it is not expired, Apple
answers for it. A file Apple refuses or an expired one is never stored; the refusal is
audited. A renewal must be for the same location (or, when that is unknown, for a
location no other stored token manages) and for a location no other MDM holds, unless the
admin chose take control. Only the demo seeds refused files, through `seed_demo_token`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, func, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.stoken import SToken
from vpp_tui.domain import tokens as rules
from vpp_tui.domain.countries import is_store_country
from vpp_tui.domain.text import nfc, quote
from vpp_tui.i18n import _, for_store
from vpp_tui.i18n import stored as english  # `stored` names the token read below
from vpp_tui.services import audit
from vpp_tui.services.access import Permission, authorize, token_id_of
from vpp_tui.services.apple_link import apple_failure_text, client_for, installation_id
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.services.tokens import gate
from vpp_tui.services.tokens.gate import (
    RenewalRefused,
    TokenFileExpired,
    TokenRefused,
)
from vpp_tui.services.tokens.queries import _get, get_token
from vpp_tui.services.views import TokenFilePreview, TokenView
from vpp_tui.store import limits
from vpp_tui.store import models as m
from vpp_tui.store.secrets import secret_box

# Kept importable from here: sync and the token changes use these.
_apply_client_config = gate.apply_client_config
_check_ownership = gate.check_ownership

ACCOUNT_TYPES = ("business", "education")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")

__all__ = ["ACCOUNT_TYPES", "NewToken", "RenewalRefused", "TokenFileExpired", "TokenRefused",
           "add_token", "check_file", "preview_file", "renew_token", "seed_demo_token"]


@dataclass
class NewToken:
    """What the admin gives to add a token; `content` is the file's bytes (or text)."""

    name: str
    apple_id: str
    content: str | bytes
    consent: bool
    country: str = "US"
    account_type: str = "business"
    auto_update: bool = False
    take_control: bool = False
    scope_tags: list[str] = field(default_factory=list)


def preview_file(content: str | bytes, now=None) -> TokenFilePreview:  # noqa: ANN001
    """Decode a token file for the wizard, without asking Apple; raises InvalidInput with
    the file's fault. An expired file decodes (days_left <= 0): admission refuses it."""
    token = gate.decode(content)
    from datetime import UTC, datetime

    when = now or datetime.now(UTC)
    return TokenFilePreview(org_name=token.org_name, expires_at=token.expires_at,
                            days_left=rules.days_left(token.expires_at, when),
                            secret_hint=token.masked())


def check_file(ctx: ServiceContext, content: str | bytes, *, name: str) -> TokenFilePreview:
    """The admission check of `add_token` for a file alone, as the wizard's token-file step
    runs it: the preview with Apple's location and holder, or the refusal `add_token` would
    give (InvalidInput for a broken file, TokenFileExpired, TokenRefused; refusals audited
    as "token.add" of `name`). Stores nothing but the audit entry."""
    authorize(ctx, Permission.TOKENS_CREATE)
    sttoken = gate.decode(content)
    target = name.strip() or sttoken.org_name
    gate.check_expiry(ctx, sttoken, "token.add", target, renewing=False)
    with client_for(ctx, sttoken.bearer, check_owner=False) as client:
        config = gate.ask_apple(ctx, client, "token.add", target, renewing=False)
    info = config.mdmInfo
    held = gate.held_elsewhere(config, gate.known_installation_id(ctx))
    return TokenFilePreview(
        org_name=sttoken.org_name,
        expires_at=sttoken.expires_at,
        days_left=rules.days_left(sttoken.expires_at, ctx.clock.now()),
        secret_hint=sttoken.masked(), location_name=config.locationName,
        held_by=(info.name or _("another MDM")) if held and info is not None else None)


def _validate_tags(names: list[str] | None) -> None:
    for tag in names or []:
        check_fits(m.ScopeTag, "name", tag.strip(), _("the scope tag"))


def _validate_settings(country: str | None, account_type: str | None) -> None:
    if country is not None and not (_COUNTRY.match(country) and is_store_country(country)):
        raise InvalidInput(_("country {value} is not a two-letter store code like US or FR")
                           .format(value=quote(country)))
    if account_type is not None and account_type not in ACCOUNT_TYPES:
        raise InvalidInput(_("account type must be business or education"))


def check_fits(model: type, field: str, value: Any, what: str) -> None:
    """InvalidInput when `value` does not fit the column `model.field` (`store.limits`):
    one line naming `what` (the option or field the admin gave), the fault and the fix."""
    problem = limits.problem(model, field, value)
    if problem:
        raise InvalidInput(_("{what} {problem}; give a shorter or plainer value").format(
            what=what, problem=problem))


def _validate_new(new: NewToken, sttoken: SToken, session: Session) -> None:
    if not new.name.strip():
        raise InvalidInput(_("a token needs a name"))
    check_fits(m.Token, "name", new.name.strip(), _("the token name"))
    check_fits(m.Token, "apple_id", new.apple_id.strip(), _("the Apple ID"))
    _validate_tags(new.scope_tags)
    if not _EMAIL.match(new.apple_id.strip()):
        raise InvalidInput(_("Apple ID {value} is not an email address; give the Managed "
                             "Apple ID that downloaded the token").format(value=quote(new.apple_id)))
    if not new.consent:
        raise InvalidInput(_("consent to send user and device data to Apple is required "
                             "(--consent)"))
    _validate_settings(new.country, new.account_type)
    if session.exec(select(m.Token).where(m.Token.name == nfc(new.name.strip()))).first():
        raise InvalidInput(_("a token named {name} already exists; choose another name or "
                             "renew it").format(name=quote(new.name)))
    same = session.exec(select(m.Token).where(
        m.Token.secret_sha256 == sttoken.fingerprint)).first()
    if same is not None:
        raise InvalidInput(_("this token file is already loaded as {name}; renew that "
                             "token instead").format(name=quote(same.name)))
    count = session.exec(select(func.count()).select_from(m.Token)).one()
    try:
        rules.check_token_limit(count)
    except ValueError as exc:
        raise InvalidInput.of(exc) from exc


def _set_scope_tags(session: Session, token: m.Token, names: list[str]) -> None:
    for link in session.exec(select(m.TokenScopeTag).where(
            m.TokenScopeTag.token_id == token.id)).all():
        session.delete(link)
    session.flush()
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        tag = session.exec(select(m.ScopeTag).where(m.ScopeTag.name == name)).first()
        if tag is None:
            tag = m.ScopeTag(name=name)
            session.add(tag)
            session.flush()
        session.add(m.TokenScopeTag(token_id=token.id, scope_tag_id=tag.id))


def add_token(ctx: ServiceContext, new: NewToken) -> TokenView:
    """Upload a token file; returns its view.

    Raises InvalidInput (bad file or settings, exit 2), TokenFileExpired (exit 2) or
    TokenRefused (Apple refuses it: 9601/9621/9622/9625/9722, exit 1), storing nothing;
    ServiceError when Apple cannot be reached. A location another MDM holds is stored as
    assigned_to_external_mdm unless `take_control` (then claimed, audited)."""
    return _add(ctx, new, demo=False)


def seed_demo_token(ctx: ServiceContext, new: NewToken) -> TokenView:
    """Demo only: like `add_token`, but a file Apple refuses or that expired is stored with
    Apple's error, so the demo shows the expired and invalid states. Never for real files."""
    return _add(ctx, new, demo=True)


def _add(ctx: ServiceContext, new: NewToken, *, demo: bool) -> TokenView:
    authorize(ctx, Permission.TOKENS_CREATE)
    sttoken = gate.decode(new.content)
    with ctx.store.session() as session:
        _validate_new(new, sttoken, session)
    name = nfc(new.name.strip())  # filters compare names in NFC (store.text_match)
    token = m.Token(
        name=name, apple_id=new.apple_id.strip(), secret=b"",
        secret_sha256=sttoken.fingerprint, org_name=sttoken.org_name,
        expires_at=sttoken.expires_at, country=new.country.upper(),
        account_type=new.account_type, auto_update=new.auto_update,
        take_control=new.take_control, consent=True,
        created_at=ctx.clock.now(), updated_at=ctx.clock.now(),
    )
    if not demo:
        gate.check_expiry(ctx, sttoken, "token.add", name, renewing=False)
    taken_from = None
    try:
        with client_for(ctx, sttoken.bearer, check_owner=False) as client:
            config = (_seed_config(ctx, client, token) if demo else
                      gate.ask_apple(ctx, client, "token.add", name, renewing=False))
            if config is not None:
                gate.apply_client_config(token, config)
                held = gate.held_elsewhere(config, installation_id(ctx))
                if held and not new.take_control:
                    gate.mark_external(token, config)
                else:
                    gate.claim(ctx, client, token)
                    taken_from = config if held else None
    except apple_errors.AppleError as exc:
        raise ServiceError(apple_failure_text(exc)) from exc
    token.secret = secret_box(ctx.store, ctx.key_file).encrypt(sttoken.bearer)
    with ctx.store.session() as session:
        _validate_new(new, sttoken, session)  # another admin may have added it meanwhile
        session.add(token)
        session.flush()
        _set_scope_tags(session, token, new.scope_tags)
        if taken_from is not None:
            gate.audit_take_over(session, ctx, name, taken_from)
        detail = f"location={token.location_id} org={token.org_name}"
        with for_store():  # the store is shared: English
            audit.record(session, ctx, "token.add", name,
                         detail=_("demo seed: {detail}").format(detail=detail) if demo else detail)
    return get_token(ctx, name).token


def _seed_config(ctx: ServiceContext, client: Any, token: m.Token) -> Any:
    """Demo seeding: Apple's answer, or None with Apple's token error kept on the row."""
    try:
        return client.client_config()
    except apple_errors.AppleError as exc:
        if not apple_errors.is_token_fault(exc):
            raise ServiceError(apple_failure_text(exc)) from exc
        token.apple_error, token.apple_error_message = exc.error_number, str(exc)
        token.apple_error_at = ctx.clock.now()
        return None


@dataclass(frozen=True)
class _Stored:
    id: int
    location_id: str | None
    location_name: str | None
    legacy: bool
    org_name: str


def _stored(ctx: ServiceContext, name: str, sttoken: SToken) -> _Stored:
    with ctx.store.session() as session:
        token = _get(session, name, ctx.actor)
        other = session.exec(select(m.Token.name).where(
            m.Token.secret_sha256 == sttoken.fingerprint, m.Token.id != token.id)).first()
        stored = _Stored(id=token.id or 0, location_id=token.location_id,
                         location_name=token.location_name, legacy=token.legacy,
                         org_name=token.org_name)
    if other is not None:
        gate.refuse(ctx, "token.renew", name, lambda: RenewalRefused(_(
            "this token file is already loaded as {other}; renew {other} with it, or "
            "download the token of this token's own location").format(other=quote(other))))
    return stored


def _holder_of(ctx: ServiceContext, location: str | None, token_id: int) -> str | None:
    """The name of another stored token that manages `location`, if any."""
    if not location:
        return None
    with ctx.store.session() as session:
        return session.exec(select(m.Token.name).where(
            m.Token.location_id == location, m.Token.id != token_id)).first()


def renew_token(ctx: ServiceContext, name: str, content: str | bytes, *,
                take_control: bool = False) -> TokenView:
    """Put a new file into the stored token `name`: apps and assignments stay.

    Checked against Apple's answer for the new file, whatever the row knows: InvalidInput
    (bad file), TokenFileExpired, RenewalRefused (another location or organisation, a file
    another token has or a location another token manages: exit 2), TokenRefused (Apple
    refuses the file, or another MDM holds its location and `take_control` is False: exit
    1). Every refusal is audited and changes nothing: a broken file too (result "refused":
    the renewal names a stored token), and Apple failing or unreachable (result "failed").
    A location nobody holds is claimed; with `take_control` a location another MDM holds
    is taken (audited)."""
    authorize(ctx, Permission.TOKENS_UPDATE, token_id=token_id_of(ctx, name))
    try:
        sttoken = gate.decode(content)
    except InvalidInput:
        gate.refuse(ctx, "token.renew", name, lambda: gate.decode_refusal(content))
    stored = _stored(ctx, name, sttoken)
    gate.check_expiry(ctx, sttoken, "token.renew", name, renewing=True)
    try:
        with client_for(ctx, sttoken.bearer, check_owner=False) as client:
            config = gate.ask_apple(ctx, client, "token.renew", name, renewing=True)
            mine = _check_renewal(ctx, name, stored, sttoken, config, take_control)
            info = config.mdmInfo
            claimed = info is None or not info.id or info.id != mine
            probe = m.Token(name=name, apple_id="", secret=b"", secret_sha256="",
                            expires_at=sttoken.expires_at)
            answer = gate.claim(ctx, client, probe) if claimed else config
    except (TokenRefused, InvalidInput):
        raise  # refused by the gate, already audited
    except (apple_errors.AppleError, ServiceError) as exc:
        message = exc.message if isinstance(exc, ServiceError) else apple_failure_text(exc)
        audit.record_failure(ctx, "token.renew", name, message if isinstance(
            exc, ServiceError) else english(apple_failure_text, exc))  # shared: English
        if isinstance(exc, ServiceError):
            raise
        raise ServiceError(message) from exc
    secret = secret_box(ctx.store, ctx.key_file).encrypt(sttoken.bearer)
    with ctx.store.session() as session:
        token = _get(session, name, ctx.actor)
        token.secret, token.secret_sha256 = secret, sttoken.fingerprint
        token.org_name, token.expires_at = sttoken.org_name, sttoken.expires_at
        token.apple_expires_at = None  # Apple's date for the previous file is not this one's
        gate.apply_client_config(token, answer)
        # The location is this installation's now: a renewal is refused otherwise.
        token.external_mdm_id = token.external_mdm_name = token.external_mdm_metadata = None
        if claimed:
            token.claimed_at = ctx.clock.now()
        token.legacy = False
        if take_control:
            token.take_control = True
        if token.last_sync_status == "failed":
            token.last_sync_error = None
        token.updated_at = ctx.clock.now()
        session.add(token)
        if claimed and gate.held_elsewhere(config, mine):
            gate.audit_take_over(session, ctx, name, config)
        audit.record(session, ctx, "token.renew", name,  # the store is shared: English
                     detail=english(_renewal_detail, stored, token, sttoken))
    return get_token(ctx, name).token


def _check_renewal(ctx: ServiceContext, name: str, stored: _Stored, sttoken: SToken,
                   config: Any, take_control: bool) -> str | None:
    """Refuse (audited) a renewal Apple's answer for the new file does not allow: another
    location or organisation (RenewalRefused), another MDM's location (TokenRefused).
    Returns this installation's mdmInfo id, None if it never claimed anything."""
    held_by = _holder_of(ctx, config.uId, stored.id)

    def renewal() -> tuple[bool, str]:
        return rules.renewal_allowed(stored.location_id, config.uId, stored.legacy,
                                     held_by=held_by, current_org=stored.org_name,
                                     new_org=sttoken.org_name)

    if not renewal()[0]:
        gate.refuse(ctx, "token.renew", name, lambda: RenewalRefused(renewal()[1]))
    info = config.mdmInfo
    mine = gate.known_installation_id(ctx)
    def refusal() -> str | None:
        return rules.owner_refusal(info.id if info else None, info.name if info else None,
                                   info.metadata if info else None, mine, take_control)

    if refusal():
        gate.refuse(ctx, "token.renew", name, lambda: TokenRefused(refusal() or ""))
    return mine


def _renewal_detail(stored: _Stored, token: m.Token, sttoken: SToken) -> str:
    expires = sttoken.expires_at.date().isoformat()
    if stored.legacy:
        return _("legacy token moved to location token {loc}").format(loc=token.location_id)
    if not stored.location_id:
        return _("location {name} ({loc}) learned from Apple; expires {date}").format(
            name=token.location_name, loc=token.location_id, date=expires)
    return _("expires {date}").format(date=expires)
