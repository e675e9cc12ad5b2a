"""Apple's error numbers, HTTP statuses and verbatim messages, and the exception that carries one.

Messages are copied from Apple's service-config list (apple-api.md §5.1) because a client may
show them to an admin and a simulator that paraphrases would hide wording bugs.
"""

from __future__ import annotations

from typing import Any

# number -> (HTTP status for a synchronous failure, Apple's errorMessage)
ERRORS: dict[int, tuple[int, str]] = {
    9601: (401, "Login required."),
    9602: (400, "Invalid argument."),
    9603: (500, "Internal error."),
    9609: (400, "Unable to find the registered user."),
    9621: (401, "The token has expired. You need to generate a new token online using your "
                "organization's account at either school.apple.com or business.apple.com."),
    9622: (401, "Invalid authentication token."),
    9625: (401, "The server has revoked the sToken."),
    9634: (410, "Service removed."),
    9646: (429, "There are too many recent requests. Try again momentarily."),
    9650: (400, "The provided page index must be greater than 0, and less than the total "
                "number of pages."),
    9700: (400, "Max assets limit on request has been passed, please stay within given limit."),
    9701: (400, "Max clientUserIds limit on request has been passed, please stay within given "
                "limit."),
    9702: (400, "Max serialNumbers limit on request has been passed, please stay within given "
                "limit."),
    9703: (400, "Duplicate assets found in request, please send unique assets."),
    9704: (400, "Duplicate clientUserIds found in request, please send unique clients."),
    9705: (400, "Duplicate serialNumbers found in request, please send unique serials."),
    9706: (400, "Asset in request is not revocable, please send revocable assets."),
    9707: (400, "Asset in request is not device assignable, please send device assignable "
                "assets."),
    9708: (400, "EventId could not be found."),
    9709: (400, "There are not enough licenses for this app or book available to assign to the "
                "selected group."),
    9710: (400, "Both the notification URL and the authentication token are necessary."),
    9711: (400, "Either the notification URL or the authentication token exceeds its maximum "
                "length. Change the request to stay within the specified limit."),
    9712: (400, "The provided notification URL must be a valid URL and use HTTPS as the "
                "protocol."),
    9713: (400, "The MDM metadata exceeds the maximum length. Change the request to stay within "
                "the specified limit."),
    9714: (400, "The number of users exceeds the maximum. Change the request to stay within the "
                "specified limit."),
    9715: (400, "This request contains duplicate users. Change the request to send unique "
                "users."),
    9716: (400, "A registered user already exists with the specified clientUserId."),
    9717: (400, "This request contains an invalid email address. Change the request to send "
                "valid email addresses."),
    9718: (400, "This request doesn't contain an asset, which is a required argument. Change the "
                "request to provide an asset."),
    9719: (400, "Either clientUserIds or serialNumbers are required arguments. Change the request "
                "to provide assignable users and devices."),
    9720: (400, "Users are a required argument. Change the request to provide a user."),
    9721: (400, "This request contains an invalid version ID. Change the request to send the "
                "version ID from the read APIs."),
    9722: (401, "This request contains an invalid authorization header. Change the request to "
                "send an authorization header that matches the format 'Bearer {sToken}'."),
    9723: (400, "You must provide an MDM name, ID, and metadata when setting the MDM "
                "information."),
    9724: (400, "The MDM ID exceeds the maximum length. Change the request to stay within the "
                "specified limit."),
    9725: (400, "The MDM name exceeds the maximum length. Change the request to stay within the "
                "specified limit."),
    9726: (405, "This request contains an unsupported HTTP method for the requested endpoint."),
    9727: (415, "This request contains an unsupported Content-Type for the requested endpoint."),
    9728: (400, "The provided notification URL is unreachable."),
    9729: (503, "The service is temporarily unavailable. Try again later."),
}

# The service config lists the v2 codes only; 9622 and 9729 are seen but not listed by Apple.
# Apple's own service-config example lists 9716 (apple-examples.json service_config_response).
SERVICE_CONFIG_CODES = [n for n in ERRORS if n not in (9622, 9729)]


def message(number: int) -> str:
    return ERRORS.get(number, (400, "Invalid argument."))[1]


def status_of(number: int) -> int:
    return ERRORS.get(number, (400, ""))[0]


class ApiError(Exception):
    """A synchronous failure: becomes an ErrorResponse; no asynchronous work was started."""

    def __init__(self, number: int, *, status: int | None = None,
                 error_info: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{number} {message(number)}")
        self.number = number
        self.status = status if status is not None else status_of(number)
        self.error_info = error_info
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"errorNumber": self.number, "errorMessage": message(self.number)}
        if self.error_info:
            out["errorInfo"] = self.error_info
        return out
