"""Who is acting: the store's owner and `--as` (issue 10, "Identity").

- The acting admin is the OS login. `--as NAME` / `VPP_ADMIN` may name someone else only
  when the OS login holds `roles.act_for_others` (Administrator does), or in the demo store.
- A new store is owned by the OS login that created it: that admin holds Administrator
  over every scope. A store made before revision 0003_access has no owner: the OS login
  that first opens it with this vpp-tui claims it the same way. Nobody else is promoted
  (an admin named only in the audit log may have been a `--as` name anyone could type);
  the owner then grants roles to the others (`vpp-tui grant`).
"""

from __future__ import annotations

from sqlalchemy import select

from vpp_tui.domain.access import Permission, may_act_as
from vpp_tui.i18n import _, stored
from vpp_tui.services.access import DENIED, AccessDenied, grants_of, insert_owner
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import tables as t
from vpp_tui.store.engine import begin_writer


def claim_store(ctx: ServiceContext, admin: str) -> bool:
    """Make `admin` the owner of `ctx.store` when it has none (`store_owner` records who
    and when; no audit entry, so a new store's audit log starts empty).

    Returns True when this call claimed it; False when the store already had an owner
    (also when another thread or process claimed it a moment before: the claim starts as
    a writer, so it reads the other's committed claim instead of racing it)."""
    if owner_of(ctx) is not None:  # every command of an owned store: no writer's lock
        return False
    from vpp_tui.store import models as m

    with ctx.store.session() as session:
        begin_writer(session)
        if session.get(m.StoreOwner, 1) is not None:
            return False
        return insert_owner(session, admin, ctx.clock.now())


def owner_of(ctx: ServiceContext) -> str | None:
    """The store owner's name, None when unclaimed (one Core query: no ORM at start-up)."""
    owner = t.store_owner
    with ctx.store.reading() as db:
        return db.execute(select(owner.c.admin).where(owner.c.id == 1)).scalar()


def check_identity(ctx: ServiceContext, login: str, *, demo: bool = False) -> None:
    """Accept `ctx.actor` as the acting admin for OS login `login`, or refuse.

    Claims an unowned store for `login` first. Raises AccessDenied (audited as
    `access.act_as`, actor the OS login, result `denied`) when `ctx.actor` is not `login`,
    this is not the demo store, and `login` lacks `roles.act_for_others`."""
    claim_store(ctx, ctx.actor if demo else login)
    if demo or ctx.actor == login:
        return
    with ctx.store.reading() as db:
        ok = may_act_as(login, ctx.actor, grants_of(db, login))
    if ok:
        return
    def worded() -> str:
        return _("{login} may not act as {actor}: permission {perm} is missing; drop --as "
                 "(and VPP_ADMIN) to act as yourself").format(
            login=login, actor=ctx.actor, perm=Permission.ACT_FOR_OTHERS.value)

    text = worded()
    from vpp_tui.store import models as m

    with ctx.store.session() as session:
        session.add(m.AuditEntry(at=ctx.clock.now(), actor=login, action="access.act_as",
                                 target=ctx.actor, result=DENIED, detail=stored(worded)))
    raise AccessDenied(text, Permission.ACT_FOR_OTHERS)


def acts_for_others(ctx: ServiceContext, login: str) -> bool:
    """True when `login` may act as any admin (`domain.access.acts_for_others`)."""
    from vpp_tui.domain.access import acts_for_others as rule

    with ctx.store.reading() as db:
        return rule(grants_of(db, login))


def missing_act_for_others_text(login: str) -> str:
    """The one warning of a worker whose admin may run only its own jobs."""
    return _("worker admin {login} runs only the jobs {login} queued: permission {perm} is "
             "missing; grant it (vpp-tui grant) to run other admins' jobs").format(
        login=login, perm=Permission.ACT_FOR_OTHERS.value)
