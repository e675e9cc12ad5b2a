"""Token admission (issue 8, faults 3–6): what `add` and `renew` refuse, and that a refusal
stores nothing but its audit entry. Against the in-process demo world, on both databases."""

from __future__ import annotations

import codecs
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.services.test_tokens import APPLE_ID, add
from vpp_tui.apple.stoken import encode_token
from vpp_tui.services import sync, tokens
from vpp_tui.services.audit import list_entries
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.simulator.state import Location
from vpp_tui.store import models as m

STORED = (m.Token, m.Setting, m.ScopeTag, m.TokenScopeTag, m.Asset)


def stored(world) -> dict[str, list[dict]]:
    """Everything a token change could write, but the audit log."""
    with world.ctx.store.session() as s:
        return {t.__name__: sorted((r.model_dump() for r in s.exec(select(t)).all()), key=repr)
                for t in STORED}


def new(content, name: str = "New", **kw) -> tokens.NewToken:
    return tokens.NewToken(name=name, apple_id=APPLE_ID, content=content, consent=True, **kw)


def assert_refused_and_audited(world, before: dict, audits_before: int, action: str,
                               target: str, message: str) -> None:
    assert stored(world) == before
    entries = list_entries(world.ctx)
    assert len(entries) == audits_before + 1
    last = entries[0]
    assert (last.action, last.target, last.result) == (action, target, "refused")
    assert last.detail == message


def refuse_add(world, content, exc_type, name: str = "New"):
    before, audits = stored(world), len(list_entries(world.ctx))
    with pytest.raises(exc_type) as caught:
        tokens.add_token(world.ctx, new(content, name))
    assert_refused_and_audited(world, before, audits, "token.add", name, caught.value.message)
    return caught.value


def refuse_renew(world, name: str, content, exc_type, **kw):
    before, audits = stored(world), len(list_entries(world.ctx))
    with pytest.raises(exc_type) as caught:
        tokens.renew_token(world.ctx, name, content, **kw)
    assert_refused_and_audited(world, before, audits, "token.renew", name, caught.value.message)
    return caught.value


# Fault 3: a token Apple refuses, or an expired one, is refused -----------------------------

def test_add_refuses_a_token_apple_revoked(world) -> None:
    error = refuse_add(world, world.token_file("Library").content, tokens.TokenRefused)
    assert not isinstance(error, InvalidInput)  # the operation failed: exit 1
    assert error.error_number == 9625
    assert "revoked" in error.message and "download a new token" in error.message
    assert "nothing was stored" in error.message


def test_add_refuses_a_token_whose_secret_apple_does_not_know(world) -> None:
    unknown = encode_token("a secret Apple never issued", world.clock.now() + timedelta(days=200),
                           "Contoso Schools")
    error = refuse_add(world, unknown, tokens.TokenRefused)
    assert error.error_number == 9601 and "9601" in error.message


def test_add_refuses_a_re_encoded_token_apple_finds_invalid(world) -> None:
    from vpp_tui.apple.stoken import decode_token

    original = decode_token(world.token_file("North Campus").content)
    compact = encode_token(original.token, original.expires_at, original.org_name, pretty=False)
    error = refuse_add(world, compact, tokens.TokenRefused)
    assert error.error_number == 9622


def test_add_refuses_an_expired_token_file_without_asking_apple(world) -> None:
    requests = world.sim.requests_seen
    error = refuse_add(world, world.token_file("Old Annex").content, tokens.TokenFileExpired)
    assert isinstance(error, InvalidInput)  # bad input: exit 2
    assert "expired on" in error.message and "3 days ago" in error.message
    assert world.sim.requests_seen == requests


def test_renew_refuses_a_token_apple_revoked_like_add_does(world) -> None:
    add(world, "North Campus")
    revoked = world.token_file("Library").content
    error = refuse_renew(world, "North Campus", revoked, tokens.TokenRefused)
    assert error.error_number == 9625 and "stored token is unchanged" in error.message


def test_renew_refuses_an_expired_token_file(world) -> None:
    add(world, "North Campus")
    error = refuse_renew(world, "North Campus", world.token_file("Old Annex").content,
                         tokens.TokenFileExpired)
    assert "expired on" in error.message


def test_renew_with_a_broken_file_is_refused_and_audited(world) -> None:
    add(world, "North Campus")
    error = refuse_renew(world, "North Campus", b"not a token", InvalidInput)
    assert "not Base64" in error.message


def test_renew_apple_cannot_answer_is_audited_as_failed(world) -> None:
    add(world, "North Campus")
    before, audits = stored(world), len(list_entries(world.ctx))
    world.transport.fail_after = world.transport.count  # the network is gone from here on
    with pytest.raises(ServiceError) as caught:
        tokens.renew_token(world.ctx, "North Campus", world.token_file("North Campus").content)
    world.transport.fail_after = None
    assert stored(world) == before
    entries = list_entries(world.ctx)
    assert len(entries) == audits + 1
    assert (entries[0].action, entries[0].target, entries[0].result) == (
        "token.renew", "North Campus", "failed")
    assert entries[0].detail == caught.value.message


def test_a_broken_file_is_bad_input_and_not_audited(sqlite_world) -> None:
    with pytest.raises(InvalidInput, match="not Base64"):
        tokens.add_token(sqlite_world.ctx, new(b"not a token"))
    assert list_entries(sqlite_world.ctx) == []


# Fault 4: renewal checks the location Apple names for the new file ------------------------

