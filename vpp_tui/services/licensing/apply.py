"""From a plan to Apple and back to the store: send, await events, record per member.

The store only ever claims what Apple confirmed: a target Apple failed, or one never sent
because Apple stopped the work part-way, is recorded as failed with Apple's reason, and
the asset's counts are re-read from Apple afterwards (`txn.fetch_counts`). Each Apple event
gets an audit entry with its `eventId` and final status. Nothing here holds a session while
Apple works: the calls return plain data (`Sent`, `Registered`) whose results and audit
entries the caller writes in one short transaction afterwards (`licensing.txn`). An answer showing another MDM stops the work
(apple-api.md §7.1): the rest is not sent, and a batch Apple had already accepted is
recorded as unconfirmed (`services.ownership` records the owner once the caller is done).
Each post is noted in the audit before it is sent (`services.apple_posts`) and closed by the
notes written with its results, so a process killed in between loses nothing: the next sync
of the token settles it. The Apple users a run needs are registered by
`licensing.registration` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.models import Asset as WireAsset
from vpp_tui.domain.licensing import (
    AppleOp,
    BatchLimits,
    MemberKind,
    MemberResult,
    OpKind,
    Outcome,
    Reason,
    User,
    describe_reason,
)
from vpp_tui.i18n import _, stored
from vpp_tui.services import apple_posts
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.registration import (  # noqa: F401 - re-exported
    Registered,
    register_users,
    store_users,
)
from vpp_tui.services.licensing.txn import Note, note
from vpp_tui.services.licensing.views import EventSummary, MemberOutcome

NOT_ENOUGH_LICENSES = 9709
NOT_SENT = "not_sent"
UNCONFIRMED = "unconfirmed"


@dataclass
class Sent:
    """Apple's answers, target (clientUserId or serial) by target."""

    event_of: dict[str, str] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    messages: dict[int, str] = field(default_factory=dict)
    not_sent: set[str] = field(default_factory=set)
    # Accepted by Apple (an eventId came back) but the outcome is unknown: another MDM
    # took the location before it could be read.
    unconfirmed: dict[str, str] = field(default_factory=dict)
    # Posted, but the answer never came (a Ctrl-C while the request was on its way).
    unanswered: set[str] = field(default_factory=set)
    events: list[EventSummary] = field(default_factory=list)
    error: str | None = None
    notes: list[Note] = field(default_factory=list)  # audit entries, not yet written
    batches: tuple[int, int] = (0, 0)  # (posted to Apple, planned)
    cancelled: bool = False  # a cancel stopped the posts at a safe point
    held: Held = field(default_factory=lambda: Held())  # a Ctrl-C held until recorded


class Held:
    """A Ctrl-C (KeyboardInterrupt) that came once a batch was posted: held while what
    Apple took is awaited and recorded, then re-raised by the caller (`reraise`)."""

    def __init__(self) -> None:
        self.interrupt: BaseException | None = None

    def wait(self, client: Any, event_id: str) -> Any:
        """`client.wait_event(event_id)`; a first Ctrl-C is held and the wait goes on,
        a second stops it: None (Apple took the batch, its outcome is unknown). Apple's
        errors propagate."""
        while True:
            try:
                return client.wait_event(event_id)
            except KeyboardInterrupt as exc:
                if self.interrupt is not None:
                    return None
                self.interrupt = exc

    def reraise(self) -> None:
        """Raise the held Ctrl-C, if any: call it once what Apple did is recorded."""
        if self.interrupt is not None:
            raise self.interrupt


def shield(client: Any) -> None:
    """From the first post on, `client`'s waits no longer stop at a cancel: what Apple was
    asked is awaited and recorded (`AppleClient.shield_cancel`; a fake without it: no-op)."""
    shield_cancel = getattr(client, "shield_cancel", None)
    if shield_cancel is not None:
        shield_cancel()


def cancelled_text() -> str:
    """Why a batch was not sent: the work was cancelled before it."""
    return _("the work was cancelled before it was sent to Apple")


def limits_of(client: Any) -> BatchLimits:
    lim = client.limits()
    return BatchLimits(max_assets=lim.max_assets, max_client_user_ids=lim.max_client_user_ids,
                       max_serial_numbers=lim.max_serial_numbers,
                       max_revoke_client_user_ids=lim.max_revoke_client_user_ids,
                       max_revoke_serial_numbers=lim.max_revoke_serial_numbers)


def _call(client: Any, op: AppleOp) -> list[Any]:
    """Post one op's batches without waiting for their events: PENDING outcomes."""
    if op.kind is OpKind.REVOKE:
        return client.revoke(client_user_ids=op.client_user_ids,
                             serial_numbers=op.serial_numbers, wait=False)
    assets = [WireAsset(adamId=a, pricingParam=p) for a, p in op.assets]
    send = client.associate if op.kind is OpKind.ASSOCIATE else client.disassociate
    return send(assets, client_user_ids=op.client_user_ids, serial_numbers=op.serial_numbers,
                wait=False)


