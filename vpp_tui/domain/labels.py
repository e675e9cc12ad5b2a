"""How stored values read to a person: the one label per token state, sync status and
member outcome, for the console and the CLI's human output alike.

JSON keeps the values themselves (`expiring_soon`, `already_licensed`, …): they are the
contract scripts match (docs/cli.md "JSON fields"). A label is for reading only; an
unknown value reads as itself. Pure: no I/O.
"""

from __future__ import annotations

from vpp_tui.i18n import _, shown


def token_state_label(state: str) -> str:
    """`valid | expiring_soon | expired | invalid | duplicate | assigned_to_external_mdm`
    (domain.tokens.TokenState) as a person reads it."""
    return {
        "valid": _("valid"), "expiring_soon": _("expiring"), "expired": _("expired"),
        "invalid": _("invalid"), "duplicate": _("duplicate"),
        "assigned_to_external_mdm": _("external MDM"),
    }.get(state, state)


def job_state_label(state: str) -> str:
    """A worker job's state (domain.jobs: `queued`, `running`, `done`, `failed`,
    `cancelled`) as a person reads it; the stored value stays English."""
    return {
        "queued": _("queued"), "running": _("running"), "done": _("done"),
        "failed": _("failed"), "cancelled": _("cancelled"),
    }.get(state, state)


def job_kind_label(kind: str) -> str:
    """A worker job's kind (domain.jobs.KINDS: `sync`, `assign`, `unassign`, `revoke`,
    `reconcile`) as a person reads it; the stored value (and `--json`) stays English."""
    return {
        "sync": _("sync"), "assign": _("assign"), "unassign": _("unassign"),
        "revoke": _("revoke"), "reconcile": _("reconcile"),
    }.get(kind, kind)


def sync_status_label(status: str) -> str:
    """A token's last sync status or a sync run's status (domain.outcomes: `none`,
    `in_progress`, `completed`, `failed`, `interrupted`, `skipped`)."""
    return {
        "none": _("never"), "in_progress": _("in progress"), "completed": _("completed"),
        "failed": _("failed"), "interrupted": _("interrupted"), "skipped": _("skipped"),
    }.get(status, status)


def outcome_label(outcome: str) -> str:
    """A member's outcome in a license plan or result (domain.licensing.Outcome)."""
    return {
        "licensed": _("licensed"), "already_licensed": _("already licensed"),
        "reclaimed": _("reclaimed"), "failed": _("failed"), "skipped": _("skipped"),
    }.get(outcome, outcome)


def owner_label(name: str | None, metadata: str | None) -> str:
    """Which other MDM holds a location: its `mdmInfo.name` and, when Apple gave it, its
    `metadata` (apple-api.md §7.1), so two installations of one product (two `vpp-tui`)
    read apart: "vpp-tui (vpp-tui installation 3f2a9c1d)"."""
    owner = shown(name) or _("another MDM")  # stored as "another MDM" when Apple gave none
    meta = (metadata or "").strip()
    return f"{owner} ({meta})" if meta and meta != owner else owner


def member_kind_label(kind: str) -> str:
    """Who holds or gets a license (domain.licensing `MemberKind`: `user`, `device`;
    and `group` in the directory) as a person reads it: "User", "Device", "Group";
    unknown values read as themselves. The stored and JSON values stay English."""
    return {"user": _("User"), "device": _("Device"), "group": _("Group")}.get(kind, kind)


def edition_label(pricing_param: str | None) -> str:
    """An item's edition from Apple's `pricingParam` (apple-api.md "pricingParam"): `STDQ`
    is the standard edition, `PLUS` the edition with extras (books sold in both are two
    assets with one adamId). None reads as Apple's default, STDQ."""
    value = (pricing_param or "STDQ").upper()
    return {"STDQ": _("Standard"), "PLUS": _("Plus (extras)")}.get(value, value)


# What Apple sends as the total of an app with unlimited licenses (apple-api.md: a 32-bit
# maximum; `services.catalog.UNLIMITED` keeps it in the store).
UNLIMITED_TOTAL = 2147483647


def license_total_label(total: int) -> str:
    """A license pool's total for a person: "unlimited" for UNLIMITED_TOTAL (or more),
    else the number: "used 3 of unlimited", never "of 2147483647"."""
    return _("unlimited") if total >= UNLIMITED_TOTAL else str(total)


def intent_label(intent: str | None) -> str:
    """An assignment intent as the console names it: "required" -> "Required" (fr
    "Requis", zh "必需"), as Intune's localised articles do; unknown values read as
    themselves."""
    labels = {"required": _("Required"), "available": _("Available"),
              "uninstall": _("Uninstall")}
    return labels.get(intent or "", intent or "—")


def license_type_label(license_type: str | None) -> str:
    """A license type as the console names it: "device" -> "device" (fr "appareil",
    zh "设备"); unknown values read as themselves."""
    labels = {"device": _("device"), "user": _("user")}
    return labels.get(license_type or "", license_type or "—")
