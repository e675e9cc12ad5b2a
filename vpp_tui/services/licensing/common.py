"""What the license use cases share: the item under one token, parsing, refusing, reclaiming."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from vpp_tui.domain.licensing import Item, Plan, Settings, User, describe_reason
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _, for_store, stored
from vpp_tui.services import audit
from vpp_tui.services.catalog import AssetView
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.services.licensing.apply import send_ops, settle, targets_for
from vpp_tui.services.licensing.facts import AppleIds, apple_ids, to_item
from vpp_tui.services.licensing.rows import Rows, write_outcomes
from vpp_tui.services.licensing.txn import apply_counts, fetch_counts, write_briefly, write_notes
from vpp_tui.services.licensing.views import LicenseResult
from vpp_tui.services.settings import get_setting
from vpp_tui.store import models as m


def parse_enum(kind: type, value: Any, what: str) -> Any:
    if value is None or isinstance(value, kind):
        return value
    try:
        return kind(str(value).lower())
    except ValueError:
        raise InvalidInput(_("unknown {what} {value}; use one of {all}").format(
            what=what, value=quote(value), all=", ".join(k.value for k in kind))) from None


@dataclass
class Target:
    """One asset under one token, with its rows and the token's Apple identities."""

    view: AssetView
    asset: m.Asset
    item: Item
    ids: AppleIds

    @property
    def label(self) -> str:
        return f"{self.view.name} ({self.view.token})"


def load_target(session: Session, view: AssetView,
                known: dict[int, AppleIds] | None = None) -> Target:
    """The asset of `view` with its token's Apple identities; raises NotFound when the
    asset is gone. `known`: identities already read in this session, by token id (a plan
    over many items reads each token's once); filled with what is read here."""
    asset = session.get(m.Asset, view.id)
    if asset is None:
        raise NotFound(_("the item is gone; sync the token again"))
    ids = known.get(asset.token_id) if known is not None else None
    if ids is None:
        ids = apple_ids(session, asset.token_id)
        if known is not None:
            known[asset.token_id] = ids
    return Target(view, asset, to_item(asset), ids)


def removal_settings(ctx: ServiceContext) -> Settings:
    return Settings(reclaim_on_removal=bool(get_setting(ctx, "reclaim_on_removal")))


def refusal_text(plan: Plan) -> str:
    return "; ".join(describe_reason(r) for r in plan.refusals)


def refuse(ctx: ServiceContext, action: str, target: str, plan: Plan) -> None:
    text = refusal_text(plan)
    audit.record_failure(ctx, action, target, stored(refusal_text, plan))  # shared: English
    error = InvalidInput(text)
    error.audited = True  # not again where it is reported (cli/refusals.py)
    raise error


def reclaim(ctx: ServiceContext, client: Any, t: Target, plan: Plan,
            users: dict[str, User], label: str, action: str, group: str | None,
            assignment_id: int | None, *, remove: bool = False) -> LicenseResult:
    """Send a plan's disassociations and record the reclaims Apple confirmed.

    Call it with no session open (the plan's transaction committed): Apple is told first,
    then one short transaction re-reads the license rows and writes what Apple confirmed,
    the counts, and the audit entries; with `remove` it also deletes assignment
    `assignment_id` (if still there). The licenses freed go to the waitlist afterwards
    (`licensing.waitlist.serve_asset`, then `with_served`).
    """
    sent = send_ops(ctx, client, plan.operations, label, t.asset.token_id)
    targets = targets_for(users)
    shown = [settle(r, targets(r), sent) for r in plan.members]
    freed = sum(r.licenses for r, o in zip(plan.members, shown, strict=True)
                if o.outcome == "reclaimed")
    counts = fetch_counts(client, t.asset, sent.held)
    asset_id = t.asset.id or 0
    result = LicenseResult(action, t.view.name, t.view.token, group, tuple(shown),
                           tuple(sent.events), tuple(w.message for w in plan.warnings),
                           error=sent.error, batches=sent.batches,
                           cancelled=sent.cancelled)

    def write(session: Session) -> LicenseResult:
        write_notes(session, ctx, sent.notes)
        rows = Rows(session, asset_id, apple_ids(session, t.asset.token_id))
        write_outcomes(rows, shown, ctx.clock.now())
        if assignment_id is not None:
            rows.drop_waiting(assignment_id)
            row = session.get(m.Assignment, assignment_id) if remove else None
            if row is not None:
                session.delete(row)
        with for_store():  # the store is shared: English
            audit.record(session, ctx, f"assignment.{'delete' if remove else action}", label,
                         result="ok" if sent.error is None else "partial",
                         detail=_("{r} reclaimed, {f} failed").format(r=result.reclaimed,
                                                                     f=result.failed))
        asset = session.get(m.Asset, asset_id)
        if asset is None:  # the item is gone meanwhile: nothing to count
            return result
        apply_counts(asset, counts, -freed)
        session.add(asset)
        return replace(result, licenses_total=asset.total, licenses_used=asset.assigned)

    written = write_briefly(ctx, write)
    sent.held.reraise()  # a Ctrl-C once Apple's answers are recorded
    return written
