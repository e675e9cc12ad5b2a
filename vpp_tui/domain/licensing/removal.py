"""Taking licenses back: an Uninstall assignment, removing an assignment, revoking.

Platform rules (2020): on iOS/iPadOS, removing an assignment or an Uninstall assignment
reclaims the license and uninstalls the app; on macOS the license is reclaimed but the
app stays (it keeps working, cannot update, Apple removes it after 30 days). Revoking
only reclaims, on every platform. Book licenses are never reclaimed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vpp_tui.domain.licensing.checks import warning
from vpp_tui.domain.licensing.model import (
    MOBILE,
    Device,
    Group,
    GroupKind,
    Holdings,
    Item,
    LicenseType,
    MemberKind,
    Platform,
    User,
)
from vpp_tui.domain.licensing.order import order_devices, order_users
from vpp_tui.domain.licensing.results import (
    MemberResult,
    Outcome,
    PlanWarning,
    Reason,
    WarningCode,
)

_DEVICE = MemberKind.DEVICE
_USER = MemberKind.USER


@dataclass
class Reclaim:
    """What a removal collects while walking the members."""

    item: Item
    holdings: Holdings
    # Why nothing is reclaimed at all (book, not revocable, setting); None to reclaim.
    hold_reason: Reason | None = None
    uninstall: bool = True
    # Only an Uninstall assignment removes the app from members that hold no license.
    uninstall_unlicensed: bool = False
    still_assigned: Holdings = field(default_factory=Holdings)
    # User licensing on a device group: the devices' primary users hold the licenses.
    license_type: LicenseType | None = None
    results: list[MemberResult] = field(default_factory=list)
    client_user_ids: list[str] = field(default_factory=list)
    serials: list[str] = field(default_factory=list)
    macs: list[str] = field(default_factory=list)
    freed: int = 0

    def user(self, user: User) -> None:
        upn = user.upn
        if upn not in self.holdings.users:
            self.results.append(MemberResult(
                upn, _USER, Outcome.SKIPPED, Reason.NOT_LICENSED,
                uninstall=self.uninstall_unlicensed and self._uninstalls_for(user)))
        elif self.hold_reason is not None:
            self.results.append(MemberResult(upn, _USER, Outcome.SKIPPED, self.hold_reason))
        elif upn in self.still_assigned.users:
            self.results.append(MemberResult(upn, _USER, Outcome.SKIPPED, Reason.STILL_ASSIGNED))
        else:
            self._reclaim_user(user)

    def _reclaim_user(self, user: User) -> None:
        macs = [d.serial for d in user.devices if d.platform is Platform.MACOS]
        self.macs.extend(macs)
        reason = Reason.MACOS_APP_STAYS if macs else None
        cost = user.license_cost
        self.freed += cost
        self.client_user_ids.extend(user.apple_targets)
        self.results.append(MemberResult(user.upn, _USER, Outcome.RECLAIMED, reason, cost,
                                         uninstall=self._uninstalls_for(user)))

    def _uninstalls_for(self, user: User) -> bool:
        return self.uninstall and any(d.platform in MOBILE for d in user.devices)

    def device(self, device: Device, listed_when_unlicensed: bool = True) -> None:
        serial = device.serial
        mobile = device.platform in MOBILE
        if serial not in self.holdings.devices:
            if listed_when_unlicensed:
                self.results.append(MemberResult(serial, _DEVICE, Outcome.SKIPPED,
                                                 Reason.NOT_LICENSED,
                                                 uninstall=self.uninstall_unlicensed and mobile))
        elif self.hold_reason is not None:
            self.results.append(MemberResult(serial, _DEVICE, Outcome.SKIPPED,
                                             self.hold_reason))
        elif serial in self.still_assigned.devices:
            self.results.append(MemberResult(serial, _DEVICE, Outcome.SKIPPED,
                                             Reason.STILL_ASSIGNED))
        else:
            if not mobile:
                self.macs.append(serial)
            self.freed += 1
            self.serials.append(serial)
            self.results.append(MemberResult(
                serial, _DEVICE, Outcome.RECLAIMED,
                None if mobile else Reason.MACOS_APP_STAYS, 1,
                uninstall=self.uninstall and mobile))

    def walk(self, group: Group) -> Reclaim:
        if group.kind is GroupKind.DEVICE:
            user_licensed = self.license_type is LicenseType.USER
            if user_licensed:
                for user in order_users(group.users):
                    self.user(user)
            for device in order_devices(group.devices):
                self.device(device, listed_when_unlicensed=not user_licensed)
            return self
        for user in order_users(group.users):
            self.user(user)
            # A user group may also have put device licenses on the users' devices.
            for device in order_devices(user.devices):
                self.device(device, listed_when_unlicensed=False)
        return self

    def warnings(self, macos_code: WarningCode) -> list[PlanWarning]:
        found: list[PlanWarning] = []
        if self.macs:
            found.append(warning(macos_code, self.macs))
        if self.hold_reason is Reason.KEPT_UNTIL_UNINSTALL:
            found.append(warning(WarningCode.KEPT_UNTIL_UNINSTALL))
        if self.hold_reason is Reason.BOOK_IRREVOCABLE:
            found.append(warning(WarningCode.BOOKS_SKIPPED))
        return found


def hold_reason(item: Item, keep: bool = False) -> Reason | None:
    if item.is_book:
        return Reason.BOOK_IRREVOCABLE
    if not item.revocable:
        return Reason.NOT_REVOCABLE
    if keep:
        return Reason.KEPT_UNTIL_UNINSTALL
    return None
