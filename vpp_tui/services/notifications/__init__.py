"""Apple's notifications: registering where Apple POSTs them (a token setting), and taking
them in (`vpp-tui listen`) so the ledger follows Apple without waiting for the next sync.

apple-api.md §2.3 (client config), §8 (notifications). Notifications are best-effort: a
lost one changes nothing that the next sync does not correct (README, "Notifications").

No transaction is held across a call to Apple: registering records the new bearer's digest
(intent), calls Apple (which POSTs its TEST_NOTIFICATION to `listen` meanwhile), then
writes the result; receiving records in one short transaction (`accept`: Apple is answered
then), applying is another (`apply_pending`, retried while it fails), then the waitlist is
served (Apple calls) with none open.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.domain import notifications as rules
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, for_store
from vpp_tui.services import audit, ownership
from vpp_tui.services.access import Permission, authorize, token_id_of
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound, ServiceError
from vpp_tui.services.notifications.apply import apply_envelope, record, serve_bought
from vpp_tui.store import models as m

HTTP_OK, HTTP_BAD_REQUEST, HTTP_UNAUTHORIZED, HTTP_SERVER_ERROR = 200, 400, 401, 500


@dataclass(frozen=True)
class NotificationSetting:
    """Where Apple now POSTs a token's notifications, and which types."""

    token: str
    url: str
    types: tuple[str, ...]

    def as_json(self) -> dict:
        return {"token": self.token, "notification_url": self.url,
                "notification_types": list(self.types)}


@dataclass(frozen=True)
class Receipt:
    """The receiver's answer: HTTP `status`, and one line saying what happened."""

    status: int
    message: str
    notification_type: str | None = None
    token: str | None = None
    duplicate: bool = False
    row_id: int | None = None  # the stored notification `accept` recorded, to apply


def check_setting(ctx: ServiceContext, name: str, url: str) -> str:
    """Refuse first: the acting admin may update token `name`, and `url` is one Apple
    accepts (`rules.check_notification_url`). Returns the URL to register; raises
    AccessDenied, NotFound or ServiceError; writes nothing but a denial's audit entry."""
    authorize(ctx, Permission.TOKENS_UPDATE, token_id=token_id_of(ctx, name))
    try:
        clean = rules.check_notification_url(url)
    except ValueError as exc:
        raise InvalidInput.of(exc) from exc
    with ctx.store.session() as session:
        if session.exec(select(m.Token.id).where(m.Token.name == name)).first() is None:
            raise NotFound(_("no token named {name}").format(name=quote(name)))
    return clean


def register(ctx: ServiceContext, name: str, url: str) -> NotificationSetting:
    """Have Apple POST token `name`'s notifications to `url` (POST /client/config with a
    fresh secret; apple-api.md §2.3). Audited as `token.notifications`.

    Apple first POSTs a TEST_NOTIFICATION to `url`, which `listen` must accept: the new
    secret's digest is stored before the call (intent), and put back as it was when Apple
    refuses (9728: unreachable; 9712: not HTTPS). Raises ServiceError (exit 1) then."""
    clean = check_setting(ctx, name, url)
    secret = secrets.token_urlsafe(32)
    with ctx.store.session() as session:
        token = _token(session, name)
        before = (token.notification_url, token.notification_token_sha256)
        token.notification_token_sha256 = rules.bearer_digest(secret)
        session.add(token)
    try:
        with ownership.writes(ctx, name, "token.notifications") as client:
            client.configure_notifications(clean, secret, rules.SUBSCRIBED_TYPES)
    except (apple_errors.AppleError, OSError, ServiceError) as exc:
        text = exc.message if isinstance(exc, ServiceError) else apple_failure_text(exc)
        with ctx.store.session() as session:
            token = _token(session, name)
            token.notification_url, token.notification_token_sha256 = before
            session.add(token)
            with for_store():  # the store is shared: English
                audit.record(session, ctx, "token.notifications", name, result="failed",
                             detail=_("notification URL {url} refused: {why}").format(
                                 url=clean, why=text))
        raise ServiceError(text) from exc
    with ctx.store.session() as session:
        token = _token(session, name)
        token.notification_url = clean
        token.updated_at = ctx.clock.now()
        session.add(token)
        with for_store():  # the store is shared: English
            audit.record(session, ctx, "token.notifications", name,
                         detail=_("Apple posts {types} to {url}").format(
                             types=", ".join(rules.SUBSCRIBED_TYPES), url=clean))
    return NotificationSetting(name, clean, rules.SUBSCRIBED_TYPES)


