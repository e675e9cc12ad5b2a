"""The sentences an admin reads about a plan: reasons, warnings, the order, the removal rule.

Built on demand (never per member while planning) so a 100k-member plan stays cheap.
"""

from __future__ import annotations

from vpp_tui.domain.licensing.model import Item
from vpp_tui.domain.licensing.results import Plan, Reason, RemovalRule, WarningCode
from vpp_tui.i18n import _


def _reason_texts() -> dict[Reason, str]:
    # A function, not a module constant, so the active language is used at call time.
    return {
        Reason.AVAILABLE_FOR_DEVICE_GROUP: _(
            "Available is not allowed for device groups: use Required or a user group"),
        Reason.BOOK_NEEDS_USER_GROUP: _("books can only be assigned to user groups"),
        Reason.BOOK_NEEDS_USER_LICENSE: _("books support user licensing only"),
        Reason.BOOK_INTENT: _("books can only be assigned as Available or Required"),
        Reason.NOT_DEVICE_ASSIGNABLE: _(
            "the app is not device-assignable: use user licensing"),
        Reason.NO_LICENSES_LEFT: _("no licenses left: waiting for freed or purchased licenses"),
        Reason.USER_ENROLLMENT_DEVICE: _(
            "User Enrollment devices cannot take device licenses: use user licensing"),
        Reason.PLATFORM_NOT_SUPPORTED: _("the item does not run on this device's platform"),
        Reason.DEVICE_NOT_MANAGED: _("the device is not managed"),
        Reason.USER_INACTIVE: _("the user is no longer active"),
        Reason.NO_DEVICES: _("the user has no enrolled device to license"),
        Reason.NO_PRIMARY_USER: _("user licensing needs the device's primary user"),
        Reason.DEVICE_LIMIT_REACHED: _(
            "a user license covers at most 5 devices of one Apple ID"),
        Reason.COVERED_BY_USER_LICENSE: _("covered by its primary user's license"),
        Reason.MIGRATED_FROM_USER_LICENSE: _(
            "the user license becomes a device license, silently"),
        Reason.DEVICE_LICENSE_KEPT: _(
            "a device license never becomes a user license: the device keeps it"),
        Reason.NOT_LICENSED: _("holds no license for this item"),
        Reason.BOOK_IRREVOCABLE: _("book licenses cannot be reclaimed"),
        Reason.NOT_REVOCABLE: _("Apple marks this item as not revocable"),
        Reason.KEPT_UNTIL_UNINSTALL: _(
            "kept until the assignment is set to Uninstall (reclaim on removal is off)"),
        Reason.STILL_ASSIGNED: _("still covered by another assignment"),
        Reason.LEFT_COMPANY: _("the user left the company"),
        Reason.LEFT_ASSIGNED_GROUPS: _("the member left every assigned group"),
        Reason.REMOVED_FROM_MANAGEMENT: _(
            "removed from management: the license is kept, not reclaimed"),
        Reason.MACOS_APP_STAYS: _(
            "macOS: the app keeps working but cannot update; Apple removes it after 30 days"),
        Reason.APP_STAYS_UNTIL_UNINSTALL: _(
            "the app stays on the device until an Uninstall assignment removes it"),
    }


def describe_reason(reason: Reason) -> str:
    return _reason_texts()[reason]