def _refused(ctx: ServiceContext, sent: Sent, op: AppleOp, target: str,
             targets: tuple[str, ...], exc: Exception, event_id: str | None,
             post_id: int | None = None) -> None:
    """Record an Apple refusal (or another MDM) for `op`'s targets; the first sets the
    error that stops what is not sent yet. `post_id`: the post's `apple_posts` entry,
    closed refused (Apple answered no), or unknown (another MDM took an accepted batch, or
    the connection failed: Apple may have taken it)."""
    text = apple_failure_text(exc)
    sent.error = sent.error or text
    if isinstance(exc, apple_errors.MdmConflict) and (exc.event_id or event_id):
        sent.unconfirmed.update(dict.fromkeys(targets, exc.event_id or event_id))
        event_id = exc.event_id or event_id
        status = "UNKNOWN"
    else:
        sent.not_sent.update(targets)
        status = None
    unknown = status is not None or not isinstance(exc, apple_errors.AppleError)
    sent.notes.append(note(ctx, f"license.{op.kind}", target, result="failed",
                           detail=stored(apple_failure_text, exc),  # audited: English
                           apple_event_id=event_id, apple_event_status=status,
                           post_id=post_id, post_result=apple_posts.UNKNOWN if unknown
                           else apple_posts.REFUSED))


def unanswered_text() -> str:
    """Why a posted batch's outcome is unknown: the work was interrupted while it was sent."""
    return _("interrupted while it was sent to Apple: Apple may have taken it, its outcome "
             "is unknown until the token is synced")


def _note_post(ctx: ServiceContext, op: AppleOp, target: str,
               token_id: int | None) -> int:
    """The post's pending `apple_posts` entry, committed before the post; its id."""
    return apple_posts.note_post(ctx, str(op.kind), token_id=token_id, run=target,
                                 assets=op.assets, client_user_ids=op.client_user_ids,
                                 serial_numbers=op.serial_numbers)


def send_ops(ctx: ServiceContext, client: Any, ops: Sequence[AppleOp], target: str,
             token_id: int | None = None) -> Sent:
    """Send every batch in order without waiting for its event (Apple's rate limit paces
    the posts), then wait for all the events (issue 13: a 10k-device apply no longer waits
    ten events one after another). A synchronous Apple error stops the batches not yet
    sent; another MDM seen while waiting leaves the accepted batches unconfirmed. Call it
    with no session open: the audit entries are in `Sent.notes`, to be written
    (`txn.write_notes`) with the results in one short transaction.

    `ctx.cancel` is honoured only before a batch is posted (`Sent.cancelled`, the rest
    not sent); once one is posted, `client` is shielded and every posted event awaited, so
    what Apple did is recorded by the caller and never lost to a cancel. A Ctrl-C
    (KeyboardInterrupt) stops the posts the same way and is held in `Sent.held` while
    the posted events are awaited: the caller records them, then calls
    `sent.held.reraise()`.

    Each post is noted first (`apple_posts.note_post`, committed on its own; `token_id`:
    the token posting) and its entry closed by the notes the caller writes with the
    results, so a process killed meanwhile leaves the post for the audit and the next
    sync. A Ctrl-C during the post itself leaves its targets `unanswered` (its outcome
    unknown, not "not sent"); a store that cannot note the post stops the posts there."""
    sent = Sent()
    posted: list[tuple[AppleOp, tuple[str, ...], list[Any], int]] = []
    for index, op in enumerate(ops):
        targets = (*op.client_user_ids, *op.serial_numbers)
        if sent.error is None and ctx.cancel.is_set():  # the safe point: nothing posted
            sent.error, sent.cancelled = cancelled_text(), True
        if sent.error is not None:
            sent.not_sent.update(targets)
            continue
        try:
            post_id = _note_post(ctx, op, target, token_id)
        except SQLAlchemyError as exc:  # not noted: not sent
            sent.error = _("the store could not note the post, so it was not sent: {e}"
                           ).format(e=type(exc).__name__)
            sent.not_sent.update(targets)
            continue
        shield(client)  # posted from here on: its event is awaited and recorded
        try:
            posted.append((op, targets, _call(client, op), post_id))
        except (apple_errors.AppleError, OSError) as exc:
            _refused(ctx, sent, op, target, targets, exc, None, post_id)
        except KeyboardInterrupt as exc:  # Ctrl-C: post no more, record what was posted
            sent.held.interrupt = exc
            sent.error, sent.cancelled = cancelled_text(), True
            sent.unanswered.update(targets)  # it may have reached Apple
            sent.notes.append(note(ctx, f"license.{op.kind}", target, result="failed",
                                   detail=stored(unanswered_text),  # audited: English
                                   apple_event_status="UNKNOWN", post_id=post_id,
                                   post_result=apple_posts.UNKNOWN))
            continue
        sent.batches = (index + 1, len(ops))
    sent.batches = (sent.batches[0], len(ops))
    for op, targets, pending, post_id in posted:
        _await_posted(ctx, client, sent, op, targets, pending, post_id, target)
    return sent


