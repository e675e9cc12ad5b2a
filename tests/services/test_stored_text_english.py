"""Text written into the shared store is English whatever the admin's language; the
console and CLI show it translated when it is a catalog msgid (`i18n.shown`)."""

from __future__ import annotations

from sqlmodel import col, select

from tests.services.licensing_helpers import NORTH, NORTH_UID, asset, licenses_of, north
from vpp_tui import i18n
from vpp_tui.i18n import _
from vpp_tui.services import licensing, sync

FOUND_BY_SYNC = "no longer assigned at Apple (found by sync)"
NO_LICENSES_LEFT = "no licenses left: waiting for freed or purchased licenses"


def _french() -> None:
    assert i18n.set_language("fr") == "fr"


def test_sync_from_a_french_console_stores_the_reclaim_reason_in_english(world) -> None:
    """Fault: the ledger stored "no longer assigned at Apple (found by sync)" through
    `_()`, so a sync from a French console stored French."""
    north(world)
    licensing.apply_assign(world.ctx, "Mind Map", "Teachers", "required", "user")
    row = asset(world, "Mind Map")
    loc = world.sim.location(NORTH_UID)
    for key in [k for k in loc.assignments if k[:2] == (row.adam_id, row.pricing_param)]:
        del loc.assignments[key]
    loc.reindex_assignments()
    _french()
    assert _(FOUND_BY_SYNC) != FOUND_BY_SYNC
    assert sync.sync_token(world.ctx, NORTH, full=True).status == "completed"
    reasons = {r.reason for r in licenses_of(world, "Mind Map") if r.status == "reclaimed"}
    assert reasons == {FOUND_BY_SYNC}
    assert i18n.shown(FOUND_BY_SYNC) == _(FOUND_BY_SYNC)


def test_assign_from_a_french_console_stores_the_waitlist_reason_in_english(world) -> None:
    """Fault: a member waiting for a license kept the reason in the admin's language
    (`describe_reason` rendered with `_()`); `licenses` shows it translated."""
    north(world)
    _french()
    licensing.apply_assign(world.ctx, "Graphing Pro", "Teachers", "required", "user")
    waiting = [r for r in licenses_of(world, "Graphing Pro") if r.status == "waitlisted"]
    assert waiting and {r.reason for r in waiting} == {NO_LICENSES_LEFT}
    report = licensing.licenses(world.ctx, "Graphing Pro")
    assert {f.reason for f in report.failures if f.status == "waitlisted"} == {NO_LICENSES_LEFT}
    assert i18n.shown(NO_LICENSES_LEFT) == _(NO_LICENSES_LEFT) != NO_LICENSES_LEFT


def test_shown_leaves_other_stored_text_as_stored() -> None:
    """`shown` translates catalog msgids only: Apple's words, names and "" stay."""
    _french()
    assert i18n.shown("Apple 9632: Too many recent calls") == "Apple 9632: Too many recent calls"
    assert i18n.shown("") == "" and i18n.shown(None) is None


def test_failed_sync_from_a_french_console_stores_english_and_returns_french(world) -> None:
    """Fault: a failed sync stored its error (sync run, token, audit) in the admin's
    language. The store keeps English; the result the admin reads is French."""
    from tests.services.test_tokens import add
    from vpp_tui.services import audit, tokens
    from vpp_tui.store import models as m

    add(world, NORTH)
    world.sim.add_fault("5xx:status=503:count=*")
    _french()
    result = sync.sync_token(world.ctx, NORTH)
    assert result.status == "failed"
    with world.ctx.store.session() as s:
        run = s.exec(select(m.SyncRun).order_by(col(m.SyncRun.id).desc())).first()
        kept = (run.error, s.exec(select(m.Token)).one().last_sync_error)
    busy = "Apple's service is failing or unavailable; try again later"
    assert all(busy in text for text in kept), kept  # English in the store
    assert result.error != kept[0] and _(busy) in result.error  # French for the admin
    entry = audit.list_entries(world.ctx, limit=1)[0]
    assert entry.action == "token.sync" and entry.detail == kept[0]
    assert tokens.get_token(world.ctx, NORTH).token.last_sync_status == "failed"


def test_access_denial_from_a_french_console_is_audited_in_english(world) -> None:
    """Fault: an `access.denied` entry kept the denial in the refused admin's language."""
    import pytest

    from vpp_tui.services import audit, tokens
    from vpp_tui.services.access import AccessDenied
    from vpp_tui.services.context import ServiceContext

    north(world)
    stranger = ServiceContext(store=world.ctx.store, actor="zoe", clock=world.ctx.clock,
                              key_file=world.ctx.key_file)
    _french()
    with pytest.raises(AccessDenied) as refused:
        tokens.delete_token(stranger, NORTH)
    entry = audit.list_entries(world.ctx, limit=1)[0]
    assert entry.action == "access.denied" and entry.detail != str(refused.value)
    assert entry.detail.startswith("zoe may not"), entry.detail


EMPTY_FILE = "the token file is empty; download it again from Apple Business or School Manager"


def test_refused_renewal_from_a_french_console_is_audited_in_english(world) -> None:
    """Fault: `gate.refuse` audited the refusal's message as raised, in the admin's
    language. The store keeps English (shown translated); the admin reads French."""
    import pytest

    from tests.services.test_tokens import add
    from vpp_tui.services import audit, tokens
    from vpp_tui.services.errors import InvalidInput

    add(world, NORTH)
    old_annex = world.token_file("Old Annex").content  # a file past its expDate
    _french()
    with pytest.raises(InvalidInput) as empty:
        tokens.renew_token(world.ctx, NORTH, b"")
    with pytest.raises(InvalidInput) as expired:
        tokens.renew_token(world.ctx, NORTH, old_annex)
    newest, older = audit.list_entries(world.ctx, limit=2)
    assert (older.action, older.result) == ("token.renew", "refused")
    assert older.detail == EMPTY_FILE  # English in the store
    assert str(empty.value) == _(EMPTY_FILE) != EMPTY_FILE  # French for the admin
    assert i18n.shown(older.detail) == _(EMPTY_FILE)  # and where the entry is shown
    assert newest.detail.startswith("this token file expired on"), newest.detail
    assert str(expired.value) != newest.detail


def test_refused_setting_and_notification_url_keep_their_english(world) -> None:
    """Fault (consolerefusals): the service wrapped a domain check's error with
    `InvalidInput(str(exc))`, which kept only the admin's language, so `settings set` under
    `--lang fr` audited its refusal in French. `InvalidInput.of` keeps the English."""
    import pytest

    from vpp_tui.services import notifications, settings
    from vpp_tui.services.errors import InvalidInput

    north(world)
    _french()
    with pytest.raises(InvalidInput) as value:
        settings.set_setting(world.ctx, "expiring_soon_days", "-5")
    assert value.value.english == (
        "expiring_soon_days cannot be '-5'; give a whole number from 1 to 365")
    assert str(value.value) != value.value.english  # the admin reads French
    with pytest.raises(InvalidInput) as url:
        notifications.check_setting(world.ctx, NORTH, "ftp://x")
    assert url.value.english.startswith("the notification URL"), url.value.english
    assert str(url.value) != url.value.english