def _warning_texts() -> dict[WarningCode, str]:
    return {
        WarningCode.USER_LICENSE_ON_KIOSK: _(
            "user licensing on kiosk devices is not recommended: use device licensing"),
        WarningCode.USER_LICENSE_APP_STORE_BLOCKED: _(
            "user licensing breaks where the App Store is blocked: the VPP invitation "
            "needs the App Store; use device licensing"),
        WarningCode.DEVICE_LICENSE_NOT_ASSIGNABLE: _(
            "device licensing needs a device-assignable app"),
        WarningCode.UNINSTALL_ON_MACOS: _(
            "Uninstall on macOS only reclaims the license: the app keeps working, cannot "
            "update, and Apple removes it after 30 days"),
        WarningCode.MACOS_RECLAIM_ONLY: _(
            "on macOS the license is reclaimed but the app stays: it keeps working, cannot "
            "update, and Apple removes it after 30 days"),
        WarningCode.REVOKE_KEEPS_APP: _(
            "revoking reclaims the license only: set the assignment to Uninstall to remove "
            "the app from iOS/iPadOS devices"),
        WarningCode.OVER_SUBSCRIBED: _(
            "more members than licenses: the first ones in the order shown get a license, "
            "the rest wait"),
        WarningCode.BOOKS_IRREVOCABLE: _(
            "book licenses cannot be reclaimed once assigned"),
        WarningCode.BOOKS_SKIPPED: _("book licenses are never revoked: books were skipped"),
        WarningCode.MORE_THAN_FIVE_DEVICES: _(
            "a user license covers at most 5 devices of one Apple ID"),
        WarningCode.USER_ENROLLMENT_NEEDS_MANAGED_APPLE_ID: _(
            "User Enrollment devices need the user's Managed Apple ID for user licensing"),
        WarningCode.USER_TO_DEVICE_MIGRATION: _(
            "user licenses become device licenses silently on these devices"),
        WarningCode.REMOVED_FROM_MANAGEMENT: _(
            "devices removed from management keep their licenses: revoke them explicitly"),
        WarningCode.KEPT_UNTIL_UNINSTALL: _(
            "reclaim on removal is off: licenses stay until the assignment is set to "
            "Uninstall"),
        WarningCode.STILL_INTENDED: _(
            "still in an assigned group: without a license until the assignment is "
            "applied again (vpp-tui assign ITEM --group GROUP)"),
    }


def describe_warning(code: WarningCode, count: int = 0) -> str:
    text = _warning_texts()[code]
    return f"{text} ({count})" if count else text


def describe_removal_rule(rule: RemovalRule, item: Item | None = None) -> str:
    """What removing an assignment does to its licenses under `rule`. A book's licenses
    are never reclaimed, whatever the rule (design.md "Apps and books": a book license
    cannot be reclaimed once assigned): they stay with the users."""
    if item is not None and item.is_book:
        return _("removing the assignment keeps the book licenses with the users: Apple "
                 "never reclaims a book license")
    if rule is RemovalRule.RECLAIM:
        return _(
            "removing the assignment reclaims licenses: iOS/iPadOS also uninstall the app, "
            "macOS keeps it")
    return _("removing the assignment keeps licenses until it is set to Uninstall")


def plan_to_dict(plan: Plan) -> dict[str, object]:
    """The `assign`/`unassign`/`revoke --json` document (cli.md), plus review extras.

    `reason` is the stable snake_case code scripts can match; `reason_text` the sentence.
    """
    texts = _reason_texts()  # once per plan, not once per member
    members = [
        {"member": m.member, "kind": str(m.kind), "outcome": str(m.outcome),
         "reason": str(m.reason) if m.reason else None,
         "reason_text": texts[m.reason] if m.reason else None,
         "licenses": m.licenses, "uninstall": m.uninstall, "item": m.item}
        for m in plan.members
    ]
    return {
        "action": str(plan.action),
        "allowed": plan.allowed,
        "refusals": [{"reason": str(r), "reason_text": texts[r]} for r in plan.refusals],
        "licensed": plan.licensed,
        "failed": plan.failed,
        "reclaimed": plan.reclaimed,
        "already_licensed": plan.already_licensed,
        "skipped": plan.skipped,
        "licenses_total": plan.licenses_total,
        "licenses_before": plan.licenses_before,
        "licenses_after": plan.licenses_after,
        "consumed": plan.consumed,
        "freed": plan.freed,
        "order": plan.order,
        "removal_rule": str(plan.removal_rule),
        "removal_rule_text": describe_removal_rule(plan.removal_rule, plan.item),
        "irreversible": list(plan.irreversible),
        "warnings": [{"code": str(w.code), "message": w.message, "members": list(w.members)}
                     for w in plan.warnings],
        "apple_requests": len(plan.operations),
        "members": members,
    }
