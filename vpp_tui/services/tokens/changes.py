"""Changing a stored token: settings, take control, delete (optionally revoking first)."""

from __future__ import annotations

from sqlmodel import col, func, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.i18n import _, for_store, ngettext
from vpp_tui.services import audit, leases, ownership
from vpp_tui.services.access import Permission, authorize, token_id_of, visible_names_in
from vpp_tui.services.apple_link import apple_failure_text, client_for
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.tokens.admission import (
    _check_ownership,
    _set_scope_tags,
    _validate_settings,
    _validate_tags,
)
from vpp_tui.services.tokens.queries import _get, asset_counts, bearer_of, get_token
from vpp_tui.services.views import (
    DeletePreview,
    TokenView,
)
from vpp_tui.store import models as m


def update_settings(ctx: ServiceContext, name: str, *, country: str | None = None,
                    account_type: str | None = None, auto_update: bool | None = None,
                    scope_tags: list[str] | None = None,
                    notification_url: str | None = None) -> TokenView:
    """Change token `name`'s settings; audited as `token.set`.

    `notification_url`: where Apple POSTs the location's notifications (registered with
    Apple, `services.notifications.register`, audited as `token.notifications`); empty
    stops them and clears it (`domain.notifications.clears_notification_url`,
    `notifications.unregister`). Refuse first: access and every value are checked before
    anything changes; the URL is registered before the other settings, so when Apple
    refuses it nothing changed."""
    from vpp_tui.domain.notifications import clears_notification_url
    from vpp_tui.services import notifications

    authorize(ctx, Permission.TOKENS_UPDATE, token_id=token_id_of(ctx, name))
    _validate_settings(country, account_type)
    _validate_tags(scope_tags)
    if clears_notification_url(notification_url):
        notifications.unregister(ctx, name)
    elif notification_url is not None:
        notifications.check_setting(ctx, name, notification_url)
        notifications.register(ctx, name, notification_url)
        if country is None and account_type is None and auto_update is None \
                and scope_tags is None:
            return get_token(ctx, name).token
    with ctx.store.session() as session:
        token = _get(session, name, ctx.actor)
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
    """Claim a location another MDM holds (the admin confirmed, naming the owner).

    The claim reads the owner without refusing it (`check_owner=False`); once claimed, no
    token of the location is marked held any more and writes to Apple resume.
    """
    authorize(ctx, Permission.TOKENS_TAKE_CONTROL, token_id=token_id_of(ctx, name))
    bearer = bearer_of(ctx, name)
    with ctx.store.session() as session:
        token = _get(session, name, ctx.actor)
        token.take_control = True
        try:
            with client_for(ctx, bearer, check_owner=False) as client:
                _check_ownership(ctx, token, client, True, session)
        except apple_errors.AppleError as exc:
            raise ServiceError(apple_failure_text(exc)) from exc
        ownership.clear(session, token)
        session.add(token)
    return get_token(ctx, name).token


def delete_preview(ctx: ServiceContext, name: str) -> DeletePreview:
    authorize(ctx, Permission.TOKENS_READ, token_id=token_id_of(ctx, name))
    with ctx.store.session() as session:
        token = _get(session, name, ctx.actor)
        asset_ids = select(m.Asset.id).where(m.Asset.token_id == token.id)
        counts = asset_counts(session)
        apps, books = counts.get((token.id, "app"), 0), counts.get((token.id, "book"), 0)
        assignments = session.exec(select(func.count()).select_from(m.Assignment).where(
            col(m.Assignment.asset_id).in_(asset_ids))).one()
        licenses = session.exec(select(func.count()).select_from(m.License).where(
            col(m.License.asset_id).in_(asset_ids), m.License.status == "licensed")).one()
        irrevocable = session.exec(select(func.count()).select_from(m.License).where(
            col(m.License.asset_id).in_(select(m.Asset.id).where(
                m.Asset.token_id == token.id, col(m.Asset.revocable).is_(False))),
            m.License.status == "licensed")).one()
        all_others = [t.name for t in ownership.location_tokens(session, token)
                      if t.id != token.id]
        visible = set(visible_names_in(session, ctx.actor))
        hidden = sum(1 for n in all_others if n not in visible)
        # A name outside the admin's scope tags is never shown, only counted: in the
        # sentences; `location_tokens` lists the visible names alone.
        others = tuple(n for n in all_others if n in visible)
        named = others + ((ngettext(
            "{n} token outside your scope tags", "{n} tokens outside your scope tags",
            hidden).format(n=hidden),) if hidden else ())
        location = token.location_name
    from vpp_tui.services.revocation import revoke_targets

    users, serials = revoke_targets(ctx, name)
    return DeletePreview(
        name=name, apps=apps, books=books, assignments=assignments, licenses=licenses,
        revoked=_revoked_lines(len(users), len(serials), licenses - irrevocable,
                               irrevocable, named),
        revoke_users=len(users), revoke_devices=len(serials), irrevocable=irrevocable,
        location_tokens=others, location_name=location,
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
            *((_("the other tokens of this location: {tokens}").format(
                tokens=", ".join(named)),) if named else ()),
        ),
    )


