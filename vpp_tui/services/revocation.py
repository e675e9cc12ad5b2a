"""Revoke every license a token's location handed out: "revoke all, then delete".

Once a token is deleted its licenses can no longer be revoked from here, so this runs first
when the admin asks for it. Apple's revoke takes targets, not items, and removes every
revocable assignment of each target; books stay with their users (irrevocable).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, or_
from sqlmodel import col, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.batching import target_batches
from vpp_tui.apple.clock import Cancelled
from vpp_tui.apple.events import EventOutcome
from vpp_tui.i18n import _, stored
from vpp_tui.services import apple_posts, audit, leases, ownership
from vpp_tui.services.access import token_id_of
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.errors import ServiceError
from vpp_tui.services.licensing.apply import Held, shield
from vpp_tui.services.licensing.txn import apply_counts
from vpp_tui.store import models as m


def revoke_targets(ctx, name: str) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """(clientUserIds, serials) holding a revocable license of token `name`: what
    `revoke_all_of_token` sends to Apple. Store only."""
    with ctx.store.session() as session:
        rows = session.exec(
            select(m.License.client_user_id, m.License.serial, m.License.kind)
            .join(m.Asset, col(m.Asset.id) == col(m.License.asset_id))
            .join(m.Token, col(m.Token.id) == col(m.Asset.token_id))
            .where(m.Token.name == name, m.License.status == "licensed",
                   m.Asset.revocable).distinct()).all()  # a target once, not per item
    users = sorted({cid for cid, _s, kind in rows if kind == "user" and cid})
    serials = sorted({serial for _c, serial, kind in rows if kind == "device" and serial})
    return users, serials


def revoke_all_of_token(ctx, name: str, *,  # noqa: ANN001
                        on_progress: Callable[[str, int, int], None] | None = None) -> int:
    """Revoke at Apple, batched by the service-config limits; returns targets revoked.

    Each batch Apple answers is recorded at once in a short transaction of its own (audit
    entry with its eventId, the licenses it revoked released), so the ledger equals
    Apple's even when a later batch fails. Raises ServiceError when Apple fails (one line
    saying what was revoked and that the rest was not), and `ownership.HeldByAnotherMdm` when another MDM
    holds the location (known before, or seen in an answer: the rest is not sent), and
    `leases.LeaseBusy` when the location's write lease stayed held by another process.
    The targets are read under the lease, so a sync or assign that just finished counts.
    `ctx.cancel` stops it between batches: `Cancelled` (its text says how many were
    revoked and recorded; audited `cancelled`). A Ctrl-C (KeyboardInterrupt) once a batch
    is posted is held until that batch is awaited and recorded, then re-raised.
    """
    with leases.hold(ctx, name, action="license.revoke_all"):
        return _revoke_all(ctx, name, on_progress)


def _revoke_all(ctx, name: str,  # noqa: ANN001
                on_progress: Callable[[str, int, int], None] | None) -> int:
    ownership.guard(ctx, name, "license.revoke_all")
    users, serials = revoke_targets(ctx, name)
    if not users and not serials:
        return 0
    done, held = _Done(), Held()
    token_id = token_id_of(ctx, name)
    total = len(users) + len(serials)
    try:
        with ownership.writes(ctx, name, "license.revoke_all",
                              on_progress=on_progress) as client:
            lim = client.limits()
            for part_users, part_serials in target_batches(
                    users, serials, lim.max_revoke_client_user_ids,
                    lim.max_revoke_serial_numbers):
                if ctx.cancel.is_set():  # the safe point: this batch is not posted
                    raise Cancelled
                post_id = apple_posts.note_post(
                    ctx, "revoke", token_id=token_id, run=name,
                    client_user_ids=part_users, serial_numbers=part_serials)
                shield(client)  # posted from here on: what Apple did is awaited and recorded
                for posted in _post(ctx, client, part_users, part_serials, post_id):
                    done.add(_await_and_record(ctx, name, client, held, part_users,
                                               part_serials, posted.event_id, post_id))
                held.reraise()  # a Ctrl-C: what Apple took is recorded, the rest not sent
    except ownership.HeldByAnotherMdm:
        raise
    except Cancelled as exc:
        if not done.events:
            raise
        with ctx.store.session() as session:  # shared: English
            audit.record(session, ctx, "license.revoke_all", name, result="cancelled",
                         detail=stored(_cancelled_text, name, done.revoked, total))
        raise Cancelled(_cancelled_text(name, done.revoked, total)) from exc
    except Exception as exc:
        why = apple_failure_text(exc)
        if not done.events:
            raise ServiceError(_("revoking the licenses of {name} failed, nothing was "
                                 "deleted: {why}").format(name=name, why=why)) from exc
        text = _partial_text(name, done.revoked, total, why)
        audit.record_failure(ctx, "license.revoke_all", name, stored(  # shared: English
            lambda e: _partial_text(name, done.revoked, total, apple_failure_text(e)), exc))
        raise ServiceError(text) from exc
    if done.failed:
        raise ServiceError(_("Apple could not revoke every license of {name} ({n} requests "
                             "failed); nothing was deleted, try again").format(
                                 name=name, n=done.failed))
    return total


def _post(ctx, client, users: list[str], serials: list[str],  # noqa: ANN001
          post_id: int) -> list[EventOutcome]:
    """Post one revoke batch (no wait). A Ctrl-C during the post closes its pending
    entry as unknown (Apple may have taken it; the next sync settles it), then goes on up;
    a refusal closes it as refused (Apple answered), a connection failure as unknown."""
    try:
        return client.revoke(client_user_ids=users, serial_numbers=serials, wait=False)
    except KeyboardInterrupt:
        apple_posts.close_now(ctx, post_id, apple_posts.UNKNOWN)
        raise
    except apple_errors.AppleError:
        apple_posts.close_now(ctx, post_id, apple_posts.REFUSED)
        raise
    except OSError:
        apple_posts.close_now(ctx, post_id, apple_posts.UNKNOWN)
        raise


def _await_and_record(ctx, name: str, client, held: Held,  # noqa: ANN001
                      users: list[str], serials: list[str], event_id: str,
                      post_id: int | None = None) -> tuple[int, bool]:
    """Await a posted batch's event (a Ctrl-C held meanwhile, `Held.wait`) and record it;
    (targets revoked, whether Apple completed it). Another MDM, or a second Ctrl-C,
    leaves it audited with its eventId as UNKNOWN (sync reads what Apple did). Closes
    the batch's post entry `post_id` in the same transaction."""
    try:
        outcome = held.wait(client, event_id)
    except apple_errors.MdmConflict as exc:
        exc.event_id = exc.event_id or event_id  # Apple took this batch; outcome unknown
        _record_batch(ctx, name, [], [], event_id, "UNKNOWN", "failed", post_id)
        raise
    except (apple_errors.AppleError, OSError):
        apple_posts.close_now(ctx, post_id, apple_posts.UNKNOWN, event_id)
        raise
    if outcome is None:
        _record_batch(ctx, name, [], [], event_id, "UNKNOWN", "failed", post_id)
        return 0, False
    return _record_outcome(ctx, name, users, serials, outcome, post_id)


