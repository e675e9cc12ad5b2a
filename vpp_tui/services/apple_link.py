"""How services reach Apple: one client per token, owned by this installation's mdmInfo id."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlmodel import Session

from vpp_tui.apple import errors as apple_errors
from vpp_tui.apple.clock import Cancelled
from vpp_tui.i18n import _
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import ServiceError
from vpp_tui.store import limits
from vpp_tui.store.models import Setting, SyncRun
from vpp_tui.store.types import utcnow

INSTALLATION_KEY = "installation_id"


def installation_id(ctx: ServiceContext) -> str:
    """The id this installation claims locations with (`mdmInfo.id`), made once per store."""
    with ctx.store.session() as session:
        return installation_in(session, ctx.actor, ctx.clock.now())


def installation_in(session: Session, actor: str = "vpp-tui",
                    now: datetime | None = None) -> str:
    """`installation_id` inside the caller's transaction (a uuid4 string, made once)."""
    row = session.get(Setting, INSTALLATION_KEY)
    if row is None:
        row = Setting(key=INSTALLATION_KEY, value=str(uuid.uuid4()), updated_by=actor,
                      updated_at=now or utcnow())
        session.add(row)
        session.flush()
    return str(row.value)


@contextmanager
def client_for(ctx: ServiceContext, bearer: str, *, check_owner: bool = True,
               on_progress: Callable[[str, int, int], None] | None = None) -> Iterator[Any]:
    """An Apple client for one token, closed on exit.

    Every answer's `mdmInfo.id` is compared with this installation's id and a foreign one
    raises `MdmConflict` (apple-api.md §7.1, §7.3). Only the claim flow, which reads the
    owner to ask the admin before taking over, passes `check_owner=False`. Raises
    ServiceError when no Apple service is configured.
    """
    if ctx.apple is None:
        raise ServiceError(_("no Apple service configured; pass --apple URL or use the demo"))
    kwargs: dict[str, Any] = {}
    if check_owner:
        kwargs["mdm_id"] = installation_id(ctx)
    if on_progress is not None:
        kwargs["on_progress"] = on_progress
    client = ctx.apple(bearer, **kwargs)
    try:
        yield client
    finally:
        client.close()


def apple_failure_text(exc: Exception) -> str:
    """One line for the admin: Apple's error number and what to do.

    An exception without a message is named by its type, so the line never ends in a
    bare colon (issue 8 fault 11). Fit for the store: no NUL, no lone surrogate."""
    if isinstance(exc, apple_errors.AppleError):
        text = str(exc)
    elif isinstance(exc, ServiceError):  # worded already (e.g. Apple's refusal, a lease)
        text = exc.message
    elif isinstance(exc, Cancelled):
        text = _("stopped before it finished; nothing was changed")
    else:
        text = _("Apple could not be reached: {error}").format(
            error=str(exc).strip() or type(exc).__name__)
    # Apple's message may hold a NUL or a lone surrogate: the text is stored (sync runs).
    return limits.clip(SyncRun, "error", text) or ""
