"""Authentication: the bearer is the whole token file; each fault has Apple's number."""

from __future__ import annotations

import base64
import json

import pytest

from tests.simulator.conftest import Caller, bearer_of
from vpp_tui.apple.stoken import decode_token, encode_token
from vpp_tui.simulator.worlds import build_world


def test_service_config_needs_no_token(sim) -> None:
    assert Caller(sim, None).get("/service/config").status_code == 200


def test_service_config_tolerates_an_authorization_header(sim) -> None:
    assert Caller(sim, "whatever").get("/service/config").status_code == 200


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic abc", "Token x"])
def test_missing_or_malformed_header_is_9722(sim, header) -> None:
    caller = Caller(sim, None)
    headers = {} if header is None else {"Authorization": header}
    r = caller.http.get("/client/config", headers=headers)
    assert (r.status_code, r.json()["errorNumber"]) == (401, 9722)


def test_a_bearer_that_is_not_a_token_is_9622(sim) -> None:
    assert Caller(sim, "not-base64!").error("GET", "/client/config") == (401, 9622)


def test_a_well_formed_token_apple_never_issued_is_9601(sim, clock) -> None:
    stranger = encode_token("c2VjcmV0LW5vYm9keS1rbm93cw==", clock.now(), "Elsewhere")
    assert Caller(sim, stranger).error("GET", "/assets") == (401, 9601)


def test_a_re_encoded_token_is_not_the_token(sim) -> None:
    original = bearer_of(sim, "North Campus")
    payload = json.loads(base64.b64decode(original))
    compact = base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    assert decode_token(compact).token == decode_token(original).token
    assert Caller(sim, compact).error("GET", "/assets") == (401, 9622)


def test_expired_token_is_9621(sim) -> None:
    assert Caller(sim, bearer_of(sim, "Old Annex")).error("GET", "/assets") == (401, 9621)


def test_token_expires_when_the_clock_passes_its_date(sim, clock) -> None:
    south = Caller(sim, bearer_of(sim, "South Campus"))
    assert south.get("/assets").status_code == 200
    clock.advance(11 * 86400)
    assert south.error("GET", "/assets") == (401, 9621)


def test_revoked_token_is_9625(sim) -> None:
    assert Caller(sim, bearer_of(sim, "Library")).error("GET", "/users") == (401, 9625)


def test_revoke_token_hook_revokes_every_file_of_the_location(sim) -> None:
    a, b = (Caller(sim, bearer_of(sim, "Music Dept", i)) for i in (0, 1))
    assert a.get("/assets").status_code == b.get("/assets").status_code == 200
    sim.revoke_token("Music Dept")
    assert a.error("GET", "/assets") == b.error("GET", "/assets") == (401, 9625)


def test_auth_errors_in_http_200_quirk(clock) -> None:
    sim = build_world("demo", clock=clock, rate_limit=False)
    sim.auth_errors_in_200 = True
    assert Caller(sim, bearer_of(sim, "Old Annex")).error("GET", "/assets") == (200, 9621)


def test_both_files_of_a_duplicate_location_answer_for_the_same_uid(sim) -> None:
    a, b = (Caller(sim, bearer_of(sim, "Music Dept", i)) for i in (0, 1))
    assert a.ok("GET", "/client/config")["uId"] == b.ok("GET", "/client/config")["uId"]
    assert bearer_of(sim, "Music Dept", 0) != bearer_of(sim, "Music Dept", 1)
