"""Apple's verdict on a token (9601/9621/9622/9625/9722): when it parks the token, and how.

One rule for every caller that meets a token fault: sync, and the writes (revoke, delete
with revoke, assign…) through `services.ownership.writes`. A fault Apple answers with its
usual 401 is believed at once; one inside an HTTP 200 is confirmed by one more
`GET client/config` first (`domain.tokens.park_needs_recheck`, apple-api.md §11.1, §5.1).
The parked token shows `invalid` (or `expired`) through `domain.tokens.token_health`.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from vpp_tui.apple import errors as apple_errors
from vpp_tui.domain import tokens as rules
from vpp_tui.i18n import stored
from vpp_tui.services.apple_link import apple_failure_text, client_for
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import models as m


def fault_confirmed(ctx: ServiceContext, name: str, exc: BaseException) -> tuple[bool, int]:
    """(whether `exc` is a token fault that may park token `name`, Apple requests the
    recheck made). A fault inside HTTP 200 is confirmed by one `GET client/config` (no
    transaction open); only the same kind of refusal confirms it. Raises nothing."""
    if not (isinstance(exc, apple_errors.AppleError) and apple_errors.is_token_fault(exc)):
        return False, 0
    if not rules.park_needs_recheck(exc.error_number, exc.http_status):
        return True, 0
    from vpp_tui.services.tokens.queries import bearer_of

    client = None
    try:
        with client_for(ctx, bearer_of(ctx, name), check_owner=True) as client:
            client.client_config()
        return False, client.requests_made
    except apple_errors.AppleError as again:
        return apple_errors.is_token_fault(again), _made(client)
    except Exception:  # noqa: BLE001 - not confirmed: the token is not parked
        return False, _made(client)


def park(token: m.Token, exc: apple_errors.AppleError, text: str, now: datetime) -> None:
    """Keep Apple's token verdict on `token` (error number, `text` as stored, when)."""
    token.apple_error = exc.error_number
    token.apple_error_message = text
    token.apple_error_at = now


def park_if_confirmed(ctx: ServiceContext, name: str, exc: BaseException) -> bool:
    """After a write to Apple failed with `exc`: park token `name` when `fault_confirmed`
    says so, in a short transaction of its own; returns whether it did. Raises nothing
    for a non-fault; store errors propagate."""
    confirmed, _requests = fault_confirmed(ctx, name, exc)
    if not confirmed or not isinstance(exc, apple_errors.AppleError):
        return False
    with ctx.store.session() as session:
        token = _token(session, name)
        if token is None:
            return False
        park(token, exc, stored(apple_failure_text, exc), ctx.clock.now())
        session.add(token)
    return True


def _token(session: Session, name: str) -> m.Token | None:
    return session.exec(select(m.Token).where(m.Token.name == name)).first()


def _made(client: object) -> int:
    return int(getattr(client, "requests_made", 0) or 0) if client is not None else 0
