"""Each admin's own console preferences (today: the language), kept per admin.

The store's settings (`services.settings`) are shared by every admin of a store; a
language is a person's choice, so it lives in `admin_preferences`, keyed by the acting
admin. Reading or changing your own preference needs no permission; a change is audited.

The console reads the language before it opens: with SQLAlchemy Core (`store.tables`), so
its start imports neither SQLModel nor the ORM (issue 13); a change uses the ORM.
"""

from __future__ import annotations

from sqlalchemy import select

from vpp_tui.domain.language import check_language
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import tables
from vpp_tui.store.types import utcnow


def get_language(ctx: ServiceContext) -> str | None:
    """The console language `ctx.actor` chose ("en", "fr", "zh_CN"), or None when they
    never chose (the console then follows --lang/VPP_LANG or the environment)."""
    pref = tables.admin_preferences.c
    with ctx.store.reading() as db:
        return db.execute(select(pref.language).where(pref.admin == ctx.actor)).scalar()


def set_language(ctx: ServiceContext, code: str | None) -> str | None:
    """Save `code` as `ctx.actor`'s console language (None: follow the system again);
    audited as `preference.language`. Returns the language saved. Raises LanguageError
    (domain.language) for a code the console does not offer; nothing is saved then."""
    from vpp_tui.services.audit import record
    from vpp_tui.store.models import AdminPreference

    if code is not None:
        check_language(code)
    with ctx.store.session() as session:
        row = session.get(AdminPreference, ctx.actor)
        old = row.language if row is not None else None
        if row is None:
            row = AdminPreference(admin=ctx.actor)
        row.language, row.updated_at = code, utcnow()
        session.add(row)
        record(session, ctx, "preference.language", ctx.actor,
               detail=f"{old or 'system'} -> {code or 'system'}")
    return code
