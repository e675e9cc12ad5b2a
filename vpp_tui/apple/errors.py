"""Typed errors for Apple's answers. `str()` is one line: what is wrong, then what to do.

Apple matches errors on `errorNumber` only (the same 9609 comes with two wordings), so the
class is chosen from the number, and from the HTTP status only when the number is absent
or unknown (Apple warns that new codes appear).
"""

from __future__ import annotations

from typing import Any

from vpp_tui.i18n import _

# Token faults stop the token until it is renewed; 9647 (a legacy token) is renewed as
# 9621/9625 are, with a location token (apple-api.md §5.1, §7.3).
TOKEN_FAULTS = frozenset({9601, 9621, 9622, 9625, 9647, 9722})


class AppleError(Exception):
    """Apple refused a request, or could not be reached."""

    def __init__(self, message: str = "", error_number: int | None = None,
                 http_status: int | None = None, error_info: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error_number = error_number
        self.http_status = http_status
        self.error_info = error_info

    def hint(self) -> str:
        return _HINTS.get(self.error_number or 0, _default_hint)()

    def what(self) -> str:
        text = self.message or _("no message")
        if self.error_number is not None:
            return _("Apple error {number}: {message}").format(number=self.error_number,
                                                               message=text)
        if self.http_status is not None:
            return _("Apple answered HTTP {status}: {message}").format(status=self.http_status,
                                                                      message=text)
        return text

    def __str__(self) -> str:
        line = f"{self.what()} — {self.hint()}"
        return " ".join(line.split())


class TokenExpired(AppleError):
    def hint(self) -> str:
        return _("download a new token in Apple School/Business Manager and renew it here")


class TokenRevoked(AppleError):
    def hint(self) -> str:
        return _("Apple revoked this token; download a new one in Apple School/Business "
                 "Manager and renew it here")


class TokenInvalid(AppleError):
    def hint(self) -> str:
        return _("Apple does not accept this token; check the file, or download a new one "
                 "and renew it here")


class LegacyToken(AppleError):
    def hint(self) -> str:
        return _("legacy tokens are not supported; download a location token in Apple "
                 "School/Business Manager and renew it here")


class RateLimited(AppleError):
    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after

    def hint(self) -> str:
        return _("too many requests for this location; wait a minute and try again")


class ServerBusy(AppleError):
    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after

    def hint(self) -> str:
        return _("Apple's service is failing or unavailable; try again later")


class LimitExceeded(AppleError):
    def hint(self) -> str:
        return _("the request exceeds Apple's limits; split it into smaller requests")


class NotEnoughLicenses(AppleError):
    def hint(self) -> str:
        return _("buy more licenses or reclaim unused ones, then try again")


class UserNotFound(AppleError):
    def hint(self) -> str:
        return _("the user is not registered at this location; create the user first")


class UserExists(AppleError):
    def hint(self) -> str:
        return _("a user with this id already exists; sync to see it")


class NotDeviceAssignable(AppleError):
    def hint(self) -> str:
        return _("this app cannot be assigned to devices; assign it to users instead")


class NotRevocable(AppleError):
    def hint(self) -> str:
        return _("this item (e.g. a book) cannot be taken back; leave it out")


class EventNotFound(AppleError):
    def hint(self) -> str:
        return _("Apple no longer knows this job; sync the location to see the result")


class EventTimeout(AppleError):
    def hint(self) -> str:
        return _("Apple is still working on it; sync the location later to see the result")


class UnknownVersion(AppleError):
    def hint(self) -> str:
        return _("the saved sync point is unknown to Apple; run a full sync")


class PageOutOfRange(AppleError):
    def hint(self) -> str:
        return _("the data changed while reading it; sync again")


class TransportError(AppleError):
    # True when the request certainly never reached Apple (e.g. the connection failed).
    not_sent = False

    def what(self) -> str:
        return _("Apple could not be reached: {error}").format(error=self.message)

    def hint(self) -> str:
        return _("check the network connection and try again")


class GaveUp(AppleError):
    """The retry budget is spent. Distinct so outer retries do not multiply attempts."""

    def __init__(self, last: AppleError, attempts: int) -> None:
        super().__init__(last.message, last.error_number, last.http_status, last.error_info)
        self.last = last
        self.attempts = attempts

    def what(self) -> str:
        return _("gave up after {n} attempts: {last}").format(n=self.attempts,
                                                            last=self.last.what())

    def hint(self) -> str:
        return self.last.hint()


class MdmConflict(AppleError):
    """Another MDM's `mdmInfo.id` is on this location: it has taken the location over.

    `location_id` is the answer's `uId` when it had one. `event_id` is set when Apple had
    already accepted a management request (it returned this `eventId`) before the foreign
    owner showed: that request's outcome is unknown (apple-api.md §7.1, §7.3).
    """

    def __init__(self, mdm_id: str | None, mdm_name: str | None,
                 mdm_metadata: str | None, *, location_id: str | None = None,
                 event_id: str | None = None) -> None:
        super().__init__(_("another MDM manages this location"))
        self.mdm_id = mdm_id
        self.mdm_name = mdm_name
        self.mdm_metadata = mdm_metadata
        self.location_id = location_id
        self.event_id = event_id

    def again(self) -> MdmConflict:
        """A fresh copy, raised for each later request refused without being sent."""
        return MdmConflict(self.mdm_id, self.mdm_name, self.mdm_metadata,
                           location_id=self.location_id)

    def what(self) -> str:
        return _("{name} ({meta}) now manages this location").format(
            name=self.mdm_name or _("another MDM"), meta=self.mdm_metadata or self.mdm_id)

    def hint(self) -> str:
        return _("changes are stopped; take control again only if that MDM is retired")


def _default_hint() -> str:
    return _("see Apple's error table, fix the request and try again")


# Hints for numbers that keep the base class; the subclasses carry their own.
_HINTS = {
    9602: lambda: _("Apple rejected the request as invalid; sync and try again"),
    9634: lambda: _("Apple removed this service; update vpp-tui"),
    9637: lambda: _("facilitator accounts cannot do this; use a content manager's token"),
    9644: lambda: _("Apple is in maintenance; try again in a few minutes"),
    9703: lambda: _("remove the duplicate items and try again"),
    9704: lambda: _("remove the duplicate users and try again"),
    9705: lambda: _("remove the duplicate serial numbers and try again"),
    9715: lambda: _("remove the duplicate users and try again"),
    9717: lambda: _("correct the email address and try again"),
    9635: lambda: _("the Apple Account cannot be linked; invite the user again"),
    9641: lambda: _("the Apple Account belongs to another user; resolve the duplicate"),
    9723: lambda: _("this installation's MDM name, id and metadata are all needed"),
    # Claim refused (apple-api.md §2.3, §4): the mdmInfo sent is longer than Apple's limit.
    9713: lambda: _("Apple refused the claim: the MDM metadata sent is longer than Apple's "
                    "maxMdmMetadataLength; the location stays unclaimed, report it to the "
                    "vpp-tui maintainers"),
    9724: lambda: _("Apple refused the claim: the MDM id sent is longer than Apple's "
                    "maxMdmIdLength; the location stays unclaimed, report it to the vpp-tui "
                    "maintainers"),
    9725: lambda: _("Apple refused the claim: the MDM name sent is longer than Apple's "
                    "maxMdmNameLength; the location stays unclaimed, report it to the vpp-tui "
                    "maintainers"),
    9718: lambda: _("the request named no app or book; choose at least one and try again"),
    9719: lambda: _("the request named no user or device; choose at least one and try again"),
    9720: lambda: _("the request named no user; choose at least one and try again"),
    9726: lambda: _("Apple does not accept this HTTP method here; update vpp-tui or report "
                    "it"),
    9727: lambda: _("Apple does not accept this content type here; update vpp-tui or report "
                    "it"),
    9616: lambda: _("the license is already assigned; nothing to do, sync to see it"),
    9610: lambda: _("the device has no license yet: wait for the assignment to finish "
                    "(its notification or a COMPLETE status), then install again"),
    9710: lambda: _("the notification URL and its secret go together; give both"),
    9711: lambda: _("the notification URL or its secret is longer than 512 characters; "
                    "shorten it"),
    9712: lambda: _("the notification URL must be a valid https:// URL; correct it"),
    9728: lambda: _("Apple could not reach the notification URL; make it reachable from "
                    "the internet (see README, notifications), then try again"),
}

_BY_NUMBER: dict[int, type[AppleError]] = {
    9621: TokenExpired,
    9625: TokenRevoked,
    9647: LegacyToken,
    9601: TokenInvalid, 9622: TokenInvalid, 9722: TokenInvalid,
    9646: RateLimited,
    9603: ServerBusy, 9729: ServerBusy,
    9700: LimitExceeded, 9701: LimitExceeded, 9702: LimitExceeded,
    9703: LimitExceeded, 9704: LimitExceeded, 9705: LimitExceeded, 9714: LimitExceeded,
    9709: NotEnoughLicenses,
    9609: UserNotFound,
    9716: UserExists,
    9707: NotDeviceAssignable,
    9706: NotRevocable,
    9708: EventNotFound,
    9721: UnknownVersion,
    9650: PageOutOfRange,
}


def error_for(number: int | None, message: str | None, http_status: int | None = None,
              error_info: dict | None = None, *, retry_after: float | None = None
              ) -> AppleError:
    """The typed error for Apple's `errorNumber` (falling back on the HTTP status)."""
    cls = _BY_NUMBER.get(number) if number is not None else None
    if cls is None:
        if http_status == 429:
            cls = RateLimited
        elif http_status is not None and http_status >= 500:
            cls = ServerBusy
        else:
            cls = AppleError
    if number is None and not message and http_status is not None:
        message = _("no error details")
    err = cls(message or "", error_number=number, http_status=http_status,
              error_info=error_info)
    if isinstance(err, RateLimited | ServerBusy):
        err.retry_after = retry_after
    return err


def is_token_fault(exc: BaseException) -> bool:
    """True when the token itself is bad (expired, revoked, invalid): stop and alert."""
    return isinstance(exc, AppleError) and not isinstance(exc, GaveUp) and \
        exc.error_number in TOKEN_FAULTS
