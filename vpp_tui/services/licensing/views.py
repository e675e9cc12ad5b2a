"""Plain data the license use cases return: previews, applied results, license reports.

The JSON forms keep cli.md's fixed fields (`licensed`, `failed`, `reclaimed`, `members`
with `member`, `kind`, `outcome`, `reason`; `licenses`: `total`, `used`, `available`,
`holders`, `failures`) and add review extras.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vpp_tui.domain.licensing import Plan, describe_removal_rule, plan_to_dict
from vpp_tui.domain.prompts import PromptResult


@dataclass(frozen=True)
class PromptGroup:
    prompts: PromptResult
    devices: int


@dataclass(frozen=True)
class LicensePreview:
    """What an assignment, unassignment or revoke will do; nothing is written."""

    plan: Plan
    item: str | None
    adam_id: str | None
    token: str | None
    group: str | None = None
    target: str | None = None  # the user or serial of a revoke by user or device
    prompts: tuple[PromptGroup, ...] = ()
    registrations: int = 0  # users to register with Apple first (users/create)

    @property
    def allowed(self) -> bool:
        return self.plan.allowed

    @property
    def apple_requests(self) -> int:
        return len(self.plan.operations) + (1 if self.registrations else 0)

    @property
    def order(self) -> str:
        return self.plan.order

    @property
    def licenses_before(self) -> int:
        return self.plan.licenses_before

    @property
    def licenses_after(self) -> int:
        return self.plan.licenses_after

    @property
    def licenses_total(self) -> int | None:
        return self.plan.licenses_total

    @property
    def removal_rule_text(self) -> str:
        return describe_removal_rule(self.plan.removal_rule, self.plan.item)

    def as_json(self) -> dict[str, Any]:
        doc = plan_to_dict(self.plan)
        doc.update({
            "dry_run": True, "item": self.item, "adam_id": self.adam_id, "token": self.token,
            "group": self.group, "target": self.target,
            "intent": str(self.plan.intent) if self.plan.intent else None,
            "license_type": str(self.plan.license_type) if self.plan.license_type else None,
            "apple_requests": self.apple_requests, "registrations": self.registrations,
            "prompts": [{**g.prompts.as_dict(), "devices": g.devices} for g in self.prompts],
        })
        return doc


@dataclass(frozen=True)
class MemberOutcome:
    member: str
    kind: str
    outcome: str  # licensed | already_licensed | reclaimed | failed | skipped
    reason: str | None = None  # a stable code, or apple_NNNN for Apple's refusals
    reason_text: str | None = None
    item: str | None = None
    apple_event_id: str | None = None
    waitlist_position: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"member": self.member, "kind": self.kind, "outcome": self.outcome,
                "reason": self.reason, "reason_text": self.reason_text, "item": self.item,
                "apple_event_id": self.apple_event_id,
                "waitlist_position": self.waitlist_position}


@dataclass(frozen=True)
class EventSummary:
    event_id: str
    kind: str
    status: str | None
    requested: int
    failed: int


@dataclass(frozen=True)
class LicenseResult:
    """What was done, member by member, and what Apple answered."""

    action: str
    item: str | None
    token: str | None
    group: str | None
    members: tuple[MemberOutcome, ...]
    events: tuple[EventSummary, ...] = ()
    warnings: tuple[str, ...] = ()
    licenses_total: int | None = None
    licenses_used: int | None = None
    admitted: tuple[str, ...] = ()  # waitlisted members licensed by the licenses freed
    error: str | None = None  # Apple stopped the work part-way; the rest was not sent
    target: str | None = None
    batches: tuple[int, int] = (0, 0)  # (posted to Apple and recorded, planned)
    cancelled: bool = False  # a cancel stopped it at a safe point: the rest not sent

    def _count(self, outcome: str) -> int:
        return sum(1 for m in self.members if m.outcome == outcome)

    @property
    def licensed(self) -> int:
        return self._count("licensed")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def reclaimed(self) -> int:
        return self._count("reclaimed")

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action, "dry_run": False, "item": self.item, "token": self.token,
            "group": self.group, "target": self.target,
            "licensed": self.licensed, "failed": self.failed, "reclaimed": self.reclaimed,
            "already_licensed": self._count("already_licensed"),
            "skipped": self._count("skipped"),
            "licenses_total": self.licenses_total, "licenses_used": self.licenses_used,
            "admitted_from_waitlist": list(self.admitted), "error": self.error,
            "warnings": list(self.warnings),
            "events": [e.__dict__ for e in self.events],
            "members": [m.as_json() for m in self.members],
        }


def batches_of(results: Iterable[LicenseResult]) -> dict[str, Any]:
    """`batches` and `cancelled` of several results made one: the batches summed, cancelled
    when any was (a job cancelled part-way, `domain.jobs.cancelled_part_text`)."""
    results = list(results)
    return {"batches": (sum(r.batches[0] for r in results),
                        sum(r.batches[1] for r in results)),
            "cancelled": any(r.cancelled for r in results)}


@dataclass(frozen=True)
class Holder:
    member: str
    kind: str
    status: str
    since: datetime | None


@dataclass(frozen=True)
class Failure:
    member: str
    kind: str
    reason: str
    status: str  # failed | waitlisted
    position: int | None = None


@dataclass(frozen=True)
class LicenseReport:
    item: str
    adam_id: str
    token: str
    total: int
    used: int
    available: int
    unlimited: bool
    holders: tuple[Holder, ...] = ()
    failures: tuple[Failure, ...] = ()
    assignments: tuple[tuple[str, str, str], ...] = field(default=())  # group, intent, type
    pricing_param: str = ""  # Apple's edition (STDQ, PLUS…): two editions share an adamId

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.item, "adam_id": self.adam_id, "pricing_param": self.pricing_param,
            "token": self.token,
            "total": self.total, "used": self.used, "available": self.available,
            "unlimited": self.unlimited,
            "holders": [{"member": h.member, "kind": h.kind, "status": h.status,
                         "since": h.since.isoformat() if h.since else None}
                        for h in self.holders],
            "failures": [{"member": f.member, "kind": f.kind, "reason": f.reason,
                          "status": f.status, "waitlist_position": f.position}
                         for f in self.failures],
            "assignments": [{"group": g, "intent": i, "license_type": t}
                            for g, i, t in self.assignments],
        }

    def csv_rows(self) -> list[dict[str, Any]]:
        """One row per holder, then per failure or waiting member (`licenses --csv`, the
        details' `x`): the item's `item`, `adam_id`, `token`, `pricing_param` with the
        member's JSON fields; columns `LICENSE_ROW_FIELDS`, a field a row lacks is empty."""
        doc = self.as_json()
        head = {"item": self.item, "adam_id": self.adam_id, "token": self.token,
                "pricing_param": self.pricing_param}
        return [{**head, **member} for member in (*doc["holders"], *doc["failures"])]


#: `licenses --csv`: the item's identity, then the fields of its holders and failures
LICENSE_ROW_FIELDS = ("item", "adam_id", "token", "member", "kind", "status", "since",
                      "reason", "waitlist_position", "pricing_param")


@dataclass(frozen=True)
class WaitingMember:
    """One member in an item's waitlist; `turn` 1 is served first."""

    turn: int
    member: str
    kind: str  # user | device
    group: str | None  # the assigned group the member waits through
    since: datetime | None  # when the member started waiting (UTC)

    def as_json(self) -> dict[str, Any]:
        return {"position": self.turn, "member": self.member, "kind": self.kind,
                "group": self.group,
                "waiting_since": self.since.isoformat() if self.since else None}


@dataclass(frozen=True)
class WaitlistView:
    """The queue of one item under one token, in the order it is served."""

    item: str
    adam_id: str
    pricing_param: str
    token: str
    available: int
    unlimited: bool
    waiting: tuple[WaitingMember, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"item": self.item, "adam_id": self.adam_id,
                "pricing_param": self.pricing_param, "token": self.token,
                "available": self.available, "unlimited": self.unlimited,
                "waiting": [w.as_json() for w in self.waiting]}


#: `waitlist --csv`: the item's identity, then the fields of each waiting member
WAITLIST_ROW_FIELDS = ("item", "adam_id", "pricing_param", "token", "position", "member",
                       "kind", "group", "waiting_since")


def waitlist_rows(views: list[WaitlistView]) -> list[dict[str, Any]]:
    """One row per waiting member of every view, in serving order (`waitlist --csv`);
    columns `WAITLIST_ROW_FIELDS`."""
    return [{"item": v.item, "adam_id": v.adam_id, "pricing_param": v.pricing_param,
             "token": v.token, **w.as_json()} for v in views for w in v.waiting]


@dataclass(frozen=True)
class Served:
    """Waitlisted members an item's free licenses went to, and Apple's events."""

    item: str = ""
    token: str = ""
    admitted: tuple[str, ...] = ()
    events: tuple[EventSummary, ...] = ()
    waiting: int = 0  # still waiting afterwards
    error: str | None = None  # Apple stopped the work; the rest keeps waiting
    cancelled: bool = False  # `error` is a cancel at a safe point: nothing was asked