def _cancelled_text(name: str, revoked: int, total: int) -> str:
    return _("Apple revoked the licenses of {done} of {total} users and devices of {name} "
             "before the cancel (recorded); the rest were not revoked and the token was not "
             "deleted").format(
                 done=revoked, total=total, name=name)


@dataclass
class _Done:
    """What Apple answered so far: events recorded, targets revoked, events not COMPLETE."""

    events: int = 0
    revoked: int = 0
    failed: int = 0

    def add(self, revoked_and_ok: tuple[int, bool]) -> None:
        revoked, ok = revoked_and_ok
        self.events += 1
        self.revoked += revoked
        self.failed += 0 if ok else 1


def _partial_text(name: str, revoked: int, total: int, why: str) -> str:
    return _("Apple revoked the licenses of {done} of {total} users and devices of {name} "
             "(recorded), then failed, so the rest were not revoked and the token was not "
             "deleted: {why}").format(done=revoked, total=total, name=name, why=why)


def _record_outcome(ctx, name: str, users: list[str], serials: list[str],  # noqa: ANN001
                    outcome: EventOutcome, post_id: int | None = None) -> tuple[int, bool]:
    """Record one answered batch in a short transaction of its own; returns (targets
    revoked, whether Apple completed all of it). A target Apple names as failed keeps its
    licenses; a FAILED event naming none failed them all."""
    failed = set(outcome.failed_targets())
    ok = outcome.status == "COMPLETE"
    if not ok and not failed and outcome.status == "FAILED":
        failed = set(users) | set(serials)
    kept_users = [u for u in users if u not in failed]
    kept_serials = [s for s in serials if s not in failed]
    _record_batch(ctx, name, kept_users, kept_serials, outcome.event_id, outcome.status,
                  "ok" if ok else "failed", post_id)
    return len(kept_users) + len(kept_serials), ok


def _record_batch(ctx, name: str, users: list[str], serials: list[str],  # noqa: ANN001
                  event_id: str, status: str | None, result: str,
                  post_id: int | None = None) -> None:
    """Audit the batch's event and release the revocable licenses Apple revoked for
    `users` (clientUserIds) and `serials`, on every token of the location (Apple revokes
    per location), in one short transaction that also closes the post's entry."""
    with ctx.store.session() as session:
        audit.record(session, ctx, "license.revoke_all", name, result=result,
                     apple_event_id=event_id, apple_event_status=status)
        if post_id is not None:
            apple_posts.close(session, post_id, apple_posts.UNKNOWN if status == "UNKNOWN"
                              else apple_posts.SENT, event_id, status)
        token = session.exec(select(m.Token).where(m.Token.name == name)).first()
        if token is None or not (users or serials):
            return
        token_ids = [t.id for t in ownership.location_tokens(session, token)]
        held = or_(*(and_(m.License.kind == "user", col(m.License.client_user_id).in_(part))
                     for part in _parts(users)),
                   *(and_(m.License.kind == "device", col(m.License.serial).in_(part))
                     for part in _parts(serials)))
        rows = session.exec(select(m.License, m.Asset).join(
            m.Asset, col(m.Asset.id) == col(m.License.asset_id)).where(
            col(m.Asset.token_id).in_(token_ids), m.Asset.revocable,
            m.License.status == "licensed", held)).all()
        now = ctx.clock.now()
        for lic, asset in rows:
            lic.status, lic.reason, lic.position = "reclaimed", None, None
            lic.apple_event_id, lic.updated_at = event_id, now
            apply_counts(asset, None, -1)
            session.add(lic)
            session.add(asset)


def _parts(values: list[str]) -> list[list[str]]:
    return [values[i:i + 500] for i in range(0, len(values), 500)]
