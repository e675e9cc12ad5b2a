"""Token admission: decode and check a token file, add it, renew it.

A token Apple refuses is never stored; a renewal must be for the same location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.stoken import SToken, TokenFileError, decode_token
from vpp_tui.domain import tokens as rules
from vpp_tui.i18n import _
from vpp_tui.services import audit
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.apple_link import apple_failure_text, client_for, installation_id
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.services.tokens.queries import _get, get_token
from vpp_tui.services.views import (
    TokenFilePreview,
    TokenView,
)
from vpp_tui.store import models as m
from vpp_tui.store.secrets import secret_box

ACCOUNT_TYPES = ("business", "education")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


@dataclass
class NewToken:
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
    """Decode a token file for the wizard; raises InvalidInput with the file's fault."""
    token = _decode(content)
    from datetime import UTC, datetime

    when = now or datetime.now(UTC)
    return TokenFilePreview(org_name=token.org_name, expires_at=token.expires_at,
                            days_left=rules.days_left(token.expires_at, when),
                            secret_hint=token.masked())


def _decode(content: str | bytes) -> SToken:
    try:
        return decode_token(content)
    except TokenFileError as exc:
        raise InvalidInput(exc.message) from exc


def _validate_settings(country: str | None, account_type: str | None) -> None:
    if country is not None and not _COUNTRY.match(country):
        raise InvalidInput(_("country {value!r} is not a two-letter store code like US or FR")
                           .format(value=country))
    if account_type is not None and account_type not in ACCOUNT_TYPES:
        raise InvalidInput(_("account type must be business or education"))


def _validate_new(ctx: ServiceContext, new: NewToken, session: Session) -> None:
    if not new.name.strip():
        raise InvalidInput(_("a token needs a name"))
    if not _EMAIL.match(new.apple_id.strip()):
        raise InvalidInput(_("Apple ID {value!r} is not an email address; give the Managed "
                             "Apple ID that downloaded the token").format(value=new.apple_id))
    if not new.consent:
        raise InvalidInput(_("consent to send user and device data to Apple is required "
                             "(--consent)"))
    _validate_settings(new.country, new.account_type)
    if session.exec(select(m.Token).where(m.Token.name == new.name.strip())).first():
        raise InvalidInput(_("a token named {name!r} already exists; choose another name or "
                             "renew it").format(name=new.name))
    count = session.exec(select(func.count()).select_from(m.Token)).one()
    try:
        rules.check_token_limit(count)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


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


def _apply_client_config(token: m.Token, config) -> None:  # noqa: ANN001
    token.location_id = config.uId or token.location_id
    token.location_name = config.locationName or token.location_name
    token.apple_country = config.countryISO2ACode or token.apple_country
    token.default_platform = config.defaultPlatform or token.default_platform
    token.website_url = config.websiteURL or token.website_url
    if config.tokenExpirationDate:
        from vpp_tui.apple.stoken import parse_exp_date

        try:
            token.apple_expires_at = parse_exp_date(config.tokenExpirationDate)
        except TokenFileError:
            pass


def _check_ownership(ctx: ServiceContext, token: m.Token, client, take_control: bool,
                     session: Session) -> None:  # noqa: ANN001
    """Claim the location unless another MDM holds it and take-control was not chosen."""
    config = client.client_config()
    _apply_client_config(token, config)
    mine = installation_id(ctx)
    info = config.mdmInfo
    if info is not None and info.id and info.id != mine and not take_control:
        token.external_mdm_id = info.id
        token.external_mdm_name = info.name or _("another MDM")
        token.external_mdm_metadata = info.metadata
        return
    claimed = client.claim(mine, "vpp-tui", f"vpp-tui installation {mine[:8]}")
    _apply_client_config(token, claimed)
    token.external_mdm_id = token.external_mdm_name = token.external_mdm_metadata = None
    token.claimed_at = ctx.clock.now()
    if info is not None and info.id and info.id != mine:
        audit.record(session, ctx, "token.take_control", token.name,
                     detail=_("took the location from {owner} ({meta})").format(
                         owner=info.name, meta=info.metadata or ""))


