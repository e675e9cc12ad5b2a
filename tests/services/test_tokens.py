"""Location tokens, rule by rule, against the in-process demo world."""

from __future__ import annotations

import base64

import pytest
from sqlmodel import func, select

from vpp_tui.services import tokens
from vpp_tui.services.errors import InvalidInput
from vpp_tui.store import models as m

APPLE_ID = "vpp-admin@appleid.contoso.edu"


# The demo world's files that admission refuses: they go in as the demo seeds them.
REFUSED_STATES = ("expired", "invalid")


def add(world, location: str, name: str | None = None, index: int = 0, **kw):
    """Add the location's file as an admin does; a file admission refuses (the demo's expired
    and revoked ones) is loaded the way the demo loads it, so tests can start from it."""
    f = world.token_file(location, index)
    load = tokens.seed_demo_token if f.state in REFUSED_STATES else tokens.add_token
    return load(world.ctx, tokens.NewToken(
        name=name or location, apple_id=APPLE_ID, content=f.content, consent=True, **kw))


def count(world, table) -> int:
    with world.ctx.store.session() as s:
        return s.exec(select(func.count()).select_from(table)).one()


BAD_FILES = {
    "empty": (b"   \n", "empty"),
    "not_base64": (b"this is not a token!", "not Base64"),
    "not_json": (base64.b64encode(b"hello world"), "no JSON"),
    "missing_field": (base64.b64encode(b'{"token": "x", "orgName": "o"}'), "lacks expDate"),
    "bad_expiry": (base64.b64encode(b'{"token":"x","expDate":"soon","orgName":"o"}'), "expDate"),
    "not_an_object": (base64.b64encode(b'["token"]'), "not a token object"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_each_bad_token_file_has_its_own_error_and_stores_nothing(sqlite_world, kind) -> None:
    content, words = BAD_FILES[kind]
    with pytest.raises(InvalidInput, match=words):
        tokens.add_token(sqlite_world.ctx, tokens.NewToken(
            name="X", apple_id=APPLE_ID, content=content, consent=True))
    assert count(sqlite_world, m.Token) == 0
    assert count(sqlite_world, m.AuditEntry) == 0


def test_consent_to_send_data_to_apple_is_required(sqlite_world) -> None:
    f = sqlite_world.token_file("North Campus")
    with pytest.raises(InvalidInput, match="consent"):
        tokens.add_token(sqlite_world.ctx, tokens.NewToken(
            name="N", apple_id=APPLE_ID, content=f.content, consent=False))
    assert count(sqlite_world, m.Token) == 0


def test_upload_reads_the_location_and_claims_it(world) -> None:
    view = add(world, "North Campus")
    assert view.state == "valid"
    assert view.location_name == "North Campus" and view.location_id
    assert view.org_name
    with world.ctx.store.session() as s:
        token = s.exec(select(m.Token)).one()
        assert token.claimed_at is not None and token.external_mdm_name is None
        assert b"North" not in token.secret  # encrypted at rest
    actions = [e.action for e in _audit(world)]
    assert "token.add" in actions


def _audit(world):
    from vpp_tui.services.audit import list_entries

    return list_entries(world.ctx)


def test_token_held_by_another_mdm_is_assigned_to_external_mdm(world) -> None:
    view = add(world, "Science Dept")
    assert view.state == "assigned_to_external_mdm"
    assert view.external_mdm_name == "Jamf Pro"
    assert "Jamf Pro" in view.state_reason


def test_take_control_claims_the_location_and_is_audited(world) -> None:
    add(world, "Science Dept")
    view = tokens.take_control(world.ctx, "Science Dept")
    assert view.state == "valid" and view.external_mdm_name is None
    assert any(e.action == "token.take_control" and "Jamf Pro" in (e.detail or "")
               for e in _audit(world))


def test_take_control_chosen_at_upload_claims_at_once(world) -> None:
    view = add(world, "Science Dept", take_control=True)
    assert view.state == "valid"


def test_demo_seeded_expired_token_is_shown_expired(world) -> None:
    view = add(world, "Old Annex")
    assert view.state == "expired"
    assert view.needs_attention and view.days_left < 0


def test_demo_seeded_token_revoked_by_apple_is_invalid_with_the_reason(world) -> None:
    view = add(world, "Library")
    assert view.state == "invalid"
    assert "revoked" in view.state_reason


def test_two_tokens_for_one_location_are_both_duplicate(world) -> None:
    add(world, "Music Dept", "Music A", 0)
    add(world, "Music Dept", "Music B", 1)
    states = {v.name: v.state for v in tokens.list_tokens(world.ctx)}
    assert states["Music A"] == states["Music B"] == "duplicate"


def test_removing_the_duplicate_resumes_syncing(world) -> None:
    from vpp_tui.services.sync import sync_token

    add(world, "Music Dept", "Music A", 0)
    add(world, "Music Dept", "Music B", 1)
    paused = sync_token(world.ctx, "Music A")
    assert paused.status == "skipped" and "Music B" in (paused.error or "")
    tokens.delete_token(world.ctx, "Music B")
    assert sync_token(world.ctx, "Music A").status == "completed"


def test_the_same_file_cannot_be_loaded_twice(world) -> None:
    add(world, "North Campus", "North")
    with pytest.raises(InvalidInput, match="already loaded as 'North'"):
        add(world, "North Campus", "North again")


def test_tokens_are_sorted_by_urgency(world) -> None:
    for loc in ("North Campus", "Old Annex", "South Campus", "Science Dept"):
        add(world, loc)
    order = [v.state for v in tokens.list_tokens(world.ctx)]
    assert order[0] == "expired" and order[-1] == "valid"
    assert order.index("expiring_soon") > order.index("assigned_to_external_mdm")


def test_renew_for_another_location_is_refused(world) -> None:
    add(world, "North Campus")
    other = world.token_file("South Campus").content
    with pytest.raises(InvalidInput, match="location"):
        tokens.renew_token(world.ctx, "North Campus", other)
    view = tokens.get_token(world.ctx, "North Campus").token
    assert view.location_name == "North Campus"


def test_renew_keeps_apps_and_assignments(world) -> None:
    from vpp_tui.services.sync import sync_token

    add(world, "North Campus")
    assert sync_token(world.ctx, "North Campus").status == "completed"
    apps_before = tokens.get_token(world.ctx, "North Campus").token.app_count
    same = world.token_file("North Campus").content
    view = tokens.renew_token(world.ctx, "North Campus", same)
    assert view.app_count == apps_before > 0


def test_legacy_token_may_move_to_a_location_token(world) -> None:
    add(world, "North Campus")
    with world.ctx.store.session() as s:
        token = s.exec(select(m.Token)).one()
        token.legacy, token.location_id = True, None
        s.add(token)
    view = tokens.renew_token(world.ctx, "North Campus", world.token_file("South Campus").content)
    assert view.location_name == "South Campus"
    assert any("legacy" in (e.detail or "") for e in _audit(world))


def test_settings_change_is_audited(world) -> None:
    add(world, "North Campus")
    view = tokens.update_settings(world.ctx, "North Campus", country="fr", auto_update=True,
                                  scope_tags=["North", "Exams"])
    assert view.country == "FR" and view.auto_update and view.scope_tags == ("Exams", "North")
    with pytest.raises(InvalidInput, match="two-letter"):
        tokens.update_settings(world.ctx, "North Campus", country="France")


def test_delete_cascades_to_apps_and_assignments_and_says_licenses_stay(world) -> None:
    from vpp_tui.services.sync import sync_token

    add(world, "North Campus")
    sync_token(world.ctx, "North Campus")
    assert count(world, m.Asset) > 0
    preview = tokens.delete_preview(world.ctx, "North Campus")
    assert any("can no longer be revoked" in line for line in preview.kept)
    tokens.delete_token(world.ctx, "North Campus")
    assert count(world, m.Token) == 0 and count(world, m.Asset) == 0
    assert count(world, m.AuditEntry) >= 2


def test_token_secret_is_never_in_views_or_json(world) -> None:
    view = add(world, "North Campus")
    bearer = world.token_file("North Campus").content
    details = tokens.get_token(world.ctx, "North Campus")
    assert bearer not in repr(details) and bearer not in str(details.as_json())
    assert view.secret_hint and len(view.secret_hint) < 12


def test_unknown_token_name_lists_the_known_ones(world) -> None:
    add(world, "North Campus")
    with pytest.raises(InvalidInput, match="North Campus"):
        tokens.get_token(world.ctx, "Nowhere")


def test_a_tenant_holds_at_most_3000_tokens(sqlite_world, monkeypatch) -> None:
    from vpp_tui.domain import tokens as rules

    monkeypatch.setattr(rules, "MAX_TOKENS", 1)
    add(sqlite_world, "North Campus")
    with pytest.raises(InvalidInput, match="1"):
        add(sqlite_world, "South Campus")


def test_revoke_all_then_delete_leaves_only_books_at_apple(world) -> None:
    from vpp_tui.services.sync import sync_token

    add(world, "North Campus")
    sync_token(world.ctx, "North Campus")
    bearer = world.token_file("North Campus").content
    with world.ctx.apple(bearer) as client:
        before = client.assignments().items
        books = {a.adamId for a in client.assets().items if a.productType == "Book"}
    assert any(a.adamId not in books for a in before)
    tokens.delete_token(world.ctx, "North Campus", revoke_licenses=True)
    assert count(world, m.Token) == 0
    with world.ctx.apple(bearer) as client:
        after = client.assignments().items
    assert after and all(a.adamId in books for a in after)
    actions = [e.action for e in _audit(world)]
    assert "license.revoke_all" in actions and "token.delete" in actions


def test_failed_revoke_all_deletes_nothing(world) -> None:
    from vpp_tui.services.errors import ServiceError
    from vpp_tui.services.sync import sync_token

    add(world, "North Campus")
    sync_token(world.ctx, "North Campus")
    world.sim.revoke_token("North Campus")
    with pytest.raises(ServiceError, match="nothing was deleted"):
        tokens.delete_token(world.ctx, "North Campus", revoke_licenses=True)
    assert count(world, m.Token) == 1 and count(world, m.Asset) > 0
