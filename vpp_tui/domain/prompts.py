"""What an end user is asked when a volume-purchased app reaches their device.

`end_user_prompts` is the 2020 table (design.md "End-user prompts", rows 1-8):

| # | scenario                                 | invite | install prompt | Apple ID |
| 1 | personal (BYOD), user licensed, not UE   | Y      | Y              | Y        |
| 2 | corporate, user licensed, unsupervised   | Y      | Y              | Y        |
| 3 | corporate, user licensed, supervised     | Y      | N              | Y        |
| 4 | personal (BYOD), device licensed         | N      | Y              | N        |
| 5 | corporate, device licensed, unsupervised | N      | Y              | N        |
| 6 | corporate, device licensed, supervised   | N      | N              | N        |
| 7 | kiosk (supervised), device licensed      | N      | N              | N        |
| 8 | kiosk (supervised), user licensed        | not recommended: warned, no answers |

Beyond the table: User Enrollment devices take user licenses only, through the user's
Managed Apple ID (Apple associates it without an invitation or an Apple ID prompt), and
Company Portal does not show device-licensed apps on them. Kiosk mode needs supervision,
so a kiosk is treated as supervised; a personal device is never supervised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from vpp_tui.domain.licensing.model import Device, Intent
from vpp_tui.domain.licensing.model import LicenseType as PromptLicense
from vpp_tui.domain.licensing.model import Ownership as PromptOwnership
from vpp_tui.domain.licensing.results import Plan, PlanAction
from vpp_tui.i18n import _

__all__ = ["PromptLicense", "PromptOwnership", "PromptResult", "company_portal_shows",
           "end_user_prompts", "explain_device_prompts", "plan_prompts_users",
           "prompts_for_devices", "scenario_row"]


@dataclass(frozen=True, slots=True)
class PromptResult:
    invite_to_vpp: bool | None
    app_install_prompt: bool | None
    apple_id_prompt: bool | None
    warning: str | None
    explanation: str
    # Row of design.md's table, or None for a case the table does not list.
    scenario: int | None = None
    shown_in_company_portal: bool = True

    def as_dict(self) -> dict[str, object]:
        """The `vpp-tui prompts --json` fields (cli.md), plus `scenario`."""
        return {
            "invite_to_vpp": self.invite_to_vpp,
            "app_install_prompt": self.app_install_prompt,
            "apple_id_prompt": self.apple_id_prompt,
            "warning": self.warning,
            "explanation": self.explanation,
            "scenario": self.scenario,
            "shown_in_company_portal": self.shown_in_company_portal,
        }


def company_portal_shows(license_type: PromptLicense | str, user_enrollment: bool) -> bool:
    """Company Portal does not show device-licensed apps on User Enrollment devices:
    only user-licensed apps can be installed there."""
    return not (user_enrollment and PromptLicense(license_type) is PromptLicense.DEVICE)


def scenario_row(ownership: PromptOwnership, supervised: bool, kiosk: bool,
                 user_enrollment: bool, license_type: PromptLicense) -> int | None:
    user = license_type is PromptLicense.USER
    if kiosk:
        return 8 if user else 7
    if user_enrollment:
        return None
    if ownership is PromptOwnership.PERSONAL:
        return 1 if user else 4
    if user:
        return 3 if supervised else 2
    return 6 if supervised else 5


def end_user_prompts(
    ownership: PromptOwnership | str,
    supervised: bool,
    kiosk: bool,
    user_enrollment: bool,
    license_type: PromptLicense | str,
) -> PromptResult:
    ownership = PromptOwnership(ownership)
    license_type = PromptLicense(license_type)
    row = scenario_row(ownership, supervised, kiosk, user_enrollment, license_type)
    if row == 8:
        return PromptResult(None, None, None, _kiosk_user_warning(), _(
            "Kiosk devices should use device licensing: a single-app device cannot take "
            "the VPP invitation or an Apple ID sign-in."), scenario=8)
    if user_enrollment and not kiosk:
        return _user_enrollment(license_type)
    user = license_type is PromptLicense.USER
    silent = kiosk or (supervised and ownership is PromptOwnership.CORPORATE)
    return PromptResult(
        invite_to_vpp=user, app_install_prompt=not silent, apple_id_prompt=user,
        warning=None,
        explanation=" ".join((_invite_sentence(user), _install_sentence(not silent),
                              _apple_id_sentence(user))),
        scenario=row)


def _user_enrollment(license_type: PromptLicense) -> PromptResult:
    if license_type is PromptLicense.DEVICE:
        return PromptResult(
            None, None, None,
            _("User Enrollment devices cannot take device licenses: use user licensing."),
            _("Company Portal does not show device-licensed apps on User Enrollment devices, "
              "because only user-licensed apps can be installed there."),
            shown_in_company_portal=False)
    return PromptResult(
        invite_to_vpp=False, app_install_prompt=True, apple_id_prompt=False, warning=None,
        explanation=" ".join((
            _("No VPP invitation: the user's Managed Apple ID is associated by Apple "
              "directly."),
            _install_sentence(True),
            _("No Apple ID prompt: the device is already signed in with the Managed "
              "Apple ID."))))


def _kiosk_user_warning() -> str:
    return _("User licensing on kiosk devices is not recommended: use device licensing.")


def _invite_sentence(user: bool) -> str:
    if user:
        return _("Invited to join Apple VPP: a user license belongs to the user's Apple ID, "
                 "which must accept the invitation once.")
    return _("No VPP invitation: a device license belongs to the device, not to a person.")


def _install_sentence(prompt: bool) -> str:
    if prompt:
        return _("App install prompt: an unsupervised device asks the user to allow the "
                 "install.")
    return _("No app install prompt: a supervised device installs silently.")


def _apple_id_sentence(user: bool) -> str:
    if user:
        return _("Apple ID prompt: the App Store asks the user to sign in with their Apple "
                 "ID to use the license.")
    return _("No Apple ID prompt: device-licensed apps need no App Store sign-in.")


def explain_device_prompts(
    *,
    ownership: str,
    supervised: bool,
    kiosk: bool,
    enrollment: str,
    license_type: str | None,
    device_assignable: bool = True,
    product_type: str = "app",
    app_store_blocked: bool = False,
) -> PromptResult:
    """The prompts one device sees for one item and assignment, from plain attributes
    (directory values: ownership corporate/personal, enrollment device/user/automated,
    product_type app/book; license_type None means the assignment's default)."""
    is_book = product_type == "book"
    if is_book or license_type is None:
        chosen = "device" if device_assignable and not is_book else "user"
        license_type = "user" if is_book else (license_type or chosen)
    result = end_user_prompts(ownership, supervised and ownership == "corporate", kiosk,
                              enrollment == "user", license_type)
    extra = _item_warnings(PromptLicense(license_type), device_assignable, app_store_blocked)
    if not extra:
        return result
    warning = " ".join(w for w in (result.warning, *extra) if w)
    return PromptResult(result.invite_to_vpp, result.app_install_prompt,
                        result.apple_id_prompt, warning, result.explanation,
                        result.scenario, result.shown_in_company_portal)


def _item_warnings(license_type: PromptLicense, device_assignable: bool,
                   app_store_blocked: bool) -> list[str]:
    found: list[str] = []
    if license_type is PromptLicense.DEVICE and not device_assignable:
        found.append(_("This app is not device-assignable: device licensing will fail."))
    if license_type is PromptLicense.USER and app_store_blocked:
        found.append(_("The App Store is blocked on this device: the VPP invitation needs it, "
                       "so user licensing will not work."))
    return found


def plan_prompts_users(plan: Plan) -> bool:
    """Whether a license plan puts anything in front of end users at all: only an allowed
    assignment that installs (Required or Available). A refused plan sends nothing, and
    an Uninstall assignment removes the app (design.md "End-user prompts", "Removal"),
    so neither has prompts to show."""
    return (plan.allowed and plan.action is PlanAction.ASSIGN
            and plan.intent is not Intent.UNINSTALL)


def prompts_for_devices(
    devices: Iterable[Device],
    license_type: str | None,
    *,
    device_assignable: bool = True,
    product_type: str = "app",
) -> list[tuple[PromptResult, int]]:
    """What the devices of a group will be asked, one entry per scenario: (answer, how
    many devices), most common first. Devices of one scenario that differ only in a
    warning (App Store blocked on some) share the entry; its warning names how many
    devices each warning concerns. Computed once per distinct device profile, so large
    groups stay cheap."""
    profiles = Counter(
        (d.ownership, d.supervised, d.kiosk, d.enrollment, d.app_store_blocked)
        for d in devices)
    answers: dict[PromptResult, int] = {}
    warned: dict[PromptResult, Counter[str]] = {}
    for (ownership, supervised, kiosk, enrollment, blocked), count in profiles.items():
        result = explain_device_prompts(
            ownership=ownership, supervised=supervised, kiosk=kiosk, enrollment=enrollment,
            license_type=license_type, device_assignable=device_assignable,
            product_type=product_type, app_store_blocked=blocked)
        key = replace(result, warning=None)
        answers[key] = answers.get(key, 0) + count
        if result.warning:
            warned.setdefault(key, Counter())[result.warning] += count
    merged = [(replace(key, warning=_merge_warnings(warned.get(key), total)), total)
              for key, total in answers.items()]
    return sorted(merged, key=lambda pair: (-pair[1], pair[0].scenario or 99))


def _merge_warnings(counts: Counter[str] | None, total: int) -> str | None:
    if not counts:
        return None
    return " ".join(
        text if n == total else _("{warning} ({n} of these devices)").format(
            warning=text, n=n)
        for text, n in sorted(counts.items(), key=lambda pair: -pair[1]))
