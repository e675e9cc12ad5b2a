"""Reconciliation (issue 12): Apple's assignments vs the console's intent vs the directory.

`reconcile_report` lists the discrepancies of every location the admin reaches (the rule
is `domain.reconcile.reconcile`); `reconciliation_summary` counts them without building
the rows (for `vpp-tui status`); `plan_reclaim` and `apply_reclaim` (in `reclaim`) revoke
the licenses of chosen classes through the same plan and apply path as `revoke --item`
(`plan_revoke_item`, `reclaim`). The facts are read with SQLAlchemy Core (`facts`): this
package loads neither SQLModel nor the ORM nor the licensing services until a reclaim
(issue 13: `status` starts without them).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from vpp_tui.domain.reconcile import (
    RECLAIMABLE,
    Discrepancy,
    Finding,
    judged_rows,
    reconcile,
)
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.access import Permission, authorize, visible_token_names
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.services.reconcile.facts import Facts, load_facts
from vpp_tui.store import tables

CLASSES = tuple(str(d) for d in Discrepancy)
# The CSV columns of `reconcile --csv` and the console's export: the JSON row fields.
COLUMNS = ("class", "reason", "location", "token", "item", "adam_id", "pricing_param",
           "product_type", "kind", "member", "target", "also", "kept_reason",
           "still_intended_by")


@dataclass(frozen=True)
class ReconcileRow:
    """One discrepancy, as printed (`as_json`: the fields of COLUMNS)."""

    discrepancy: str
    reason: str
    location: str
    token: str
    item: str
    adam_id: str
    pricing_param: str
    product_type: str
    kind: str
    member: str
    target: str | None
    also: str | None
    license_id: int | None = None
    asset_id: int = 0
    kept_reason: str | None = None  # book_irrevocable / not_revocable: cannot be reclaimed
    still_intended_by: str | None = None  # the group that still wants the member licensed

    @property
    def kept_reason_text(self) -> str | None:
        from vpp_tui.domain.licensing import Reason, describe_reason

        return describe_reason(Reason(self.kept_reason)) if self.kept_reason else None

    def as_json(self) -> dict[str, Any]:
        return {"class": self.discrepancy, "reason": self.reason, "location": self.location,
                "token": self.token, "item": self.item, "adam_id": self.adam_id,
                "pricing_param": self.pricing_param, "product_type": self.product_type,
                "kind": self.kind, "member": self.member, "target": self.target,
                "also": self.also, "kept_reason": self.kept_reason,
                "still_intended_by": self.still_intended_by}


@dataclass(frozen=True)
class ReconcileReport:
    """Every class with its count and rows; `counts` keyed by class name (all present).
    `never_synced`: tokens in scope never synced (Apple's side unknown: zeros say
    nothing there)."""

    rows: tuple[ReconcileRow, ...]
    counts: dict[str, int] = field(default_factory=dict)
    token: str | None = None
    never_synced: tuple[str, ...] = ()

    @property
    def unreclaimable(self) -> dict[str, int]:
        """Rows per class whose license cannot be reclaimed (books, apps Apple marks not
        revocable); only classes with such rows."""
        found: dict[str, int] = {}
        for r in self.rows:
            if r.kept_reason:
                found[r.discrepancy] = found.get(r.discrepancy, 0) + 1
        return found

    @property
    def actionable(self) -> dict[str, int]:
        """`counts` less the rows nothing can be done about (`unreclaimable`): what
        `status` counts as needing attention."""
        kept = self.unreclaimable
        return {c: n - kept.get(c, 0) for c, n in self.counts.items()}

    def of(self, name: str) -> list[ReconcileRow]:
        return [r for r in self.rows if r.discrepancy == name]

    def as_json(self) -> dict[str, Any]:
        return {"token": self.token, "synced": not self.never_synced,
                "never_synced": list(self.never_synced), "counts": dict(self.counts),
                "unreclaimable": self.unreclaimable,
                "classes": [{"class": c, "count": self.counts.get(c, 0),
                             "reclaimable": Discrepancy(c) in RECLAIMABLE,
                             "rows": [r.as_json() for r in self.of(c)]} for c in CLASSES]}


def _row(f: Finding, facts: Facts) -> ReconcileRow:
    asset = facts.assets.get(f.asset_id)
    return ReconcileRow(str(f.discrepancy), str(f.why),
                        facts.location_names.get(f.key.location, f.key.location), f.token,
                        f.item.label, f.key.adam_id, f.key.pricing_param,
                        asset.product_type if asset else str(f.item.product_type),
                        str(f.kind), f.member, f.target, f.also, f.license_id, f.asset_id,
                        str(f.kept_reason) if f.kept_reason else None, f.still_intended_by)


def _scope(ctx: ServiceContext, permission: Permission, token: str | None) -> frozenset[str]:
    """The tokens looked at: every one the admin reaches, or those of `token`'s location."""
    names = visible_token_names(ctx, permission)
    if token is None:
        return names
    tk = tables.tokens.c
    with ctx.store.reading() as db:
        row = db.execute(select(tk.name, tk.location_id).where(tk.name == token)).first()
        if row is None or row.name not in names:
            raise NotFound(_("no token named {name}; see 'vpp-tui token list'").format(
                name=quote(token)))
        if not row.location_id:
            return frozenset({row.name})
        same = db.execute(select(tk.name).where(tk.location_id == row.location_id)).scalars()
        return frozenset(n for n in same if n in names)


