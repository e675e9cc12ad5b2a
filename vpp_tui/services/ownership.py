"""Ownership of a location: the one guard before writes to Apple, the one place a foreign
owner seen in an answer is recorded, and clearing it when an admin takes control.

Invariant (design.md "The ledger"; apple-api.md §7.1, §7.3): once an answer shows another
MDM's `mdmInfo`, nothing more is written to Apple for that location until an admin takes
control. Every write path opens its client with `writes(...)`:

    with ownership.writes(ctx, token_name, "assignment.create") as client, \\
            ctx.store.session() as session:
        ...

`writes` is entered *before* the caller's session and left *after* it, so the foreign owner
is recorded in a transaction of its own once the caller's has committed (no second SQLite
writer while the caller holds the write lock; no PostgreSQL self-deadlock on the token row).

`writes` also holds the location's write lease (`services.leases.hold`, issue 9 items 2, 3,
5) for the whole body: every write path to Apple (assign, unassign, revoke, waitlist grant,
departures, token delete) is serialised with syncs and with each other, without each caller
taking it. It waits for a running sync (bounded: `domain.leases`), and is re-entrant, so a
sync that serves its waitlist keeps its own lease. The body plans after entering, so it
never trusts rows read before the previous writer finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from vpp_tui.apple.errors import AppleError, MdmConflict
from vpp_tui.domain.ownership import location_owner, write_refusal
from vpp_tui.i18n import _, for_store, stored
from vpp_tui.services import audit, leases
from vpp_tui.services.apple_link import apple_failure_text, client_for
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import ServiceError
from vpp_tui.store import limits
from vpp_tui.store import models as m

MARK_ACTION = "token.external_mdm"


class HeldByAnotherMdm(ServiceError):
    """Another MDM holds the token's location; nothing (more) was sent to Apple. Exit 1.

    `token` is the token named by the admin, `owner` the other MDM's name, `report` the
    result of the work Apple stopped mid-run (e.g. a LicenseResult, set by `reporting`),
    or None when nothing was done: the CLI still prints it (README: exit 1 keeps the report).
    """

    def __init__(self, message: str, *, token: str, owner: str) -> None:
        super().__init__(message)
        self.token = token
        self.owner = owner
        self.report: Any = None


class Report:
    """Where a write body keeps its result (`value`) for `reporting`."""

    value: Any = None


@contextmanager
def reporting() -> Iterator[Report]:
    """Enter it before `writes`: a HeldByAnotherMdm raised on leaving `writes` carries the
    body's result (`Report.value`, set by the body) as `report`, so it is not lost."""
    box = Report()
    try:
        yield box
    except HeldByAnotherMdm as exc:
        if exc.report is None:
            exc.report = box.value
        raise


def _token(session: Session, name: str) -> m.Token | None:
    return session.exec(select(m.Token).where(m.Token.name == name)).first()


def location_tokens(session: Session, token: m.Token,
                    location_id: str | None = None) -> list[m.Token]:
    """The token and every other token of the same location (duplicates), token first."""
    location = location_id or token.location_id
    if not location:
        return [token]
    others = session.exec(select(m.Token).where(m.Token.location_id == location,
                                                m.Token.id != token.id)).all()
    return ([token] if token.location_id in (None, location) else []) + list(others)


def owner_of(session: Session, token: m.Token) -> str | None:
    """The other MDM known to hold the token's location (any token of it marked), or None."""
    return location_owner(t.external_mdm_name for t in location_tokens(session, token))


def guard(ctx: ServiceContext, name: str, action: str) -> None:
    """Refuse a write to Apple for token `name` when its location is known to be held.

    Raises HeldByAnotherMdm (exit 1) after auditing the refusal under `action`; an unknown
    token passes (the caller reports it). Reads the store only: Apple is not called.
    """
    with ctx.store.session() as session:
        token = _token(session, name)
        owner = owner_of(session, token) if token is not None else None
    if owner:
        text = write_refusal(name, owner, hints=ctx.action_hints)
        audit.record_failure(ctx, action, name, stored(  # the store is shared: English
            lambda: write_refusal(name, owner, hints=ctx.action_hints)))
        raise HeldByAnotherMdm(text, token=name, owner=owner)


