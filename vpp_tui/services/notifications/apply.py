"""What one notification changes in the ledger (apple-api.md §8.3), inside the receiver's
short transaction; serving the waitlist afterwards runs with none open."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from vpp_tui.domain import notifications as rules
from vpp_tui.i18n import _, for_store
from vpp_tui.services import audit
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import limits
from vpp_tui.store import models as m

WAITLISTED, PENDING, LICENSED, FAILED = "waitlisted", "pending", "licensed", "failed"


@dataclass
class Applied:
    """The stored notification's id, what it changed (one line), and the assets whose
    waitlist is to be served now (ASSET_COUNT with licenses bought)."""

    row_id: int | None
    outcome: str
    serve: list[int] = field(default_factory=list)


def apply_envelope(session: Session, ctx: ServiceContext, token: m.Token,
                   envelope: rules.Envelope, row: m.Notification | None = None) -> Applied:
    """Apply the notification and mark its stored `row` applied (`session` commits both
    together); without `row`, store it too. Raises whatever the handler raises (the
    caller's transaction rolls back and the row stays unapplied)."""
    handler = _HANDLERS.get(envelope.notification_type)
    serve: list[int] = []
    outcome = handler(session, ctx, token, envelope, serve) if handler else _(
        "{kind} recorded; vpp-tui does not use it").format(kind=envelope.notification_type)
    if row is None:
        row = record(ctx, token, envelope)
    row.outcome, row.applied_at, row.raw = outcome, ctx.clock.now(), None
    session.add(row)
    session.flush()
    return Applied(row.id, outcome, serve)


def record(ctx: ServiceContext, token: m.Token, envelope: rules.Envelope,
           raw: str | None = None) -> m.Notification:
    """The stored form of a notification, not applied yet (`applied_at` None)."""
    return m.Notification(token_id=token.id or 0, notification_id=envelope.notification_id,
                          notification_type=envelope.notification_type,
                          apple_event_id=limits.clip(m.Notification, "apple_event_id",
                                                     envelope.event_id),
                          result=limits.clip(m.Notification, "result", envelope.result),
                          body=envelope.payload, raw=raw, received_at=ctx.clock.now())


def _test(session: Session, ctx: ServiceContext, token: m.Token, env: rules.Envelope,
          serve: list[int]) -> str:
    with for_store():  # the store is shared: English
        audit.record(session, ctx, "notification.test", token.name,
                     detail=_("Apple's test notification arrived"), token_id=token.id)
    return _("test notification received")


def _asset_management(session: Session, ctx: ServiceContext, token: m.Token,
                      env: rules.Envelope, serve: list[int]) -> str:
    """The event's status in every audit entry carrying its eventId; the pending licenses
    it lists become licensed (SUCCESS) or failed (FAILURE, with Apple's error)."""
    event_id, result = env.event_id, env.result
    status = rules.event_status_after(None, result)
    if event_id:
        for entry in session.exec(select(m.AuditEntry).where(
                m.AuditEntry.apple_event_id == event_id)).all():
            entry.apple_event_status = rules.event_status_after(entry.apple_event_status,
                                                                result)
            session.add(entry)
            status = entry.apple_event_status
    listed = _assignments(env.payload)
    error = env.payload.get("error") if isinstance(env.payload.get("error"), dict) else {}
    reason = limits.clip(m.License, "reason", str(error.get("errorMessage") or "")) or None
    moved = 0
    if event_id and result in rules.EVENT_STATUS:
        for lic in session.exec(select(m.License).join(
                m.Asset, col(m.Asset.id) == col(m.License.asset_id)).where(
                m.Asset.token_id == token.id, m.License.apple_event_id == event_id,
                m.License.status == PENDING)).all():
            if (lic.client_user_id or lic.serial) in listed:
                lic.status = LICENSED if result == "SUCCESS" else FAILED
                lic.reason = reason if result != "SUCCESS" else None
                lic.updated_at = ctx.clock.now()
                session.add(lic)
                moved += 1
    detail = _("{type} {result}: {n} assignments{error}").format(
        type=env.payload.get("type") or "?", result=result or "?", n=len(listed),
        error=f" ({error.get('errorNumber')}: {error.get('errorMessage')})" if error else "")
    audit.record(session, ctx, "notification.asset_management", token.name,
                 result="ok" if result == "SUCCESS" else "failed", detail=detail,
                 apple_event_id=event_id, apple_event_status=status, token_id=token.id)
    return detail + (_("; {n} pending licenses settled").format(n=moved) if moved else "")


def _asset_count(session: Session, ctx: ServiceContext, token: m.Token, env: rules.Envelope,
                 serve: list[int]) -> str:
    """Counts move by `countDelta` now; licenses bought go to the waitlist (after commit)."""
    adam = str(env.payload.get("adamId") or "")
    pricing = str(env.payload.get("pricingParam") or "STDQ")
    try:
        delta = int(env.payload.get("countDelta") or 0)
    except (TypeError, ValueError):
        delta = 0
    asset = session.exec(select(m.Asset).where(
        m.Asset.token_id == token.id, m.Asset.adam_id == adam,
        m.Asset.pricing_param == pricing)).first()
    if asset is None:
        text = _("{delta:+d} licenses of {adam}, an item not synced yet: the next sync adds "
                 "it").format(delta=delta, adam=adam)
    else:
        asset.total, asset.available = rules.counts_after(asset.total, asset.assigned, delta)
        asset.updated_at = ctx.clock.now()
        session.add(asset)
        text = _("{delta:+d} licenses of {item}: {total} in total, {free} available").format(
            delta=delta, item=asset.name or adam, total=asset.total, free=asset.available)
        waiting = session.exec(select(m.License.id).where(
            m.License.asset_id == asset.id, m.License.status == WAITLISTED)).first()
        if delta > 0 and asset.available > 0 and waiting is not None and asset.id:
            serve.append(asset.id)
    audit.record(session, ctx, "notification.asset_count", token.name, detail=text,
                 token_id=token.id)
    return text


def _users(session: Session, ctx: ServiceContext, token: m.Token, env: rules.Envelope,
           serve: list[int]) -> str:
    """USER_MANAGEMENT (after a create, update or retire) and USER_ASSOCIATED (a user
    accepted the invitation): the users the store knows take Apple's status and idHash."""
    key = "associatedUsers" if env.notification_type == "USER_ASSOCIATED" else "users"
    users = [u for u in env.payload.get(key) or [] if isinstance(u, dict)]
    changed = unknown = 0
    for wire in users:
        row = session.exec(select(m.AppleUser).where(
            m.AppleUser.token_id == token.id,
            m.AppleUser.client_user_id == str(wire.get("clientUserId") or ""))).first()
        if row is None:
            unknown += 1
            continue
        if env.result != "FAILURE":
            _update_user(row, wire)
            row.updated_at = ctx.clock.now()
            session.add(row)
            changed += 1
    text = _("{kind}: {n} users updated").format(kind=env.notification_type, n=changed)
    if unknown:
        text += _(", {n} not synced yet (the next sync adds them)").format(n=unknown)
    audit.record(session, ctx, f"notification.{env.notification_type.lower()}", token.name,
                 detail=text, apple_event_id=env.event_id,
                 apple_event_status=rules.event_status_after(None, env.result),
                 token_id=token.id)
    return text


def _update_user(row: m.AppleUser, wire: dict[str, Any]) -> None:
    status = wire.get("status")
    if status in ("Registered", "Associated", "Retired"):
        row.status = status
    if wire.get("idHash"):
        row.id_hash = limits.clip(m.AppleUser, "id_hash", str(wire["idHash"]))
    if wire.get("email"):
        row.email = limits.clip(m.AppleUser, "email", str(wire["email"]))
    row.invite_code = limits.clip(m.AppleUser, "invite_code", str(wire["inviteCode"])) \
        if wire.get("inviteCode") and row.status == "Registered" else None


def _assignments(payload: dict[str, Any]) -> set[str]:
    out = set()
    for item in payload.get("assignments") or []:
        if isinstance(item, dict):
            target = item.get("clientUserId") or item.get("serialNumber")
            if target:
                out.add(str(target))
    return out


_HANDLERS = {
    rules.TEST_NOTIFICATION: _test,
    "ASSET_MANAGEMENT": _asset_management,
    "ASSET_COUNT": _asset_count,
    "USER_MANAGEMENT": _users,
    "USER_ASSOCIATED": _users,
}


def serve_bought(ctx: ServiceContext, asset_id: int) -> str:
    """Serve the item's waitlist now (the `serve_waitlist` path: `serve_asset`), with no
    transaction open; one line saying who got a license or why not."""
    from vpp_tui.services.licensing.waitlist import serve_asset

    served = serve_asset(ctx, asset_id)
    if not served.item and not served.error:
        return ""
    if served.error:
        return _("waitlist of {item} not served: {why}").format(item=served.item,
                                                                why=served.error)
    return _("waitlist of {item}: {n} licensed, {w} still waiting").format(
        item=served.item, n=len(served.admitted), w=served.waiting)
