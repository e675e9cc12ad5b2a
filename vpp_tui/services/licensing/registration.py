"""Apple users for a license run: registered at Apple (users/create), then stored.

Split from `licensing.apply` (which re-exports these names): a person's Apple users are
created before their licenses are associated, with no session open, and written in the
transaction that records the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.models import RequestUser
from vpp_tui.domain.licensing import User
from vpp_tui.domain.licensing.model import AppleAccount
from vpp_tui.i18n import _, stored
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.licensing.facts import AppleIds, apple_ids
from vpp_tui.services.licensing.txn import Note, note, write_notes
from vpp_tui.store import models as m


@dataclass
class Registered:
    """What users/create did: Apple users to store, problems by UPN, audit entries."""

    users: list[tuple[str, str, str | None, str, str | None]] = field(default_factory=list)
    """(clientUserId, upn, managed Apple ID or None, status, invitation code or None)."""
    problems: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def register_users(ctx: ServiceContext, client: Any, users: Sequence[User], ids: AppleIds,
                   target: str) -> Registered:
    """Make sure every Apple user of every person exists at Apple (users/create).

    A person gets one Apple user per Apple Account (`User.apple_accounts`): a personal and
    a Managed Apple ID make two clientUserIds, so Apple counts the two licenses the plan
    counted. An Apple user is per location (apple-api.md §2.9), so one registered through
    any token of the location is not registered again. With a Managed Apple ID Apple
    associates the user at once; otherwise the user is Registered and gets an invitation
    code. Calls Apple only: call it with no session open, then `store_users` in the
    transaction that writes the results. `Registered.problems`: {upn: why it failed}.
    """
    todo = [(u, account, cid) for u in users
            for account, cid, row in ids.identities(u.upn, u.managed_apple_id,
                                                    u.personal_apple_id) if row is None]
    done = Registered()
    if not todo:
        return done
    requests = [RequestUser(clientUserId=cid, email=u.upn,
                            managedAppleId=(u.managed_apple_id or None)
                            if account is AppleAccount.MANAGED else None)
                for u, account, cid in todo]
    try:
        outcomes = client.create_users(requests)
    except (apple_errors.AppleError, OSError) as exc:
        why = apple_failure_text(exc)
        done.notes.append(note(ctx, "apple_user.create", target, result="failed",
                               detail=stored(apple_failure_text, exc)))
        done.problems = {u.upn: why for u, _a, _c in todo}
        return done
    failed: dict[str, int] = {}
    messages: dict[int, str] = {}
    for outcome in outcomes:
        failed.update(outcome.failed_targets())
        messages.update({f.error_number or 0: f.message for f in outcome.failures})
        done.notes.append(note(
            ctx, "apple_user.create", target, result="ok" if outcome.ok else "partial",
            detail=stored(lambda o: _("{n} users registered").format(n=o.num_completed), outcome),
            apple_event_id=outcome.event_id, apple_event_status=outcome.status))
    invites = _invite_codes(client, [r.clientUserId for r in requests
                                     if r.clientUserId not in failed])
    for user, account, cid in todo:
        number = failed.get(cid)
        # 9716: already registered (by an earlier run of this installation): usable as is.
        if number is not None and number != 9716:
            done.problems.setdefault(user.upn,
                                     f"Apple {number}: {messages.get(number, '')}".strip())
            continue
        managed = account is AppleAccount.MANAGED and bool(user.managed_apple_id)
        done.users.append((cid, user.upn, user.managed_apple_id if managed else None,
                           "Associated" if managed else "Registered",
                           None if managed else invites.get(cid)))
    return done


def store_users(session: Session, ctx: ServiceContext, registered: Registered,
                token_id: int) -> AppleIds:
    """Write the Apple users Apple registered (and `registered.notes`) in `session`;
    returns the location's Apple identities as they now stand (read in `session`).

    An Apple user row another writer stored meanwhile is updated, not added again."""
    write_notes(session, ctx, registered.notes)
    ids = apple_ids(session, token_id)
    now = ctx.clock.now()
    wanted = sorted({cid for cid, *_rest in registered.users if cid in ids.own})
    stored: dict[str, m.AppleUser] = {}
    for start in range(0, len(wanted), 500):  # the rows to change, as ORM objects
        stored.update((r.client_user_id, r) for r in session.exec(select(m.AppleUser).where(
            m.AppleUser.token_id == ids.token_id,
            col(m.AppleUser.client_user_id).in_(wanted[start:start + 500]))).all())
    for cid, upn, managed_apple_id, status, invite in registered.users:
        row = stored.get(cid) or m.AppleUser(token_id=ids.token_id, client_user_id=cid)
        row.upn, row.email = upn, upn
        row.managed_apple_id = managed_apple_id
        row.status, row.invite_code, row.updated_at = status, invite, now
        session.add(row)
        ids.add(row, upn)
    session.flush()
    return ids


def _invite_codes(client: Any, cids: list[str]) -> dict[str, str]:
    wanted = set(cids)
    if not wanted:
        return {}
    codes: dict[str, str] = {}
    try:
        # One paged read of the location's users costs less than one request per user.
        for user in client.users().items:
            if user.clientUserId in wanted and user.inviteCode and user.status != "Retired":
                codes[str(user.clientUserId)] = user.inviteCode
    except (apple_errors.AppleError, OSError):
        pass  # the invitation code is a convenience; sync reads it again
    return codes
