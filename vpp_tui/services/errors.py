"""Errors services raise; each message is one line that says what is wrong and what to do."""

from __future__ import annotations


class ServiceError(Exception):
    """The operation failed (Apple refused, licenses short, token invalid): exit 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ServiceError):
    """Bad input (a broken file, an unknown name, a bad value): exit 2; nothing changed."""


class NotFound(InvalidInput):
    pass