def _revoked_lines(users: int, devices: int, revocable: int, irrevocable: int,
                   others: tuple[str, ...]) -> tuple[str, ...]:
    """What "revoke licenses first" takes back at Apple, one line each."""
    lines = [_("Apple revokes {n} licenses held by {users} users and {devices} "
               "devices").format(n=revocable, users=users, devices=devices)]
    if irrevocable:
        lines.append(_("{n} licenses of books and items Apple marks not revocable stay "
                       "with their holders").format(n=irrevocable))
    if others:
        lines.append(_("the location's licenses are shared with {tokens}: they are revoked "
                       "for those tokens too").format(tokens=", ".join(others)))
    return tuple(lines)


def delete_token(ctx: ServiceContext, name: str, *, revoke_licenses: bool = False,
                 on_progress=None) -> DeletePreview:  # noqa: ANN001
    """Delete a token with its apps and assignments; optionally revoke every license first.

    Holds the location's write lease throughout (`leases.hold`): a running sync or assign
    of it finishes first (LeaseBusy, exit 1, when it does not within the wait)."""
    authorize(ctx, Permission.TOKENS_DELETE, token_id=token_id_of(ctx, name))
    if revoke_licenses:
        authorize(ctx, Permission.TOKENS_REVOKE_ALL, token_id=token_id_of(ctx, name))
    with leases.hold(ctx, name, action="token.delete"):
        return _delete(ctx, name, revoke_licenses, on_progress)


def _refuse_open_posts(ctx: ServiceContext, name: str) -> None:
    """Refuse (ServiceError, exit 1, audited `token.delete` refused) to delete a token
    with a post to Apple whose outcome nobody recorded (`apple_posts.any_open`): only
    its sync can settle it, and a deleted token is never synced again, so the ledger
    would keep what the crash lost. Nothing is changed."""
    from vpp_tui.services import apple_posts
    from vpp_tui.services.tokens.gate import refuse

    token_id = token_id_of(ctx, name)
    with ctx.store.reading() as db:
        if token_id is None or not apple_posts.any_open(db, token_id):
            return
    refuse(ctx, "token.delete", name, lambda: ServiceError(_(
        "token {name} has a post to Apple whose outcome is unknown: sync it first "
        "(vpp-tui sync {name}), then delete it").format(name=name)))


def _delete(ctx: ServiceContext, name: str, revoke_licenses: bool,
            on_progress=None) -> DeletePreview:  # noqa: ANN001
    _refuse_open_posts(ctx, name)
    preview = delete_preview(ctx, name)
    if revoke_licenses:
        ownership.guard(ctx, name, "token.delete")
        from vpp_tui.services import revocation

        revocation.revoke_all_of_token(ctx, name, on_progress=on_progress)
    with ctx.store.session() as session:
        token = _get(session, name, ctx.actor)
        session.delete(token)
        with for_store():  # the store is shared: English
            audit.record(session, ctx, "token.delete", name, detail=(
                _("revoked licenses first") if revoke_licenses else
                _("{n} licenses left with Apple").format(n=preview.licenses)))
    return preview
