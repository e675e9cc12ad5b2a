"""Errors services raise; each message is one line that says what is wrong and what to do."""

from __future__ import annotations

from vpp_tui.i18n import english


class ServiceError(Exception):
    """The operation failed (Apple refused, licenses short, token invalid): exit 1."""

    #: True when the service has written this refusal's audit entry itself
    #: (`tokens.gate.refuse`, `access.denied`): whoever reports it must not audit it again.
    audited = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.english = english(message)  # for the audit log (the store is shared: English)


class InvalidInput(ServiceError):
    """Bad input (a broken file, an unknown name, a bad value): exit 2; nothing changed."""

    @classmethod
    def of(cls, error: Exception) -> InvalidInput:
        """The InvalidInput of a domain check's error (a ValueError worded with `_()`): its
        message as raised, so that its English survives for the audit (`str(error)` would
        keep only the admin's language)."""
        first = error.args[0] if error.args else None
        return cls(first if isinstance(first, str) else str(error))


class NotFound(InvalidInput):
    pass
