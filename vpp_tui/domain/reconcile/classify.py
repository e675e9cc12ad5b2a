"""Apple's assignments against the console's intent and the directory, per location.

Rule (issue 12 "Reconciliation"; design.md "Beyond the sources"): every license Apple
holds (as of the last sync) is put in at most one of the holder classes, first match wins:
1. `foreign_client_user`: a clientUserId this installation did not create and no
   directory user stands for (another MDM or a previous installation, apple-api.md §2.9,
   §7.1); a clientUserId another MDM made for a person of the directory is that person's
   (the console adopted it) and is judged as theirs;
2. `departed_user`: the Apple user is retired (apple-api.md §2.10), the directory user is
   inactive, or a person the console knew is gone from the directory (design.md
   "Licensing": licenses are reclaimed when a user leaves the company);
3. `unmanaged_device`: the serial is not in the directory or not managed any more
   (design.md: such licenses are not reclaimed by themselves; the admin may choose to);
4. `held_not_intended`: the item has assignments and none of them licenses the holder
   (the licensing rule `plan_assignment` decides who they license), or the console gave
   the license and no assignment of the item is left ("keep licenses" on removal).
`duplicate_license` is judged on its own: one person or serial holding the same adamId
twice at a location (two pricingParams, or rows under two tokens with different Apple
keys); the holding an assignment wants, else the console's, else STDQ, else the oldest
row is kept, the others are listed. `intended_not_held`: members an assignment licenses
(per `plan_assignment` with no shortage of licenses) who hold nothing: failed,
waitlisted, or never sent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from vpp_tui.domain.licensing import Holdings, Outcome, Pool, Reason, plan_assignment
from vpp_tui.domain.licensing.model import GroupKind, Intent, MemberKind
from vpp_tui.domain.reconcile.model import (
    Directory,
    Discrepancy,
    Finding,
    HeldRow,
    Intention,
    ItemKey,
    NotHeld,
    Why,
)

# A pool no assignment can exhaust: intent is who should hold, not who can this minute.
_PLENTY = Pool(total=2**31 - 1)
Member = tuple[MemberKind, str]


@dataclass(frozen=True)
class Reconciliation:
    """Every finding, in class order then location, item, member; `counts` by class
    value (every class present, 0 when none)."""

    findings: tuple[Finding, ...]
    counts: dict[str, int] = field(default_factory=dict)

    def of(self, discrepancy: Discrepancy) -> list[Finding]:
        return [f for f in self.findings if f.discrepancy is discrepancy]


def _fold(member: str) -> str:
    return member.casefold()


def intended_members(intentions: Iterable[Intention],
                     holdings: dict[ItemKey, Holdings]) -> dict[ItemKey, dict[Member, Intention]]:
    """Per item at a location, every member an assignment (not Uninstall) licenses, with
    the assignment: the licensing rule's answer (`plan_assignment`) with licenses to
    spare. A user whose devices keep device licenses keeps those devices wanted."""
    wanted: dict[ItemKey, dict[Member, Intention]] = {}
    for it in intentions:
        found = wanted.setdefault(it.key, {})
        if it.intent is Intent.UNINSTALL:
            continue
        plan = plan_assignment(it.item, it.group, it.intent, it.license_type,
                               pool=_PLENTY, holdings=holdings.get(it.key, Holdings()))
        devices_of = {u.upn: u.devices for u in it.group.users}
        if it.group.kind is GroupKind.DEVICE:
            for d in it.group.devices:
                if d.primary_user:
                    devices_of.setdefault(d.primary_user, ())
        for result in plan.members:
            if result.outcome in (Outcome.LICENSED, Outcome.ALREADY_LICENSED):
                found.setdefault((result.kind, _fold(result.member)), it)
            elif result.reason is Reason.DEVICE_LICENSE_KEPT:
                for d in devices_of.get(result.member, ()):
                    found.setdefault((MemberKind.DEVICE, _fold(d.serial)), it)
    return wanted


def holdings_by_item(held: Iterable[HeldRow]) -> dict[ItemKey, Holdings]:
    """Who holds each item at its location (persons and serials), the licensing input."""
    users: dict[ItemKey, set[str]] = {}
    devices: dict[ItemKey, set[str]] = {}
    for row in held:
        side = users if row.kind is MemberKind.USER else devices
        side.setdefault(row.key, set()).add(row.member)
    return {k: Holdings(users=frozenset(users.get(k, ())), devices=frozenset(devices.get(k, ())))
            for k in users.keys() | devices.keys()}


def _holder_class(row: HeldRow, directory: Directory,
                  wanted: dict[ItemKey, dict[Member, Intention]]) -> tuple[Discrepancy, Why] | None:
    if row.kind is MemberKind.USER:
        active = directory.users.get(_fold(row.member))
        if active is None and not row.created_here and not row.from_console:
            return Discrepancy.FOREIGN_CLIENT_USER, Why.OTHER_MDM
        if row.apple_user_status == "Retired":
            return Discrepancy.DEPARTED_USER, Why.APPLE_USER_RETIRED
        if active is False:
            return Discrepancy.DEPARTED_USER, Why.INACTIVE
        if active is None:
            return Discrepancy.DEPARTED_USER, Why.NOT_IN_DIRECTORY
    else:
        managed = directory.devices.get(row.member)
        if managed is None:
            return Discrepancy.UNMANAGED_DEVICE, Why.NOT_IN_DIRECTORY
        if not managed:
            return Discrepancy.UNMANAGED_DEVICE, Why.NOT_MANAGED
    members = wanted.get(row.key)
    if members is None:
        if row.from_console:
            return Discrepancy.HELD_NOT_INTENDED, Why.ASSIGNMENT_REMOVED
        return None
    if (row.kind, _fold(row.member)) in members:
        return None
    why = Why.LEFT_ASSIGNED_GROUPS if row.via_assignment else Why.NOT_ASSIGNED
    return Discrepancy.HELD_NOT_INTENDED, why


def _finding(row: HeldRow, discrepancy: Discrepancy, why: Why, also: str | None = None,
             wanted_by: str | None = None) -> Finding:
    return Finding(discrepancy, why, row.asset_id, row.token, row.key, row.item, row.kind,
                   row.member, row.target, row.license_id, also, wanted_by)


def _wanted_by(row: HeldRow, wanted: dict[ItemKey, dict[Member, Intention]]) -> str | None:
    """The group whose assignment still licenses this holder (a person whose retired
    Apple user holds the license is still wanted under their current one): reclaiming
    the row leaves them unlicensed until that assignment is applied again."""
    it = wanted.get(row.key, {}).get((row.kind, _fold(row.member)))
    return it.group.name if it is not None else None


def _duplicates(held: Sequence[HeldRow],
                wanted: dict[ItemKey, dict[Member, Intention]]) -> list[Finding]:
    groups: dict[tuple[str, str, MemberKind, str], list[HeldRow]] = {}
    for row in held:
        groups.setdefault((row.key.location, row.key.adam_id, row.kind, _fold(row.member)),
                          []).append(row)
    found: list[Finding] = []
    for rows in groups.values():
        if len(rows) < 2:  # one holding: nothing doubled (and no set built per holder)
            continue
        distinct = {(r.key.pricing_param, r.target) for r in rows}
        if len(distinct) < 2:
            continue

        def rank(r: HeldRow) -> tuple:
            intended = (r.kind, _fold(r.member)) in wanted.get(r.key, {})
            return (not intended, not r.created_here, r.key.pricing_param != "STDQ",
                    r.license_id)

        ordered = sorted(rows, key=rank)
        keep = ordered[0]
        seen = {(keep.key.pricing_param, keep.target)}
        for row in ordered[1:]:
            if (row.key.pricing_param, row.target) in seen:
                continue
            seen.add((row.key.pricing_param, row.target))
            found.append(_finding(row, Discrepancy.DUPLICATE_LICENSE, Why.ALSO_HELD,
                                  f"{keep.key.pricing_param} ({keep.token})"))
    return found


def _not_held(not_held: Iterable[NotHeld], held: Iterable[HeldRow],
              wanted: dict[ItemKey, dict[Member, Intention]]) -> list[Finding]:
    holding = {(r.key, r.kind, _fold(r.member)) for r in held}
    rows = {(r.key, r.kind, _fold(r.member)): r for r in not_held}
    spelled: dict[tuple[int, MemberKind], dict[str, str]] = {}  # per group, built once
    found = []
    for key, members in wanted.items():
        for (kind, folded), it in members.items():
            if (key, kind, folded) in holding:
                continue
            row = rows.get((key, kind, folded))
            why = (Why.WAITLISTED if row and row.status == "waitlisted" else
                   Why.FAILED if row and row.status == "failed" else Why.NEVER_SENT)
            member = row.member if row else _shown(it, kind, folded, spelled)
            found.append(Finding(Discrepancy.INTENDED_NOT_HELD, why, it.asset_id, it.token,
                                 key, it.item, kind, member, None,
                                 row.license_id if row else None))
    return found


def _shown(it: Intention, kind: MemberKind, folded: str,
           spelled: dict[tuple[int, MemberKind], dict[str, str]]) -> str:
    """The member as the directory spells it (the group's first spelling). `spelled`:
    each group's folded names, built once (a scan of the group per member made a
    100k-member assignment never sent quadratic: issue 13)."""
    names = spelled.get((id(it.group), kind))
    if names is None:
        listed = ([d.serial for d in it.group.devices]
                  + [d.serial for u in it.group.users for d in u.devices]
                  if kind is MemberKind.DEVICE else [u.upn for u in it.group.users])
        names = {}
        for n in listed:
            names.setdefault(_fold(n), n)
        spelled[(id(it.group), kind)] = names
    return names.get(folded, folded)


def reconcile(held: Sequence[HeldRow], not_held: Sequence[NotHeld],
              intentions: Sequence[Intention], directory: Directory,
              only: Collection[Discrepancy] | None = None) -> Reconciliation:
    """Classify every discrepancy of the locations given (see the module docstring).

    `held`: the licenses Apple holds; `not_held`: failed or waitlisted rows;
    `intentions`: the console's assignments with their groups' current members.
    `only`: just these classes (a reclaim of one class need not judge duplicates or
    list who holds nothing: issue 13); the findings are those of the full answer in
    these classes, and `counts` has these classes only. Linear in rows plus the
    assignment plans; pure.
    """
    chosen = frozenset(Discrepancy) if only is None else frozenset(only)
    wanted = intended_members(intentions, holdings_by_item(held))
    found: list[Finding] = []
    if chosen & _HOLDER_CLASSES:  # every row judged: the first class that matches wins
        for row in held:
            judged = _holder_class(row, directory, wanted)
            if judged is not None and judged[0] in chosen:
                found.append(_finding(row, *judged, wanted_by=_wanted_by(row, wanted)))
    if Discrepancy.DUPLICATE_LICENSE in chosen:
        found += _duplicates(held, wanted)
    if Discrepancy.INTENDED_NOT_HELD in chosen:
        found += _not_held(not_held, held, wanted)
    order = {d: i for i, d in enumerate(Discrepancy)}
    found.sort(key=lambda f: (order[f.discrepancy], f.key.location, f.item.label.casefold(),
                              f.key.adam_id, f.key.pricing_param, f.member.casefold(),
                              f.token))
    counts = {str(d): 0 for d in Discrepancy if d in chosen}
    for f in found:
        counts[str(f.discrepancy)] += 1
    return Reconciliation(tuple(found), counts)


def judged_rows(only: Collection[Discrepancy] | None) -> str:
    """Which held rows `reconcile(..., only=only)` needs, so a store reads no more:
    "every" held row, or "intended_or_console" (asked for `held_not_intended` alone: a
    row is in that class only when its item has assignments at its location or the
    console gave it, see `_holder_class`; any other row gives no finding of it, and
    `holdings_by_item` feeds the plans of assigned items only). The findings are the
    same either way (issue 13: a reclaim of that class judged all 100k rows).
    Source: issue 12 "Reconciliation", rule 4."""
    if only is not None and frozenset(only) <= {Discrepancy.HELD_NOT_INTENDED}:
        return "intended_or_console"
    return "every"


# The classes `_holder_class` gives (one per held row, first match wins).
_HOLDER_CLASSES = frozenset({Discrepancy.FOREIGN_CLIENT_USER, Discrepancy.DEPARTED_USER,
                             Discrepancy.UNMANAGED_DEVICE, Discrepancy.HELD_NOT_INTENDED})
