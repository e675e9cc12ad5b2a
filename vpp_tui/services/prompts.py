"""What an end user will be asked: by scenario, or for one device and one item.

The answer comes from `domain.prompts`; this module only finds the facts: the device's
attributes from the directory, and the license type of the assignment that reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from vpp_tui.domain.prompts import PromptResult, end_user_prompts, explain_device_prompts
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.store import models as m


@dataclass(frozen=True)
class DevicePrompts:
    serial: str
    item: str
    token: str
    license_type: str  # the assignment's, or the item's default when none reaches it
    assignment: str | None  # the group whose assignment decided the license type
    result: PromptResult

    def as_json(self) -> dict[str, Any]:
        return {**self.result.as_dict(), "serial": self.serial, "item": self.item,
                "token": self.token, "license_type": self.license_type,
                "assignment": self.assignment}


def prompts_for(ctx: ServiceContext, *, ownership: str, supervised: bool = False,
                kiosk: bool = False, user_enrollment: bool = False,
                license: str) -> PromptResult:  # noqa: A002 - the CLI's own word
    """What an end user is asked on a device of this kind (`domain.prompts.end_user_prompts`,
    design.md "End-user prompts"). Raises AccessDenied without `apps.read`, InvalidInput
    for an ownership or license type that does not exist or a supervised personal device."""
    authorize(ctx, Permission.APPS_READ)
    return _answer(ownership=ownership, supervised=supervised, kiosk=kiosk,
                   user_enrollment=user_enrollment, license=license)


def prompts_table(ctx: ServiceContext,
                  cases: Sequence[Mapping[str, Any]]) -> list[PromptResult]:
    """`prompts_for` for each of `cases` (its keyword arguments), in order, authorized
    once: the console's scenario table and its chooser's answer in one call (nine
    authorizations, nine store reads on the UI thread, made its first visit slow; issue
    13). Raises AccessDenied without `apps.read`, InvalidInput as `prompts_for`."""
    authorize(ctx, Permission.APPS_READ)
    return [_answer(**case) for case in cases]


def _answer(*, ownership: str, supervised: bool = False, kiosk: bool = False,
            user_enrollment: bool = False,
            license: str) -> PromptResult:  # noqa: A002 - the CLI's own word
    if ownership not in ("corporate", "personal"):
        raise InvalidInput(_("ownership must be corporate or personal"))
    if license not in ("user", "device"):
        raise InvalidInput(_("license must be user or device"))
    if ownership == "personal" and supervised:
        raise InvalidInput(_("a personal device cannot be supervised; drop --supervised"))
    return end_user_prompts(ownership, supervised or kiosk, kiosk, user_enrollment, license)


def _deciding_assignment(session: Any, asset_id: int, device: m.DirectoryDevice
                         ) -> tuple[str, str] | None:
    """(group, license type) of the first assignment reaching the device, device groups
    first (they name the device itself), then its primary user's groups."""
    rows = session.exec(select(m.Assignment, m.DirectoryGroup).join(
        m.DirectoryGroup, col(m.DirectoryGroup.id) == col(m.Assignment.group_id)).where(
        m.Assignment.asset_id == asset_id).order_by(col(m.DirectoryGroup.name))).all()
    for wanted, member in (("device", device.serial), ("user", device.primary_user)):
        for assignment, group in rows:
            if group.kind != wanted or member is None:
                continue
            if session.get(m.GroupMember, (group.id, member)) is not None:
                return group.name, assignment.license_type
    return None


def prompts_for_device(ctx: ServiceContext, serial: str, item: str,
                       token: str | None = None) -> DevicePrompts:
    from vpp_tui.services.catalog import resolve_item

    authorize(ctx, Permission.APPS_READ)
    view = resolve_item(ctx, item, token)
    with ctx.store.session() as session:
        device = session.exec(select(m.DirectoryDevice).where(
            m.DirectoryDevice.serial == serial)).first()
        if device is None:
            raise NotFound(_("no device {serial} in the directory; import it with "
                             "'vpp-tui directory import'").format(serial=quote(serial)))
        asset = session.get(m.Asset, view.id)
        if asset is None:
            raise NotFound(_("no item {item}; sync its token first").format(item=quote(item)))
        return device_prompts(session, device, asset, token=view.token, name=view.name)


def device_prompts(session: Any, device: m.DirectoryDevice, asset: m.Asset, *,
                   token: str, name: str | None = None) -> DevicePrompts:
    """What `device` will show for `asset`: the license type of the first assignment of
    the asset reaching the device (`_deciding_assignment`), then `explain_device_prompts`
    (design.md "End-user prompts"). Store reads only, inside the caller's session."""
    decided = _deciding_assignment(session, asset.id or 0, device)
    license_type = decided[1] if decided else None
    result = explain_device_prompts(
        ownership=device.ownership, supervised=device.supervised, kiosk=device.kiosk,
        enrollment=device.enrollment, license_type=license_type,
        device_assignable=asset.device_assignable, product_type=asset.product_type,
        app_store_blocked=device.app_store_blocked)
    chosen = license_type or ("device" if asset.device_assignable
                              and asset.product_type != "book" else "user")
    return DevicePrompts(device.serial, name or asset.name or asset.adam_id, token,
                         chosen, decided[0] if decided else None, result)
