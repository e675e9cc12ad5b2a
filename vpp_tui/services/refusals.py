"""A refusal of the admin's input is audited once, by whoever shows it: one rule for the
CLI (`cli/refusals.py`) and the console (`ui/refusals.py`).

Design: "Refuse first, then log: a refusal changes nothing and is audited." A service that
audits its own refusal (`tokens.gate.refuse`, `licensing.common.refuse`,
`directory.MassRemoval`) marks the error `audited`; the mark is looked for on the error and
on its `__cause__` (a CLI BadInput or a console JobRefused raised from it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpp_tui.i18n import english
from vpp_tui.services.errors import ServiceError

if TYPE_CHECKING:
    from vpp_tui.services.context import ServiceContext


def token_settings_action(notification_url: str | None) -> str:
    """The action a change of a token's settings audits (and so its refusal):
    "token.notifications" when it sets or clears the notification URL (None: unchanged),
    else "token.set"; `token set --notification-url` and the console's token form."""
    return "token.set" if notification_url is None else "token.notifications"


def already_audited(error: BaseException) -> bool:
    """True when `error`, or the error it was raised from, was audited already."""
    return bool(getattr(error, "audited", False)
                or getattr(error.__cause__, "audited", False))


def audit_refusal(ctx: ServiceContext, action: str, target: str,
                  error: BaseException) -> bool:
    """Write `error`'s refusal of `action` on `target` (one entry, result "refused", its
    message in English: `i18n.english`) with `audit.record_refusal`, in a transaction of
    its own, and mark it `audited`; False (nothing written) when it was audited already.
    The message is a ServiceError's `message`, else the exception's first argument (a
    domain check's ValueError, the CLI's BadInput)."""
    if already_audited(error):
        return False
    from vpp_tui.services import audit  # the ORM: not before the console's first paint

    message = error.message if isinstance(error, ServiceError) else (
        error.args[0] if error.args else "")
    audit.record_refusal(ctx, action, target, str(english(message)))
    error.audited = True  # type: ignore[attr-defined]
    return True
