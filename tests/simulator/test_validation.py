"""Synchronous validation: Apple's number and status, and no event started."""

from __future__ import annotations

import pytest

from tests.simulator.conftest import Caller

FIELD_NOTES, SKETCH_STUDIO, HANDBOOK = "1484000101", "1484000114", "1590000201"
A = [{"adamId": FIELD_NOTES, "pricingParam": "STDQ"}]


def _many(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


ASSOCIATE_CASES = [
    ("no assets", {"clientUserIds": ["u"]}, 9718),
    ("empty assets", {"assets": [], "serialNumbers": ["s"]}, 9718),
    ("no targets", {"assets": A}, 9719),
    ("empty targets", {"assets": A, "clientUserIds": [], "serialNumbers": []}, 9719),
    ("too many assets", {"assets": [{"adamId": str(i)} for i in range(26)],
                         "serialNumbers": ["s"]}, 9700),
    ("too many users", {"assets": A, "clientUserIds": _many("u", 1001)}, 9701),
    ("too many serials", {"assets": A, "serialNumbers": _many("s", 1001)}, 9702),
    ("duplicate assets", {"assets": A + A, "serialNumbers": ["s"]}, 9703),
    ("duplicate users", {"assets": A, "clientUserIds": ["u", "u"]}, 9704),
    ("duplicate serials", {"assets": A, "serialNumbers": ["s", "s"]}, 9705),
    ("not device assignable", {"assets": [{"adamId": SKETCH_STUDIO}],
                               "serialNumbers": ["s"]}, 9707),
    ("bad pricing", {"assets": [{"adamId": FIELD_NOTES, "pricingParam": "GOLD"}],
                     "serialNumbers": ["s"]}, 9602),
    ("unknown asset", {"assets": [{"adamId": "1"}], "serialNumbers": ["s"]}, 9602),
]


@pytest.mark.parametrize(("case", "body", "number"), ASSOCIATE_CASES,
                         ids=[c[0] for c in ASSOCIATE_CASES])
def test_associate_validation(north: Caller, sim, case, body, number) -> None:
    assert north.error("POST", "/assets/associate", body) == (400, number)
    assert not sim.location("North Campus").events


def test_books_cannot_be_disassociated_9706(north: Caller) -> None:
    body = {"assets": [{"adamId": HANDBOOK, "pricingParam": "STDQ"}], "clientUserIds": ["u"]}
    assert north.error("POST", "/assets/disassociate", body) == (400, 9706)


def test_error_info_names_the_offending_asset(north: Caller) -> None:
    r = north.post("/assets/associate", {"assets": [{"adamId": SKETCH_STUDIO}],
                                         "serialNumbers": ["s"]})
    assert r.json()["errorInfo"] == {"assets": [{"adamId": SKETCH_STUDIO,
                                                 "pricingParam": "STDQ"}]}


@pytest.mark.parametrize(("body", "number"), [
    ({}, 9719),
    ({"clientUserIds": _many("u", 101)}, 9701),
    ({"serialNumbers": _many("s", 101)}, 9702),
    ({"clientUserIds": ["u", "u"]}, 9704),
    ({"serialNumbers": ["s", "s"]}, 9705),
])
def test_revoke_validation_uses_the_lower_revoke_limits(north: Caller, body, number) -> None:
    assert north.error("POST", "/assets/revoke", body) == (400, number)


@pytest.mark.parametrize(("path", "body", "number"), [
    ("/users/create", {}, 9720),
    ("/users/create", {"users": []}, 9720),
    ("/users/create", {"users": [{"clientUserId": f"c{i}"} for i in range(101)]}, 9714),
    ("/users/create", {"users": [{"clientUserId": "c"}, {"clientUserId": "c"}]}, 9715),
    ("/users/create", {"users": [{"clientUserId": "c", "email": "not-an-email"}]}, 9717),
    ("/users/update", {"users": [{"clientUserId": "c", "email": "a@b"}]}, 9717),
    ("/users/retire", {}, 9720),
    ("/users/create", {"users": [{"email": "x@y.com"}]}, 9602),
])
def test_user_request_validation(north: Caller, path, body, number) -> None:
    assert north.error("POST", path, body) == (400, number)


def test_wrong_method_is_9726_with_405(north: Caller) -> None:
    assert north.error("POST", "/assets", {}) == (405, 9726)
    r = north.http.get("/assets/associate")
    assert (r.status_code, r.json()["errorNumber"]) == (405, 9726)


def test_non_json_content_type_is_9727_with_415(north: Caller) -> None:
    r = north.http.post("/assets/associate", content=b"assets=1",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (r.status_code, r.json()["errorNumber"]) == (415, 9727)


def test_json_that_does_not_parse_is_9602(north: Caller) -> None:
    r = north.http.post("/users/create", content=b"{nope",
                        headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["errorNumber"]) == (400, 9602)


def test_unknown_event_is_9708(north: Caller) -> None:
    assert north.error("GET", "/status", eventId="no-such-event") == (400, 9708)


def test_another_locations_event_is_unknown_here(sim, north: Caller) -> None:
    from tests.simulator.conftest import bearer_of

    south = Caller(sim, bearer_of(sim, "South Campus"))
    event = north.ok("POST", "/assets/associate", {"assets": A, "serialNumbers": ["s"]})
    assert south.error("GET", "/status", eventId=event["eventId"]) == (400, 9708)


def test_error_bodies_carry_apples_verbatim_message(north: Caller) -> None:
    body = north.post("/assets/associate", {"assets": A}).json()
    assert body["errorMessage"].startswith("Either clientUserIds or serialNumbers are required")


def test_unknown_path_is_404(north: Caller) -> None:
    assert north.http.get("/nothing-here").status_code == 404