def test_renew_refuses_another_locations_file_when_location_unknown(world) -> None:
    add(world, "Old Annex")  # expired before its first sync: its location is unknown
    add(world, "North Campus")
    assert tokens.get_token(world.ctx, "Old Annex").token.location_id is None
    second_north = world.sim.issue_token("North Campus", revoke_older=False)
    error = refuse_renew(world, "Old Annex", second_north.content, tokens.RenewalRefused)
    assert "North Campus" in error.message
    states = {v.name: v.state for v in tokens.list_tokens(world.ctx)}
    assert states == {"Old Annex": "expired", "North Campus": "valid"}
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"


def test_renew_refuses_a_file_another_token_already_has(world) -> None:
    add(world, "Old Annex")
    add(world, "North Campus")
    error = refuse_renew(world, "Old Annex", world.token_file("North Campus").content,
                         tokens.RenewalRefused)
    assert "already loaded as 'North Campus'" in error.message


def test_renew_refuses_another_organisations_file_when_location_unknown(world) -> None:
    world.sim.add_location(Location(uid="209990000000000001", name="Fabrikam HQ",
                                    org_name="Fabrikam"))
    other_org = world.sim.issue_token("Fabrikam HQ")
    add(world, "Old Annex")
    error = refuse_renew(world, "Old Annex", other_org.content, tokens.RenewalRefused)
    assert "Fabrikam" in error.message and "Contoso Schools" in error.message


def test_renew_learns_the_location_when_it_was_unknown(world) -> None:
    add(world, "Old Annex")
    fresh = world.sim.issue_token("Old Annex")
    view = tokens.renew_token(world.ctx, "Old Annex", fresh.content)
    assert (view.state, view.location_name) == ("valid", "Old Annex")
    renewal = list_entries(world.ctx)[0]
    assert renewal.action == "token.renew" and "learned from Apple" in (renewal.detail or "")
    assert sync.sync_token(world.ctx, "Old Annex").status == "completed"


def test_renew_refuses_a_file_whose_location_another_mdm_holds(world) -> None:
    add(world, "North Campus")
    world.sim.claim_by_other("North Campus", "Jamf Pro")
    fresh = world.sim.issue_token("North Campus")
    error = refuse_renew(world, "North Campus", fresh.content, tokens.TokenRefused)
    assert not isinstance(error, InvalidInput)
    assert "Jamf Pro" in error.message and "--take-control" in error.message


def test_renew_with_take_control_claims_the_location_from_the_other_mdm(world) -> None:
    add(world, "Science Dept")  # stored while Jamf Pro holds the location
    fresh = world.sim.issue_token("Science Dept")
    refuse_renew(world, "Science Dept", fresh.content, tokens.TokenRefused)
    view = tokens.renew_token(world.ctx, "Science Dept", fresh.content, take_control=True)
    assert view.state == "valid" and view.external_mdm_name is None
    assert any(e.action == "token.take_control" and "Jamf Pro" in (e.detail or "")
               for e in list_entries(world.ctx))
    assert sync.sync_token(world.ctx, "Science Dept").status == "completed"


def test_take_control_of_a_stored_token_still_works(world) -> None:
    add(world, "Science Dept")
    assert tokens.take_control(world.ctx, "Science Dept").state == "valid"


# Fault 5: the effective expiry, and a stale 9621 ----------------------------------------

def test_renewal_with_stale_apple_expiry_stays_valid(world) -> None:
    add(world, "South Campus")
    world.clock.advance(timedelta(days=11).total_seconds())  # the old file has expired
    assert tokens.get_token(world.ctx, "South Campus").token.state == "expired"
    fresh = world.sim.issue_token("South Campus", 365, report_old_expiry=True)
    view = tokens.renew_token(world.ctx, "South Campus", fresh.content)
    assert view.state == "valid" and view.days_left >= 364
    result = sync.sync_token(world.ctx, "South Campus")
    assert result.status == "completed", result.error
    after = tokens.get_token(world.ctx, "South Campus").token
    assert after.state == "valid" and after.days_left >= 364


def test_stale_9621_is_cleared_by_the_next_successful_answer(world) -> None:
    add(world, "North Campus")
    with world.ctx.store.session() as s:  # a sync with the previous file ended after renewal
        token = s.exec(select(m.Token)).one()
        token.apple_error, token.apple_error_message = 9621, "The token has expired."
        s.add(token)
    view = tokens.get_token(world.ctx, "North Campus").token
    assert view.state == "expired" and view.can_sync
    assert sync.sync_token(world.ctx, "North Campus").status == "completed"
    assert tokens.get_token(world.ctx, "North Campus").token.state == "valid"


# Fault 6: a file re-saved by an editor ----------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_token_file_with_a_bom_is_added_and_authenticates(sqlite_world, encoding) -> None:
    content = (sqlite_world.token_file("North Campus").content + "\n").encode(encoding)
    assert content.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    view = tokens.add_token(sqlite_world.ctx, new(content, "North"))
    assert view.state == "valid" and view.location_name == "North Campus"


# The wizard's token-file step -------------------------------------------------------------

def test_check_file_names_the_location_and_stores_nothing(world) -> None:
    before = stored(world)
    preview = tokens.check_file(world.ctx, world.token_file("Science Dept").content, name="S")
    assert (preview.location_name, preview.held_by) == ("Science Dept", "Jamf Pro")
    assert stored(world) == before and list_entries(world.ctx) == []


def test_check_file_refuses_as_add_does_and_audits(world) -> None:
    before = stored(world)
    with pytest.raises(tokens.TokenRefused) as caught:
        tokens.check_file(world.ctx, world.token_file("Library").content, name="Lib")
    assert_refused_and_audited(world, before, 0, "token.add", "Lib", caught.value.message)
    assert isinstance(caught.value, ServiceError)
