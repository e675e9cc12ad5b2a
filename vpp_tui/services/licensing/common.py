"""What the license use cases share: the item under one token, parsing, refusing, reclaiming."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from vpp_tui.domain.licensing import Item, Plan, Settings, User, describe_reason
from vpp_tui.i18n import _
from vpp_tui.services import audit
from vpp_tui.services.catalog import AssetView
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.services.licensing.apply import refresh_counts, send_ops, settle, targets_for
from vpp_tui.services.licensing.facts import AppleIds, apple_ids, to_item
from vpp_tui.services.licensing.rows import Rows, write_outcomes
from vpp_tui.services.licensing.views import LicenseResult
from vpp_tui.services.settings import get_setting
from vpp_tui.store import models as m


def parse_enum(kind: type, value: Any, what: str) -> Any:
    if value is None or isinstance(value, kind):
        return value
    try:
        return kind(str(value).lower())
    except ValueError:
        raise InvalidInput(_("unknown {what} {value!r}; use one of {all}").format(
            what=what, value=value, all=", ".join(k.value for k in kind))) from None


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


def load_target(session: Session, view: AssetView) -> Target:
    asset = session.get(m.Asset, view.id)
    if asset is None:
        raise NotFound(_("the item is gone; sync the token again"))
    return Target(view, asset, to_item(asset), apple_ids(session, asset.token_id))


def removal_settings(ctx: ServiceContext) -> Settings:
    return Settings(reclaim_on_removal=bool(get_setting(ctx, "reclaim_on_removal")))


def refusal_text(plan: Plan) -> str:
    return "; ".join(describe_reason(r) for r in plan.refusals)


def refuse(ctx: ServiceContext, action: str, target: str, plan: Plan) -> None:
    text = refusal_text(plan)
    audit.record_failure(ctx, action, target, text)
    raise InvalidInput(text)



def reclaim(session: Session, ctx: ServiceContext, client: Any, t: Target, plan: Plan,
             users: dict[str, User], label: str, action: str, group: str | None,
            assignment: m.Assignment | None, *, remove: bool = False) -> LicenseResult:
    """Send a plan's disassociations and record the reclaims Apple confirmed.

    The licenses freed go to the waitlist once the caller's transaction is committed
    (`licensing.waitlist.serve_asset`, then `with_served`).
    """
    sent = send_ops(session, ctx, client, plan.operations, label)
    targets = targets_for(users)
    shown = [settle(r, targets(r), sent) for r in plan.members]
    rows = Rows(session, t.asset.id or 0, t.ids)
    write_outcomes(rows, shown, ctx.clock.now())
    if assignment is not None:
        rows.drop_waiting(assignment.id or 0)
        if remove:
            session.delete(assignment)
    freed = sum(r.licenses for r, o in zip(plan.members, shown, strict=True)
                if o.outcome == "reclaimed")
    refresh_counts(client, t.asset, -freed)
    session.add(t.asset)
    result = LicenseResult(action, t.view.name, t.view.token, group, tuple(shown),
                           tuple(sent.events), tuple(w.message for w in plan.warnings),
                           t.asset.total, t.asset.assigned, (), sent.error)
    audit.record(session, ctx, f"assignment.{'delete' if remove else action}", label,
                 result="ok" if sent.error is None else "partial",
                 detail=_("{r} reclaimed, {f} failed").format(r=result.reclaimed,
                                                             f=result.failed))
    return result