def record(session: Session, ctx: ServiceContext, token: m.Token,
           conflict: MdmConflict) -> str:
    """Mark every token of the location as held by the MDM `conflict` names, in `session`.

    Sets `external_mdm_id/name/metadata`, clears `take_control`, audits once. The location
    is the answer's `uId` when it had one, else the token's. Returns the owner's name.
    """
    owner = conflict.mdm_name or _("another MDM")
    kept = conflict.mdm_name or stored(lambda: _("another MDM"))  # the store is shared: English
    now = ctx.clock.now()
    for t in location_tokens(session, token, conflict.location_id):
        t.external_mdm_id = conflict.mdm_id
        t.external_mdm_name = kept
        t.external_mdm_metadata = conflict.mdm_metadata
        limits.clip_fields(t, ("external_mdm_id", "external_mdm_name", "external_mdm_metadata"))
        t.take_control = False
        t.updated_at = now
        session.add(t)
    with for_store():  # the store is shared: English
        audit.record(session, ctx, MARK_ACTION, token.name, result="failed", detail=_(
            "Apple's answer shows {owner} ({meta}) managing location {location}; writes to "
            "Apple stop until an admin takes control").format(
                owner=kept, meta=conflict.mdm_metadata or conflict.mdm_id,
                location=conflict.location_id or token.location_id or "?"),
            apple_event_id=conflict.event_id)
    return owner


def refuse(ctx: ServiceContext, name: str, conflict: MdmConflict, action: str, *,
           stopped: bool = False) -> NoReturn:
    """Record the foreign owner in a transaction of its own, audit `action` as failed and
    raise HeldByAnotherMdm. Call it with no write transaction of the caller open."""
    with ctx.store.session() as session:
        token = _token(session, name)
        owner = (record(session, ctx, token, conflict) if token is not None
                 else conflict.mdm_name or _("another MDM"))
        text = write_refusal(name, owner, stopped=stopped, hints=ctx.action_hints)
        audit.record(session, ctx, action, name, result="failed", detail=stored(
            lambda: write_refusal(name, conflict.mdm_name or _("another MDM"),
                                  stopped=stopped, hints=ctx.action_hints)))
    raise HeldByAnotherMdm(text, token=name, owner=owner)


def clear(session: Session, token: m.Token) -> None:
    """After an admin took control with `token`: no token of its location is held any more."""
    for t in location_tokens(session, token):
        t.external_mdm_id = t.external_mdm_name = t.external_mdm_metadata = None
        session.add(t)


@contextmanager
def writes(ctx: ServiceContext, name: str, action: str, *,
           on_progress: Callable[[str, int, int], None] | None = None) -> Iterator[Any]:
    """An Apple client for token `name` that may write, and stops at the first foreign owner.

    Before yielding: `guard` (store only), then one `GET /client/config` to confirm the
    location is still ours (apple-api.md §2.3: check the client config regularly). Every
    answer after that is checked too (the client stops sending at the first foreign one).
    When that first read fails otherwise, ServiceError says why and nothing is sent.
    On exit, if any answer showed another MDM, it is recorded (`refuse`) and
    HeldByAnotherMdm is raised, replacing whatever the body raised. Other errors pass,
    except a unique-constraint race (IntegrityError), which becomes one ServiceError.

    All of it under the location's write lease: waits for its holder up to the configured
    wait (`leases.timing`), then raises LeaseBusy (exit 1, audited under `action`).
    """
    with leases.hold(ctx, name, action=action):
        with _writes(ctx, name, action, on_progress) as client:
            yield client


@contextmanager
def _writes(ctx: ServiceContext, name: str, action: str,
            on_progress: Callable[[str, int, int], None] | None) -> Iterator[Any]:
    from vpp_tui.services.tokens.queries import bearer_of

    guard(ctx, name, action)
    with client_for(ctx, bearer_of(ctx, name), on_progress=on_progress) as client:
        started = False
        try:
            try:
                client.client_config()
            except AppleError as exc:
                if client.conflict is None:  # not reachable, token refused…: nothing sent
                    _park_if_confirmed(ctx, name, exc)
                    raise ServiceError(apple_failure_text(exc)) from exc
                raise
            started = True
            yield client
        except IntegrityError as exc:
            if client.conflict is not None:
                refuse(ctx, name, client.conflict, action, stopped=started)
            def worded() -> str:
                return _("{token} was changed by another writer at the same moment; what "
                         "Apple did is kept there. Sync {token}, then try again").format(
                    token=name)

            text = worded()
            audit.record_failure(ctx, action, name, stored(worded))  # shared: English
            raise ServiceError(text) from exc
        except Exception as exc:
            if client.conflict is None:
                _park_if_confirmed(ctx, name, exc)
                raise
            refuse(ctx, name, client.conflict, action, stopped=started)
        if client.conflict is not None:
            refuse(ctx, name, client.conflict, action, stopped=True)


def _park_if_confirmed(ctx: ServiceContext, name: str, exc: Exception) -> None:
    """Apple refused the token itself (9622…): park it as sync does (one rule)."""
    from vpp_tui.services.tokens.faults import park_if_confirmed

    park_if_confirmed(ctx, name, exc)