def unregister(ctx: ServiceContext, name: str) -> bool:
    """Stop Apple's notifications for token `name`: POST /client/config subscribing to no
    type (apple-api.md §2.3, `notificationTypes: []`), then forget the URL and the
    secret's digest, so a late POST with the old bearer gets 401. Audited as
    `token.notifications`. Returns False (nothing sent, nothing changed) when no URL was
    set. Nothing is held open across Apple; when Apple refuses, the setting stays and
    ServiceError (exit 1) says why."""
    authorize(ctx, Permission.TOKENS_UPDATE, token_id=token_id_of(ctx, name))
    with ctx.store.session() as session:
        token = _token(session, name)
        if token.notification_url is None and token.notification_token_sha256 is None:
            return False
    try:
        with ownership.writes(ctx, name, "token.notifications") as client:
            client.configure_notifications(None, None, ())
    except (apple_errors.AppleError, OSError, ServiceError) as exc:
        text = exc.message if isinstance(exc, ServiceError) else apple_failure_text(exc)
        with ctx.store.session() as session, for_store():  # the store is shared: English
            audit.record(session, ctx, "token.notifications", name, result="failed",
                         detail=_("stopping the notifications refused: {why}").format(
                             why=text))
        raise ServiceError(text) from exc
    with ctx.store.session() as session:
        token = _token(session, name)
        token.notification_url = token.notification_token_sha256 = None
        token.updated_at = ctx.clock.now()
        session.add(token)
        with for_store():  # the store is shared: English
            audit.record(session, ctx, "token.notifications", name,
                         detail=_("notifications stopped; the URL is cleared"))
    return True


def accept(ctx: ServiceContext, authorization: str | None, body: bytes) -> Receipt:
    """Take one notification Apple POSTed (apple-api.md §8) and record it, unapplied: what
    `listen` does inside Apple's request, so Apple gets its answer at once.

    401 when the bearer matches no token's notification secret (compared in constant time,
    `rules.match_bearer`); 400 for a body that is no notification, or one about another
    location; else 200 once it is recorded, once per notificationId (a repeat is
    acknowledged, not recorded again). `apply_pending` applies it afterwards."""
    with ctx.store.session() as session:
        rows = session.exec(select(m.Token.id, m.Token.notification_token_sha256).where(
            col(m.Token.notification_token_sha256).is_not(None))).all()
    token_id = rules.match_bearer(rules.bearer_from_header(authorization),
                                  {tid: digest for tid, digest in rows if tid is not None})
    if token_id is None:
        return Receipt(HTTP_UNAUTHORIZED, _("unknown or missing bearer"))
    try:
        envelope = rules.parse_envelope(body)
    except ValueError as exc:
        return Receipt(HTTP_BAD_REQUEST, str(exc))
    try:
        with ctx.store.session() as session:
            token = session.get(m.Token, token_id)
            if token is None:
                return Receipt(HTTP_UNAUTHORIZED, _("unknown or missing bearer"))
            name = token.name
            if envelope.location_id and token.location_id and \
                    envelope.location_id != token.location_id:
                return Receipt(HTTP_BAD_REQUEST, _("the notification is about location {uid}, "
                                                   "not this token's").format(
                                                       uid=envelope.location_id))
            if _seen(session, token_id, envelope.notification_id):
                return Receipt(HTTP_OK, _("already received"), envelope.notification_type,
                               name, duplicate=True)
            row = record(ctx, token, envelope, body.decode("utf-8", "replace"))
            session.add(row)
            session.flush()
            row_id = row.id
    except IntegrityError:  # the same notification, delivered twice at once
        return Receipt(HTTP_OK, _("already received"), envelope.notification_type,
                       duplicate=True)
    return Receipt(HTTP_OK, _("recorded"), envelope.notification_type, name,
                   row_id=row_id)


