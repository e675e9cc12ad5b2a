"""Revoke every license a token's location handed out: "revoke all, then delete".

Once a token is deleted its licenses can no longer be revoked from here, so this runs first
when the admin asks for it. Apple's revoke takes targets, not items, and removes every
revocable assignment of each target; books stay with their users (irrevocable).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import col, select

from vpp_tui.i18n import _
from vpp_tui.services import audit, leases, ownership
from vpp_tui.services.apple_link import apple_failure_text
from vpp_tui.services.errors import ServiceError
from vpp_tui.store import models as m


def revoke_targets(ctx, name: str) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """(clientUserIds, serials) holding a revocable license of token `name`: what
    `revoke_all_of_token` sends to Apple. Store only."""
    with ctx.store.session() as session:
        rows = session.exec(
            select(m.License.client_user_id, m.License.serial, m.License.kind)
            .join(m.Asset, col(m.Asset.id) == col(m.License.asset_id))
            .join(m.Token, col(m.Token.id) == col(m.Asset.token_id))
            .where(m.Token.name == name, m.License.status == "licensed",
                   m.Asset.revocable).distinct()).all()  # a target once, not per item
    users = sorted({cid for cid, _s, kind in rows if kind == "user" and cid})
    serials = sorted({serial for _c, serial, kind in rows if kind == "device" and serial})
    return users, serials


def revoke_all_of_token(ctx, name: str, *,  # noqa: ANN001
                        on_progress: Callable[[str, int, int], None] | None = None) -> int:
    """Revoke at Apple, batched by the service-config limits; returns targets revoked.

    Raises ServiceError when Apple fails, and `ownership.HeldByAnotherMdm` when another MDM
    holds the location (known before, or seen in an answer: the rest is not sent), and
    `leases.LeaseBusy` when the location's write lease stayed held by another process.
    The targets are read under the lease, so a sync or assign that just finished counts.
    """
    with leases.hold(ctx, name, action="license.revoke_all"):
        return _revoke_all(ctx, name, on_progress)


def _revoke_all(ctx, name: str,  # noqa: ANN001
                on_progress: Callable[[str, int, int], None] | None) -> int:
    ownership.guard(ctx, name, "license.revoke_all")
    users, serials = revoke_targets(ctx, name)
    if not users and not serials:
        return 0
    try:
        with ownership.writes(ctx, name, "license.revoke_all",
                              on_progress=on_progress) as client:
            outcomes = client.revoke(client_user_ids=users, serial_numbers=serials)
    except ownership.HeldByAnotherMdm:
        raise
    except Exception as exc:
        raise ServiceError(_("revoking the licenses of {name} failed, nothing was deleted: "
                             "{why}").format(name=name, why=apple_failure_text(exc))) from exc
    failed = [o for o in outcomes if o.status != "COMPLETE"]
    with ctx.store.session() as session:
        for outcome in outcomes:
            audit.record(session, ctx, "license.revoke_all", name,
                         result="ok" if outcome.status == "COMPLETE" else "failed",
                         apple_event_id=outcome.event_id, apple_event_status=outcome.status)
    if failed:
        raise ServiceError(_("Apple could not revoke every license of {name} ({n} requests "
                             "failed); nothing was deleted, try again").format(
                                 name=name, n=len(failed)))
    return len(users) + len(serials)
