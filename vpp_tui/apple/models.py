"""Wire models for Apple's App and Book Management API v2 and the legacy metadata lookup.

Field names are Apple's JSON keys. Every field is optional because Apple documents all of
them as "Required: No" and its own examples drop fields between pages; unknown keys are
kept (`extra="allow"`) so a new Apple field never breaks a sync. Ids are strings: Apple
sends `adamId`, `uId` and `versionId` as strings, but the lookup API and some captures use
numbers, and an 18-digit `uId` must never pass through a float.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


def _id_to_str(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    return value


StrId = Annotated[str | None, BeforeValidator(_id_to_str)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def wire(self) -> dict[str, Any]:
        """The JSON body Apple expects: absent fields are left out, not sent as null."""
        return self.model_dump(exclude_none=True, mode="json")


class MdmInfo(Wire):
    id: StrId = None
    name: str | None = None
    metadata: str | None = None


class Envelope(Wire):
    """Fields every authenticated v2 response may carry."""

    uId: StrId = None
    tokenExpirationDate: str | None = None
    mdmInfo: MdmInfo | None = None


class ErrorCode(Wire):
    errorNumber: int | None = None
    errorMessage: str | None = None


class ServiceConfig(Wire):
    errorCodes: list[ErrorCode] | None = None
    limits: dict[str, int] | None = None
    notificationTypes: list[str] | None = None
    urls: dict[str, str] | None = None


class ClientConfig(Envelope):
    countryISO2ACode: str | None = None
    defaultPlatform: str | None = None
    locationName: str | None = None
    notificationAuthToken: str | None = None
    notificationUrl: str | None = None
    subscribedNotificationTypes: list[str] | None = None
    websiteURL: str | None = None


class ClientConfigRequest(Wire):
    mdmInfo: MdmInfo | None = None
    notificationUrl: str | None = None
    notificationAuthToken: str | None = None
    notificationTypes: list[str] | None = None


class Asset(Wire):
    """An asset in a request: the (adamId, pricingParam) pair."""

    adamId: StrId = None
    pricingParam: str | None = None


class UnlimitedResponseAsset(Asset):
    productType: str | None = None
    assignedCount: int | None = None
    deviceAssignable: bool | None = None
    revocable: bool | None = None
    supportedPlatforms: list[str] | None = None


class ResponseAsset(UnlimitedResponseAsset):
    availableCount: int | None = None
    retiredCount: int | None = None
    totalCount: int | None = None


class Page(Envelope):
    currentPageIndex: int | None = None
    nextPageIndex: int | None = None
    size: int | None = None
    totalPages: int | None = None
    versionId: StrId = None


class GetAssetsResponse(Page):
    assets: list[ResponseAsset] | None = None
    unlimitedAssets: list[UnlimitedResponseAsset] | None = None


class Assignment(Wire):
    adamId: StrId = None
    pricingParam: str | None = None
    clientUserId: StrId = None
    serialNumber: StrId = None
    userStatus: str | None = None
    idHash: str | None = None


class GetAssignmentsResponse(Page):
    assignments: list[Assignment] | None = None


class ResponseUser(Wire):
    clientUserId: StrId = None
    email: str | None = None
    idHash: str | None = None
    inviteCode: str | None = None
    status: str | None = None
    managedAppleId: str | None = None


class GetUsersResponse(Page):
    users: list[ResponseUser] | None = None


class ManageAssetsRequest(Wire):
    assets: list[Asset] | None = None
    clientUserIds: list[str] | None = None
    serialNumbers: list[str] | None = None


class RevokeAssetsRequest(Wire):
    clientUserIds: list[str] | None = None
    serialNumbers: list[str] | None = None


class RequestUser(Wire):
    clientUserId: StrId = None
    email: str | None = None
    managedAppleId: str | None = None


class ManageUsersRequest(Wire):
    users: list[RequestUser] | None = None


class EventResponse(Envelope):
    eventId: StrId = None


class ErrorInfo(Wire):
    assets: list[Asset] | None = None
    clientUserIds: list[str] | None = None
    serialNumbers: list[str] | None = None


class ErrorResponse(Wire):
    errorNumber: int | None = None
    errorMessage: str | None = None
    errorInfo: ErrorInfo | None = None


class StatusResponse(Envelope):
    eventId: StrId = None
    eventStatus: str | None = None
    eventType: str | None = None
    numRequested: int | None = None
    numCompleted: int | None = None
    failures: list[ErrorResponse] | None = None


class Notification(Wire):
    """The envelope Apple POSTs to `notificationUrl`; the payload differs by type (§8.3)."""

    notification: dict[str, Any] | None = None
    notificationId: StrId = None
    notificationType: str | None = None
    uId: StrId = None


class LookupResult(Wire):
    """One product in the legacy lookup. Only the fields the console reads are typed."""

    id: StrId = None
    name: str | None = None
    bundleId: str | None = None
    kind: str | None = None
    deviceFamilies: list[str] | None = None
    # An array of sized images in one Apple sample, a template object in another.
    artwork: list[dict[str, Any]] | dict[str, Any] | None = None
    offers: list[dict[str, Any]] | None = None
    isVppDeviceBasedLicensingEnabled: bool | None = None
    isB2BCustomApp: bool | None = None
    url: str | None = None
    shortUrl: str | None = None


class LookupResponse(Wire):
    results: dict[str, LookupResult] | None = None
    version: int | None = None
    isAuthenticated: bool | None = None
    meta: dict[str, Any] | None = None