def _record_apple_auth_error(token: m.Token, exc: apple_errors.AppleError, now) -> None:  # noqa: ANN001
    token.apple_error = exc.error_number
    token.apple_error_message = str(exc)
    token.apple_error_at = now


def add_token(ctx: ServiceContext, new: NewToken) -> TokenView:
    """Upload a token. A broken file stores nothing; a token Apple rejects is stored with
    its state (expired, revoked…) so the admin sees it in triage."""
    authorize(ctx, Permission.TOKENS_CREATE)
    sttoken = _decode(new.content)
    with ctx.store.session() as session:
        _validate_new(ctx, new, session)
        same = session.exec(select(m.Token).where(
            m.Token.secret_sha256 == sttoken.fingerprint)).first()
        if same is not None:
            raise InvalidInput(_("this token file is already loaded as {name!r}; renew that "
                                 "token instead").format(name=same.name))
    box = secret_box(ctx.store, ctx.key_file)
    token = m.Token(
        name=new.name.strip(), apple_id=new.apple_id.strip(), secret=box.encrypt(sttoken.bearer),
        secret_sha256=sttoken.fingerprint, org_name=sttoken.org_name,
        expires_at=sttoken.expires_at, country=new.country.upper(),
        account_type=new.account_type, auto_update=new.auto_update,
        take_control=new.take_control, consent=True,
        created_at=ctx.clock.now(), updated_at=ctx.clock.now(),
    )
    with ctx.store.session() as session:
        try:
            with client_for(ctx, sttoken.bearer, check_owner=False) as client:
                _check_ownership(ctx, token, client, new.take_control, session)
        except apple_errors.AppleError as exc:
            if not apple_errors.is_token_fault(exc):
                raise ServiceError(apple_failure_text(exc)) from exc
            _record_apple_auth_error(token, exc, ctx.clock.now())
        session.add(token)
        session.flush()
        _set_scope_tags(session, token, new.scope_tags)
        audit.record(session, ctx, "token.add", token.name,
                     detail=f"location={token.location_id} org={token.org_name}")
    return get_token(ctx, token.name).token



def renew_token(ctx: ServiceContext, name: str, content: str | bytes) -> TokenView:
    """A new file into the existing record: apps and assignments stay."""
    authorize(ctx, Permission.TOKENS_UPDATE)
    sttoken = _decode(content)
    with ctx.store.session() as session:
        token = _get(session, name)
        was_legacy = token.legacy
        renewed = m.Token(name=token.name, apple_id=token.apple_id, secret=b"", secret_sha256="",
                          expires_at=sttoken.expires_at)
        try:
            with client_for(ctx, sttoken.bearer) as client:
                config = client.client_config()
        except apple_errors.MdmConflict as exc:
            from vpp_tui.services import ownership

            ownership.refuse(ctx, token.name, exc, "token.renew")
        except apple_errors.AppleError as exc:
            raise ServiceError(apple_failure_text(exc)) from exc
        _apply_client_config(renewed, config)
        allowed, reason = rules.renewal_allowed(token.location_id, renewed.location_id,
                                                was_legacy)
        if not allowed:
            raise InvalidInput(reason)
        box = secret_box(ctx.store, ctx.key_file)
        token.secret = box.encrypt(sttoken.bearer)
        token.secret_sha256 = sttoken.fingerprint
        token.org_name = sttoken.org_name
        token.expires_at = sttoken.expires_at
        _apply_client_config(token, config)
        token.legacy = False
        token.apple_error = token.apple_error_message = token.apple_error_at = None
        if token.last_sync_status == "failed":
            token.last_sync_error = None
        token.updated_at = ctx.clock.now()
        session.add(token)
        audit.record(session, ctx, "token.renew", token.name, detail=(
            _("legacy token moved to location token {loc}").format(loc=token.location_id)
            if was_legacy else f"expires {sttoken.expires_at.date().isoformat()}"))
    return get_token(ctx, name).token
