"""Revoking licenses (of an item, a user or a device) and reclaiming from departed members.

Revoking reclaims licenses only (iOS/iPadOS apps stay until an Uninstall assignment,
macOS apps keep working for Apple's 30-day grace period); book licenses are skipped with
a message. A user or device may hold licenses under several tokens: each token is asked
with its own bearer, in batches of `maxRevoke*`. Once committed, the licenses freed go to
each item's waitlist (`licensing.waitlist`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from sqlalchemy import func, or_, true
from sqlmodel import Session, col, select

from vpp_tui.domain.licensing import (
    BatchLimits,
    Holdings,
    Plan,
    PlanAction,
    User,
    people,
    plan_revoke_device,
    plan_revoke_item,
    plan_revoke_user,
)
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services import ownership
from vpp_tui.services.access import (
    Permission,
    authorize,
    token_id_of,
    visible_token_names,
)
from vpp_tui.services.catalog import resolve_item
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import InvalidInput, NotFound
from vpp_tui.services.licensing.apply import limits_of, send_ops, settle, targets_for
from vpp_tui.services.licensing.common import Target, load_target, reclaim
from vpp_tui.services.licensing.facts import (
    HELD,
    AppleIds,
    apple_ids,
    columns_of,
    holdings_of,
    license_keys,
    to_item,
    to_pool,
)
from vpp_tui.services.licensing.members import to_device, users_by_upn
from vpp_tui.services.licensing.rows import Rows, write_outcomes
from vpp_tui.services.licensing.txn import (
    Counts,
    apply_counts,
    fetch_counts,
    write_briefly,
    write_notes,
)
from vpp_tui.services.licensing.views import (
    LicensePreview,
    LicenseResult,
    MemberOutcome,
    batches_of,
)
from vpp_tui.services.licensing.waitlist import serve_asset, with_served
from vpp_tui.store import models as m


def _holders(session: Session, t: Target, holdings: Holdings) -> tuple[dict, dict]:
    """Users and devices for the holders; users gone from the directory keep their ids."""
    users = users_by_upn(session, sorted(holdings.users), t.ids)
    for upn in holdings.users - users.keys():
        users[upn] = User(upn, active=False, client_user_ids=(t.ids.client_id(upn),))
    serials = sorted(holdings.devices)
    devices = {}
    for start in range(0, len(serials), 500):
        devices.update((d.serial, to_device(d)) for d in session.execute(columns_of(
            m.DirectoryDevice).where(col(m.DirectoryDevice.serial).in_(
                serials[start:start + 500]))))
    return users, devices


def _item_plan(session: Session, view: Any, limits: BatchLimits = BatchLimits()):  # noqa: ANN202
    t = load_target(session, view)
    holdings = holdings_of(license_keys(session, t.asset.id or 0), t.ids)
    users, devices = _holders(session, t, holdings)
    plan = plan_revoke_item(t.item, holdings, users=users, devices=devices,
                            pool=to_pool(t.asset), limits=limits)
    return t, plan, users


@dataclass
class _TargetPart:
    """A user's or device's licenses under one token."""

    token: str
    ids: AppleIds
    rows: list[tuple[m.License, m.Asset]]
    plan: Plan
    user: User | None


class _Held(NamedTuple):
    """What `AppleIds.member_of` reads of a license row, without loading the row."""

    kind: str
    member: str
    client_user_id: str | None


def _named(column: Any, who: str) -> Any:
    """A WHERE clause keeping the rows whose `column` may equal `who` in any case: SQL's
    lower() where `who` is ASCII (the rows are then checked with casefold), every row
    otherwise (SQLite's lower() folds ASCII only)."""
    return func.lower(column) == who.lower() if who.isascii() else true()


def _person_ids(session: Session, who: str) -> set[str]:
    """The clientUserIds of every Apple user standing for `who` (any token, any case):
    the only ids by which a license row can name `who` (see `AppleIds.member_of`)."""
    wanted = who.casefold()
    return {cid for cid, upn, email in session.exec(select(
        m.AppleUser.client_user_id, m.AppleUser.upn, m.AppleUser.email).where(
        or_(_named(m.AppleUser.upn, who), _named(m.AppleUser.email, who)))).all()
        if (people.person_of(upn, email) or "").casefold() == wanted}


def _rows_of(session: Session, kind: str, who: str
             ) -> tuple[list[tuple[m.License, m.Asset, str]], dict[int, AppleIds]]:
    """`who`'s held licenses of `kind` with their asset and token name, and each token's
    AppleIds as far as those rows need it. Linear in the rows `who` holds: the database
    picks the rows naming `who` (by name in any case, or by one of `who`'s
    clientUserIds), then only those are loaded (issue 13: every held row of the store was
    read, and before that every Apple user of each token with each)."""
    wanted = who.casefold()
    cids = _person_ids(session, who) if kind == "user" else set()
    named = _named(m.License.member, who)
    if cids:
        named = or_(named, *(col(c).in_(part) for c in (m.License.client_user_id,
                                                         m.License.member)
                             for part in _parts(sorted(cids))))
    keys = session.exec(select(m.License.id, m.License.member, m.License.client_user_id,
                               m.Asset.token_id).join(
        m.Asset, col(m.Asset.id) == col(m.License.asset_id)).where(
        m.License.kind == kind, col(m.License.status).in_(HELD), named)).all()
    maybe: dict[int, tuple[int, _Held]] = {}
    for row_id, member, cid, token_id in keys:
        if member.casefold() == wanted or cid in cids or member in cids:
            maybe[row_id or 0] = (token_id, _Held(kind, member, cid))
    ids_of: dict[int, AppleIds] = {}
    for token_id in sorted({t for t, _h in maybe.values()}):
        names = cids | {n for t, h in maybe.values() if t == token_id
                        for n in (h.member, h.client_user_id) if n}
        ids_of[token_id] = apple_ids(session, token_id, only=names if kind == "user" else ())
    mine = sorted(i for i, (t, h) in maybe.items()
                  if ids_of[t].member_of(h).casefold() == wanted)  # type: ignore[arg-type]
    found: list[tuple[m.License, m.Asset, str]] = []
    for start in range(0, len(mine), 500):
        found += session.exec(select(m.License, m.Asset, m.Token.name).join(
            m.Asset, col(m.Asset.id) == col(m.License.asset_id)).join(
            m.Token, col(m.Token.id) == col(m.Asset.token_id)).where(
            col(m.License.id).in_(mine[start:start + 500])).order_by(col(m.License.id))).all()
    return found, ids_of


def _parts(values: list[str]) -> list[list[str]]:
    return [values[i:i + 500] for i in range(0, len(values), 500)]


def _target_parts(session: Session, kind: str, who: str,
                  limits: BatchLimits | None = None) -> list[_TargetPart]:
    found, ids_of = _rows_of(session, kind, who)
    by_token: dict[tuple[int, str], list[tuple[m.License, m.Asset]]] = {}
    for lic, asset, token in found:
        by_token.setdefault((asset.token_id, token), []).append((lic, asset))
    parts = []
    for (token_id, token), rows in sorted(by_token.items(), key=lambda kv: kv[0][1]):
        ids, items = ids_of[token_id], [to_item(a) for _l, a in rows]
        lim = limits or BatchLimits()
        if kind == "user":
            user = users_by_upn(session, [who], ids).get(who) or User(
                who, active=False, client_user_ids=(rows[0][0].client_user_id or who,))
            parts.append(_TargetPart(token, ids, rows, plan_revoke_user(user, items, lim),
                                     user))
        else:
            row = session.exec(select(m.DirectoryDevice).where(
                m.DirectoryDevice.serial == who)).first()
            device = to_device(row) if row else to_device(m.DirectoryDevice(
                serial=who, platform="iOS"))
            parts.append(_TargetPart(token, ids, rows, plan_revoke_device(device, items, lim),
                                     None))
    return parts


def _merged(plans: Iterable[Plan]) -> Plan:
    plans = list(plans)
    if not plans:
        return Plan(PlanAction.REVOKE, ())
    first = plans[0]
    return replace(first, members=tuple(m for p in plans for m in p.members),
                   operations=tuple(o for p in plans for o in p.operations),
                   warnings=tuple(w for p in plans for w in p.warnings),
                   freed=sum(p.freed for p in plans),
                   licenses_before=sum(p.licenses_before for p in plans))


def _choose(item: str | None, user: str | None, device: str | None) -> tuple[str, str]:
    given = [(k, v) for k, v in (("item", item), ("user", user), ("device", device)) if v]
    if len(given) != 1:
        raise InvalidInput(_("name exactly one of --item, --user or --device"))
    return given[0]


def plan_revoke(ctx: ServiceContext, *, item: str | None = None, token: str | None = None,
                user: str | None = None, device: str | None = None) -> LicensePreview:
    authorize(ctx, Permission.APPS_REVOKE if item else Permission.APPS_REVOKE_HOLDER)
    kind, who = _choose(item, user, device)
    if kind == "item":
        view = resolve_item(ctx, who, token)
        authorize(ctx, Permission.APPS_REVOKE, token_id=token_id_of(ctx, view.token))
        with ctx.store.session() as session:
            _t, plan, _u = _item_plan(session, view)
        return LicensePreview(plan, view.name, view.adam_id, view.token)
    with ctx.store.session() as session:
        parts = [p for p in _target_parts(session, kind, who)
                 if p.token in visible_token_names(ctx, Permission.APPS_REVOKE_HOLDER)]
        if not parts:
            _known(session, kind, who)
    return LicensePreview(_merged(p.plan for p in parts), None, None,
                          ", ".join(p.token for p in parts) or None, target=who)


def _known(session: Session, kind: str, who: str) -> None:
    model, column = ((m.DirectoryUser, m.DirectoryUser.upn) if kind == "user"
                     else (m.DirectoryDevice, m.DirectoryDevice.serial))
    if session.exec(select(model).where(column == who)).first() is None:
        raise NotFound(_("no {kind} {who} holds a license or is in the directory").format(
            kind=kind, who=quote(who)))


def apply_revoke(ctx: ServiceContext, *, item: str | None = None, token: str | None = None,
                 user: str | None = None, device: str | None = None) -> LicenseResult:
    authorize(ctx, Permission.APPS_REVOKE if item else Permission.APPS_REVOKE_HOLDER)
    kind, who = _choose(item, user, device)
    if kind == "item":
        view = resolve_item(ctx, who, token)
        authorize(ctx, Permission.APPS_REVOKE, token_id=token_id_of(ctx, view.token))
        with ownership.reporting() as report, \
                ownership.writes(ctx, view.token, "license.revoke") as client:
            limits = limits_of(client)
            with ctx.store.session() as session:
                t, plan, users = _item_plan(session, view, limits)
            # Committed: Apple is told with no transaction open (`reclaim`).
            result = report.value = reclaim(ctx, client, t, plan, users, t.label, "revoke",
                                            None, None)
        # The members waiting for the item get the licenses the revoke freed.
        return with_served(result, serve_asset(ctx, view.id))
    plan_revoke(ctx, item=None, user=user, device=device)  # unknown target: exit 2 first
    with ctx.store.session() as session:
        tokens = [p.token for p in _target_parts(session, kind, who)
                  if p.token in visible_token_names(ctx, Permission.APPS_REVOKE_HOLDER)]
    for name in tokens:  # one token held by another MDM: nothing is sent for any
        ownership.guard(ctx, name, "license.revoke")
    results: list[LicenseResult] = []
    try:
        for name in tokens:
            results.append(_revoke_part(ctx, kind, who, name))
    except ownership.HeldByAnotherMdm as exc:  # the report keeps what was done before
        done = [*results, *([exc.report] if exc.report is not None else [])]
        exc.report = _combined(who, tokens, done) if done else None
        raise
    return _combined(who, tokens, results)


def _combined(who: str, tokens: list[str], results: list[LicenseResult]) -> LicenseResult:
    """One report for `who` of the per-token results."""
    shown = tuple(o for r in results for o in r.members)
    return LicenseResult("revoke", None, ", ".join(tokens) or None, None, shown,
                         tuple(e for r in results for e in r.events),
                         tuple(dict.fromkeys(w for r in results for w in r.warnings)),
                         admitted=tuple(a for r in results for a in r.admitted),
                         error=next((r.error for r in results if r.error), None), target=who,
                         **batches_of(results))


def _revoke_part(ctx: ServiceContext, kind: str, who: str, token: str) -> LicenseResult:
    """Revoke `who`'s licenses under one token: plan (short read), tell Apple with no
    transaction open, then write what Apple confirmed in one short transaction."""
    with ownership.reporting() as report, \
            ownership.writes(ctx, token, "license.revoke") as client:
        limits = limits_of(client)
        with ctx.store.session() as session:
            part = next(p for p in _target_parts(session, kind, who, limits)
                        if p.token == token)
        sent = send_ops(ctx, client, part.plan.operations, f"{kind} {who} ({token})",
                        part.ids.token_id)
        targets = targets_for({who: part.user} if part.user else {})
        shown = [settle(r, targets(r), sent) for r in part.plan.members]
        reclaimed: list[tuple[m.Asset, MemberOutcome, Counts | None]] = []
        for _lic, asset in part.rows:
            outcome = next((o for o in shown if o.item == asset.adam_id), None)
            if outcome is not None and outcome.outcome == "reclaimed":
                reclaimed.append((asset, outcome, fetch_counts(client, asset, sent.held)))

        def write(session: Session) -> list[int]:
            write_notes(session, ctx, sent.notes)
            ids = apple_ids(session, part.ids.token_id)
            now = ctx.clock.now()
            freed: list[int] = []
            for gone, outcome, counts in reclaimed:
                write_outcomes(Rows(session, gone.id or 0, ids),
                               [MemberOutcome(**{**outcome.__dict__, "member": who})], now)
                asset = session.get(m.Asset, gone.id)
                if asset is not None:
                    apply_counts(asset, counts, -1)
                    session.add(asset)
                freed.append(gone.id or 0)
            return freed

        freed = write_briefly(ctx, write)
        sent.held.reraise()  # a Ctrl-C once Apple's answers are recorded
        result = LicenseResult("revoke", None, token, None, tuple(shown), tuple(sent.events),
                               tuple(w.message for w in part.plan.warnings),
                               error=sent.error, target=who, batches=sent.batches,
                               cancelled=sent.cancelled)
        report.value = result
    # Committed: the licenses freed go to each item's waitlist.
    for asset_id in freed:
        result = with_served(result, serve_asset(ctx, asset_id))
    return result