def _await_posted(ctx: ServiceContext, client: Any, sent: Sent, op: AppleOp,
                  targets: tuple[str, ...], pending: list[Any], post_id: int,
                  target: str) -> None:
    """Await one op's posted events (`Held.wait`) and note their answers in `sent`."""
    for outcome in pending:
        try:
            answer = sent.held.wait(client, outcome.event_id)
        except (apple_errors.AppleError, OSError) as exc:
            _refused(ctx, sent, op, target, targets, exc, outcome.event_id, post_id)
            break
        if answer is None:  # Ctrl-C twice: Apple took it, the outcome is unknown
            sent.unconfirmed.update(dict.fromkeys(targets, outcome.event_id))
            sent.notes.append(note(ctx, f"license.{op.kind}", target, result="failed",
                                   apple_event_id=outcome.event_id,
                                   apple_event_status="UNKNOWN", post_id=post_id,
                                   post_result=apple_posts.UNKNOWN))
            continue
        outcome = answer
        _absorb(sent, op, targets, outcome)
        sent.notes.append(note(
            ctx, f"license.{op.kind}", target, result="ok" if outcome.ok else "partial",
            detail=stored(lambda o: _("{n} requested, {c} completed, {f} failed").format(
                n=o.num_requested, c=o.num_completed, f=len(o.failed_targets())), outcome),
            apple_event_id=outcome.event_id, apple_event_status=outcome.status,
            post_id=post_id, post_result=apple_posts.SENT))


def _absorb(sent: Sent, op: AppleOp, targets: tuple[str, ...], outcome: Any) -> None:
    failed = outcome.failed_targets()
    for failure in outcome.failures:
        sent.messages.setdefault(failure.error_number or 0, failure.message)
    adam_ids = {a for a, _p in op.assets}
    for key, number in failed.items():
        # A failure naming no user or device is keyed by the asset: every target failed.
        for t in (targets if key in adam_ids else (key,)):
            sent.failed.setdefault(t, number)
    if outcome.status == "FAILED" and not failed:
        for t in targets:
            sent.failed.setdefault(t, 0)
    for t in targets:
        sent.event_of.setdefault(t, outcome.event_id)
    sent.events.append(EventSummary(outcome.event_id, str(op.kind), outcome.status,
                                    outcome.num_requested or len(targets), len(failed)))


def settle(result: MemberResult, targets: Iterable[str], sent: Sent) -> MemberOutcome:
    """The member's real outcome: the plan's, unless Apple failed or never got it."""
    kind, planned = str(result.kind), result.outcome
    reason = str(result.reason) if result.reason else None
    text = describe_reason(result.reason) if result.reason else None
    if planned not in (Outcome.LICENSED, Outcome.RECLAIMED):
        return MemberOutcome(result.member, kind, str(planned), reason, text, result.item)
    targets = tuple(targets)
    event = next((sent.event_of[t] for t in targets if t in sent.event_of), None)
    if any(t in sent.not_sent for t in targets):
        return MemberOutcome(result.member, kind, "failed", NOT_SENT,
                             _("not sent: {error}").format(error=sent.error), result.item)
    if any(t in sent.unanswered for t in targets):
        return MemberOutcome(result.member, kind, "failed", UNCONFIRMED, unanswered_text(),
                             result.item)
    accepted = next((sent.unconfirmed[t] for t in targets if t in sent.unconfirmed), None)
    if accepted is not None:
        return MemberOutcome(result.member, kind, "failed", UNCONFIRMED, _(
            "Apple accepted it (event {event}) but another MDM took the location before "
            "the result could be read; take control and sync to see it").format(
                event=accepted), result.item, accepted)
    number = next((sent.failed[t] for t in targets if t in sent.failed), None)
    if number is None:
        return MemberOutcome(result.member, kind, str(planned), reason, text, result.item,
                             event)
    if number == NOT_ENOUGH_LICENSES and planned is Outcome.LICENSED:
        code = Reason.NO_LICENSES_LEFT
        return MemberOutcome(result.member, kind, "failed", str(code), describe_reason(code),
                             result.item, event)
    message = sent.messages.get(number) or _("Apple refused it")
    return MemberOutcome(result.member, kind, "failed", f"apple_{number}",
                         f"Apple {number}: {message}", result.item, event)


def targets_for(users: dict[str, User]) -> Callable[[MemberResult], tuple[str, ...]]:
    def targets(result: MemberResult) -> tuple[str, ...]:
        if result.kind is MemberKind.DEVICE:
            return (result.member,)
        user = users.get(result.member)
        return user.apple_targets if user else (result.member,)

    return targets
