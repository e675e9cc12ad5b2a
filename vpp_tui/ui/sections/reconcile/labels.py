"""What each reconciliation class is called and means in the console."""

from __future__ import annotations

from vpp_tui.i18n import _


def class_label(name: str) -> str:
    """A class's short title (the JSON name stays as it is in the CLI)."""
    return {
        "unmanaged_device": _("Unmanaged devices"),
        "departed_user": _("Departed users"),
        "foreign_client_user": _("Other MDM's users"),
        "duplicate_license": _("Duplicates"),
        "intended_not_held": _("Intended, not held"),
        "held_not_intended": _("Held, not intended"),
    }.get(name, name)


def class_help(name: str) -> str:
    """One sentence: which licenses are in the class."""
    return {
        "unmanaged_device": _("a serial not in the directory or no longer managed"),
        "departed_user": _("inactive or gone from the directory, or retired at Apple"),
        "foreign_client_user": _("an Apple user another MDM or installation created"),
        "duplicate_license": _("the same person or serial holding an app twice"),
        "intended_not_held": _("an assignment wants it: failed, waitlisted, never sent"),
        "held_not_intended": _("held, but no assignment of the item wants it"),
    }.get(name, "")


def reason_label(code: str) -> str:
    return {
        "not_in_directory": _("not in the directory"),
        "not_managed": _("no longer managed"),
        "inactive_in_directory": _("inactive in the directory"),
        "apple_user_retired": _("retired at Apple"),
        "created_by_another_mdm": _("made by another MDM"),
        "also_held": _("also held"),
        "failed": _("failed"),
        "waitlisted": _("waitlisted"),
        "never_sent": _("never sent"),
        "left_assigned_groups": _("left the assigned groups"),
        "not_assigned": _("not in an assigned group"),
        "assignment_removed": _("assignment removed"),
    }.get(code, code)
