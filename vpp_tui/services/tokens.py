"""Location tokens: upload, list, show, renew, settings, take control, delete.

The token's state is decided by `domain.tokens.token_health`; this module only
gathers the facts (from the store and Apple) and applies the changes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.stoken import SToken, TokenFileError, decode_token
from vpp_tui.domain import tokens as rules
from vpp_tui.i18n import _
from vpp_tui.services import audit
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.apple_link import apple_failure_text, client_for, installation_id
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound, ServiceError
from vpp_tui.services.settings import get_setting
from vpp_tui.services.views import (
    DeletePreview,
    SyncRunView,
    TokenDetails,
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
            with client_for(ctx, sttoken.bearer) as client:
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


def _get(session: Session, name: str) -> m.Token:
    token = session.exec(select(m.Token).where(m.Token.name == name)).first()
    if token is None:
        names = session.exec(select(m.Token.name).order_by(m.Token.name)).all()
        hint = _(" (tokens: {names})").format(names=", ".join(names)) if names else ""
        raise NotFound(_("no token named {name!r}{hint}").format(name=name, hint=hint))
    return token


def _counts(session: Session) -> dict[tuple[int, str], int]:
    rows = session.exec(select(m.Asset.token_id, m.Asset.product_type, func.count())
                        .group_by(m.Asset.token_id, m.Asset.product_type)).all()
    return {(token_id, kind): n for token_id, kind, n in rows}


def _scope_tags(session: Session) -> dict[int, tuple[str, ...]]:
    rows = session.exec(select(m.TokenScopeTag.token_id, m.ScopeTag.name)
                        .join(m.ScopeTag, m.ScopeTag.id == m.TokenScopeTag.scope_tag_id)
                        .order_by(m.ScopeTag.name)).all()
    tags: dict[int, list[str]] = {}
    for token_id, name in rows:
        tags.setdefault(token_id, []).append(name)
    return {k: tuple(v) for k, v in tags.items()}


def _views(ctx: ServiceContext, session: Session, tokens: list[m.Token]) -> list[TokenView]:
    all_tokens = session.exec(select(m.Token.name, m.Token.location_id)).all()
    by_location = Counter(loc for _n, loc in all_tokens if loc)
    names_by_location: dict[str, list[str]] = {}
    for name, loc in all_tokens:
        if loc:
            names_by_location.setdefault(loc, []).append(name)
    counts = _counts(session)
    tags = _scope_tags(session)
    soon = int(get_setting(ctx, "expiring_soon_days"))
    now = ctx.clock.now()
    box = secret_box(ctx.store, ctx.key_file)
    views = []
    for t in tokens:
        dupes = tuple(n for n in names_by_location.get(t.location_id or "", []) if n != t.name)
        health = rules.token_health(
            rules.TokenFacts(
                expires_at=t.apple_expires_at or t.expires_at,
                apple_error=t.apple_error,
                external_mdm_name=t.external_mdm_name,
                is_duplicate=bool(t.location_id) and by_location[t.location_id] > 1,
                duplicate_of=dupes,
                last_sync_status=t.last_sync_status,
                last_sync_error=t.last_sync_error,
            ),
            now,
            expiring_soon_days=soon,
        )
        try:
            hint = decode_token(box.decrypt(t.secret)).masked()
        except Exception:  # a wrong key must not hide the token list
            hint = "?"
        views.append(TokenView(
            id=t.id or 0, name=t.name, state=str(health.state), state_reason=health.reason,
            advice=health.advice, needs_attention=health.needs_attention,
            urgency=health.urgency, can_sync=health.can_sync, location_id=t.location_id,
            location_name=t.location_name, org_name=t.org_name, apple_id=t.apple_id,
            expires_at=t.apple_expires_at or t.expires_at,
            days_left=rules.days_left(t.apple_expires_at or t.expires_at, now),
            last_sync_at=t.last_sync_at, last_sync_status=t.last_sync_status,
            last_sync_error=t.last_sync_error,
            app_count=counts.get((t.id, "app"), 0), book_count=counts.get((t.id, "book"), 0),
            country=t.country, account_type=t.account_type, auto_update=t.auto_update,
            external_mdm_name=t.external_mdm_name, scope_tags=tags.get(t.id or 0, ()),
            secret_hint=hint,
        ))
    return views


def list_tokens(ctx: ServiceContext, *, attention_only: bool = False,
                text: str | None = None) -> list[TokenView]:
    """Tokens sorted by urgency (needs attention first), then name."""
    authorize(ctx, Permission.TOKENS_READ)
    with ctx.store.session() as session:
        tokens = list(session.exec(select(m.Token)).all())
        views = _views(ctx, session, tokens)
    if attention_only:
        views = [v for v in views if v.needs_attention]
    if text:
        needle = text.lower()
        views = [v for v in views if needle in " ".join(
            str(x) for x in (v.name, v.location_name, v.org_name, v.state, v.state_reason,
                             v.apple_id, v.country)).lower()]
    return sorted(views, key=lambda v: (v.urgency, v.name.lower()))


def get_token(ctx: ServiceContext, name: str, *, history: int = 10) -> TokenDetails:
    authorize(ctx, Permission.TOKENS_READ)
    with ctx.store.session() as session:
        token = _get(session, name)
        view = _views(ctx, session, [token])[0]
        runs = session.exec(select(m.SyncRun).where(m.SyncRun.token_id == token.id)
                            .order_by(col(m.SyncRun.id).desc()).limit(history)).all()
        return TokenDetails(
            token=view, website_url=token.website_url, default_platform=token.default_platform,
            apple_country=token.apple_country, take_control=token.take_control,
            claimed_at=token.claimed_at, created_at=token.created_at,
            history=tuple(SyncRunView(
                started_at=r.started_at, finished_at=r.finished_at, actor=r.actor, full=r.full,
                status=r.status, requests=r.requests, assets=r.assets,
                assignments=r.assignments, users=r.users, error=r.error) for r in runs),
        )


def bearer_of(ctx: ServiceContext, name: str) -> str:
    """The decrypted secret, for the Apple client only: never printed, never logged."""
    with ctx.store.session() as session:
        token = _get(session, name)
        return secret_box(ctx.store, ctx.key_file).decrypt(token.secret)


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


def update_settings(ctx: ServiceContext, name: str, *, country: str | None = None,
                    account_type: str | None = None, auto_update: bool | None = None,
                    scope_tags: list[str] | None = None) -> TokenView:
    authorize(ctx, Permission.TOKENS_UPDATE)
    _validate_settings(country, account_type)
    with ctx.store.session() as session:
        token = _get(session, name)
        changes = []
        if country is not None and country.upper() != token.country:
            changes.append(f"country {token.country}→{country.upper()}")
            token.country = country.upper()
        if account_type is not None and account_type != token.account_type:
            changes.append(f"account {token.account_type}→{account_type}")
            token.account_type = account_type
        if auto_update is not None and auto_update != token.auto_update:
            changes.append(f"auto-update {'on' if auto_update else 'off'}")
            token.auto_update = auto_update
        if scope_tags is not None:
            _set_scope_tags(session, token, scope_tags)
            changes.append("scope tags " + ", ".join(scope_tags))
        token.updated_at = ctx.clock.now()
        session.add(token)
        audit.record(session, ctx, "token.set", token.name, detail="; ".join(changes) or None)
    return get_token(ctx, name).token


def take_control(ctx: ServiceContext, name: str) -> TokenView:
    """Claim a location another MDM holds (the admin confirmed, naming the owner)."""
    authorize(ctx, Permission.TOKENS_UPDATE)
    bearer = bearer_of(ctx, name)
    with ctx.store.session() as session:
        token = _get(session, name)
        token.take_control = True
        try:
            with client_for(ctx, bearer) as client:
                _check_ownership(ctx, token, client, True, session)
        except apple_errors.AppleError as exc:
            raise ServiceError(apple_failure_text(exc)) from exc
        session.add(token)
    return get_token(ctx, name).token


def delete_preview(ctx: ServiceContext, name: str) -> DeletePreview:
    authorize(ctx, Permission.TOKENS_READ)
    with ctx.store.session() as session:
        token = _get(session, name)
        asset_ids = select(m.Asset.id).where(m.Asset.token_id == token.id)
        counts = _counts(session)
        apps, books = counts.get((token.id, "app"), 0), counts.get((token.id, "book"), 0)
        assignments = session.exec(select(func.count()).select_from(m.Assignment).where(
            col(m.Assignment.asset_id).in_(asset_ids))).one()
        licenses = session.exec(select(func.count()).select_from(m.License).where(
            col(m.License.asset_id).in_(asset_ids), m.License.status == "licensed")).one()
    return DeletePreview(
        name=name, apps=apps, books=books, assignments=assignments, licenses=licenses,
        deleted=(
            _("the token and its encrypted secret"),
            _("{apps} apps and {books} books listed under it").format(apps=apps, books=books),
            _("{n} assignments of those items").format(n=assignments),
        ),
        kept=(
            _("{n} licenses stay with Apple: they are not revoked, and after deletion they "
              "can no longer be revoked from here").format(n=licenses),
            _("apps already installed stay on devices"),
            _("the audit log"),
        ),
    )


def delete_token(ctx: ServiceContext, name: str, *, revoke_licenses: bool = False,
                 on_progress=None) -> DeletePreview:  # noqa: ANN001
    """Delete a token with its apps and assignments; optionally revoke every license first."""
    authorize(ctx, Permission.TOKENS_DELETE)
    preview = delete_preview(ctx, name)
    if revoke_licenses:
        from vpp_tui.services import revocation

        revocation.revoke_all_of_token(ctx, name, on_progress=on_progress)
    with ctx.store.session() as session:
        token = _get(session, name)
        session.delete(token)
        audit.record(session, ctx, "token.delete", name, detail=(
            _("revoked licenses first") if revoke_licenses else
            _("{n} licenses left with Apple").format(n=preview.licenses)))
    return preview