def report_with_facts(ctx: ServiceContext, token: str | None = None,
                      permission: Permission = Permission.APPS_READ,
                      only: Collection[Discrepancy] | None = None
                      ) -> tuple[ReconcileReport, Facts]:
    """`reconcile_report` and the facts it was taken from (one short read). `only`: the
    rows and counts of these classes only (a reclaim builds just what it reclaims)."""
    from vpp_tui.services.licensing.plain import bulk_build  # not for `status`

    with bulk_build():
        authorize(ctx, permission)
        names = _scope(ctx, permission, token)
        wants_not_held = only is None or Discrepancy.INTENDED_NOT_HELD in only
        with ctx.store.reading() as db:
            facts = load_facts(db, names, not_held=wants_not_held, rows=judged_rows(only))
            never = _never_synced(db, names)
        result = reconcile(facts.held, facts.not_held, facts.intentions, facts.directory,
                           only=only)
        rows = tuple(_row(f, facts) for f in result.findings)
        return ReconcileReport(rows, dict(result.counts), token, never), facts


def _never_synced(db: Any, names: frozenset[str]) -> tuple[str, ...]:
    tk = tables.tokens.c
    return tuple(sorted(n for n in db.execute(select(tk.name).where(
        tk.last_sync_at.is_(None))).scalars() if n in names))


def reconcile_report(ctx: ServiceContext, token: str | None = None) -> ReconcileReport:
    """The discrepancies of every location the admin reads (APPS_READ), or of `token`'s
    location. Raises AccessDenied, NotFound (unknown or unreachable token). Read only."""
    return report_with_facts(ctx, token)[0]


@dataclass(frozen=True)
class ReconciliationCounts:
    """Rows per reconciliation class (`counts`: every class, 0 when none) and, per class
    with such rows, those whose license cannot be reclaimed (`unreclaimable`: books, apps
    Apple marks not revocable; `domain.reconcile.Finding.kept_reason`): what
    `ReconcileReport.counts` and `.unreclaimable` say, without the report's rows."""

    counts: dict[str, int]
    unreclaimable: dict[str, int]


def reconciliation_summary(ctx: ServiceContext) -> ReconciliationCounts:
    """The counts of `reconcile_report(ctx)` over every location the admin reads
    (APPS_READ), from the same facts and rule, without building its rows: for `vpp-tui
    status` (no ORM, no licensing service loaded). Raises AccessDenied. Read only."""
    authorize(ctx, Permission.APPS_READ)
    names = visible_token_names(ctx, Permission.APPS_READ)
    with ctx.store.reading() as db:
        facts = load_facts(db, names)
    result = reconcile(facts.held, facts.not_held, facts.intentions, facts.directory)
    kept: dict[str, int] = {}
    for finding in result.findings:
        if finding.kept_reason:
            kept[str(finding.discrepancy)] = kept.get(str(finding.discrepancy), 0) + 1
    return ReconciliationCounts(dict(result.counts), kept)


def reconciliation_counts(ctx: ServiceContext) -> dict[str, int]:
    """How many rows each class has, keyed by class name (every class, 0 when none), over
    every location the admin reads (`reconciliation_summary`). Raises AccessDenied."""
    return reconciliation_summary(ctx).counts


def parse_classes(names: list[str] | tuple[str, ...]) -> tuple[Discrepancy, ...]:
    """Class names given by the admin -> classes to reclaim. Raises InvalidInput for an
    unknown name, for a class that holds nothing (`intended_not_held`), or for none."""
    if not names:
        raise InvalidInput(_("name at least one class to reclaim: {all}").format(
            all=", ".join(str(d) for d in RECLAIMABLE)))
    found = []
    for name in names:
        try:
            cls = Discrepancy(name.strip().lower())
        except ValueError:
            raise InvalidInput(_("unknown class {name}; use one of {all}").format(
                name=quote(name), all=", ".join(str(d) for d in RECLAIMABLE))) from None
        if cls not in RECLAIMABLE:
            raise InvalidInput(_("{name} holds no license to reclaim; use one of {all}")
                               .format(name=name, all=", ".join(str(d) for d in RECLAIMABLE)))
        if cls not in found:
            found.append(cls)
    return tuple(found)


__all__ = ["CLASSES", "COLUMNS", "RECLAIMABLE", "ReconcileReport", "ReconcileRow",
           "ReconciliationCounts", "parse_classes", "reconcile_report", "reconciliation_counts",
           "reconciliation_summary", "report_with_facts"]