def apply_pending(ctx: ServiceContext, only: int | None = None) -> list[Receipt]:
    """Apply every recorded, unapplied notification (or only row `only`), oldest first,
    each in its own short transaction, then serve the waitlists it freed (Apple calls,
    none open). A notification whose apply fails stays unapplied, its outcome saying
    why, and is tried again by the next call (`listen` calls this after each answer and
    at start). Returns one receipt per notification tried: 200 applied, 500 failed.
    Its outcomes, audit details and receipts are English: they go to the shared store."""
    with ctx.store.session() as session:
        query = select(m.Notification.id).where(col(m.Notification.applied_at).is_(None))
        if only is not None:
            query = query.where(m.Notification.id == only)
        ids = list(session.exec(query.order_by(col(m.Notification.id))).all())
    with for_store():
        return [_apply_one(ctx, row_id) for row_id in ids if row_id is not None]


def _apply_one(ctx: ServiceContext, row_id: int) -> Receipt:
    kind = name = None
    try:
        with ctx.store.session() as session:
            row = session.get(m.Notification, row_id)
            if row is None or row.applied_at is not None:
                return Receipt(HTTP_OK, _("already applied"))
            token = session.get(m.Token, row.token_id)
            kind, name = row.notification_type, token.name if token else None
            envelope = rules.parse_envelope((row.raw or "").encode())
            applied = apply_envelope(session, ctx, token, envelope, row)
    except Exception as exc:  # noqa: BLE001 - kept for retry whatever went wrong
        _note_outcome(ctx, row_id, _("not applied yet ({why}); it is tried again").format(
            why=exc))
        return Receipt(HTTP_SERVER_ERROR, str(exc), kind, name)
    notes = [applied.outcome]
    for asset_id in applied.serve:
        notes.append(serve_bought(ctx, asset_id))
    if len(notes) > 1:
        _note_outcome(ctx, applied.row_id, "; ".join(n for n in notes if n))
    return Receipt(HTTP_OK, "; ".join(n for n in notes if n), kind, name)


def receive(ctx: ServiceContext, authorization: str | None, body: bytes) -> Receipt:
    """`accept`, then apply that notification at once (`apply_pending`): the in-process
    path (the simulator's notifier, tests). Returns `accept`'s receipt when nothing was
    applied (refused, a repeat), else the apply's."""
    receipt = accept(ctx, authorization, body)
    if receipt.row_id is None:
        return receipt
    done = apply_pending(ctx, only=receipt.row_id)
    return done[0] if done else receipt


def _seen(session, token_id: int, notification_id: str) -> bool:  # noqa: ANN001
    return session.exec(select(m.Notification.id).where(
        m.Notification.token_id == token_id,
        m.Notification.notification_id == notification_id)).first() is not None


def _note_outcome(ctx: ServiceContext, row_id: int | None, text: str) -> None:
    with ctx.store.session() as session:
        row = session.get(m.Notification, row_id)
        if row is not None:
            row.outcome = text
            session.add(row)


def _token(session, name: str) -> m.Token:  # noqa: ANN001
    token = session.exec(select(m.Token).where(m.Token.name == name)).first()
    if token is None:
        raise NotFound(_("no token named {name}").format(name=quote(name)))
    return token


__all__ = ["NotificationSetting", "Receipt", "accept", "apply_pending", "check_setting",
           "receive", "register", "unregister"]
