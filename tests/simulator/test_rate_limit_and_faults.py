"""Per-token rate limiting on the injected clock, and every kind of injected fault."""

from __future__ import annotations

import pytest

from tests.simulator.conftest import Caller, bearer_of
from vpp_tui.simulator.faults import parse_fault
from vpp_tui.simulator.worlds import build_world


@pytest.fixture
def limited(clock):
    return build_world("demo", clock=clock, rate_limit=True)


def test_the_sixteenth_request_in_a_second_is_429_9646(limited, clock) -> None:
    north = Caller(limited, bearer_of(limited, "North Campus"))
    for _ in range(15):
        assert north.get("/assets").status_code == 200
    r = north.get("/assets")
    assert (r.status_code, r.json()["errorNumber"]) == (429, 9646)
    assert r.headers["Retry-After"] == "1"
    clock.advance(1.0)
    assert north.get("/assets").status_code == 200


def test_the_limit_is_per_location(limited) -> None:
    north = Caller(limited, bearer_of(limited, "North Campus"))
    south = Caller(limited, bearer_of(limited, "South Campus"))
    for _ in range(15):
        north.get("/assets")
    assert north.get("/assets").status_code == 429
    assert south.get("/assets").status_code == 200


def test_service_config_is_not_rate_limited(limited) -> None:
    anyone = Caller(limited, None)
    assert all(anyone.get("/service/config").status_code == 200 for _ in range(40))


@pytest.mark.parametrize(("spec", "expected"), [
    ("429:count=5", {"kind": "429", "count": 5}),
    ("5xx:status=503:count=2:retry_after=3", {"kind": "5xx", "status": 503, "count": 2,
                                              "retry_after": 3.0}),
    ("latency:ms=200", {"kind": "latency", "ms": 200, "count": None}),
    ("error200:code=9646:count=3", {"kind": "error200", "code": 9646, "count": 3}),
    ("revoke:location=North Campus:after=10", {"kind": "revoke", "location": "North Campus",
                                               "after": 10}),
    ("claim:location=North Campus:name=Jamf Pro:after=5", {"kind": "claim", "name": "Jamf Pro",
                                                           "after": 5}),
    ("429:count=*:path=/assets", {"count": None, "path": "/assets"}),
])
def test_parse_fault(spec, expected) -> None:
    fault = parse_fault(spec)
    assert {k: getattr(fault, k) for k in expected} == expected


@pytest.mark.parametrize(("spec", "words"), [
    ("teapot", "unknown fault"), ("429:colour=red", "bad option"), ("429:count=lots", "number"),
    ("revoke", "location"), ("5xx:status=418", "status"),
])
def test_bad_fault_specs_say_what_is_wrong(spec, words) -> None:
    with pytest.raises(ValueError, match=words):
        parse_fault(spec)


def test_429_burst_then_normal(sim, north: Caller) -> None:
    sim.add_fault("429:count=2")
    assert [north.get("/assets").status_code for _ in range(3)] == [429, 429, 200]


def test_5xx_with_retry_after(sim, north: Caller) -> None:
    sim.add_fault("5xx:status=503:count=1:retry_after=3")
    r = north.get("/users")
    assert (r.status_code, r.json()["errorNumber"], r.headers["Retry-After"]) == (503, 9729, "3")
    sim.add_fault("5xx:status=500")
    r = north.get("/users")
    assert (r.status_code, r.json()["errorNumber"]) == (500, 9603)
    assert north.get("/users").status_code == 200


def test_error_inside_http_200(sim, north: Caller) -> None:
    sim.add_fault("error200:code=9646:count=1")
    r = north.get("/assets")
    assert (r.status_code, r.json()) == (200, {
        "errorNumber": 9646,
        "errorMessage": "There are too many recent requests. Try again momentarily."})


def test_latency_passes_on_the_injected_clock(sim, north: Caller, clock) -> None:
    sim.add_fault("latency:ms=250")
    before = clock.monotonic()
    north.get("/assets")
    assert clock.monotonic() - before == pytest.approx(0.25)


def test_faults_spare_service_config_unless_aimed_at_it(sim) -> None:
    anyone = Caller(sim, None)
    sim.add_fault("429:count=*")
    assert anyone.get("/service/config").status_code == 200
    sim.clear_faults()
    sim.add_fault("5xx:path=/service/config")
    assert anyone.get("/service/config").status_code == 503


def test_after_lets_requests_through_first(sim, north: Caller) -> None:
    sim.add_fault("429:after=2")
    assert [north.get("/assets").status_code for _ in range(4)] == [200, 200, 429, 200]


def test_revoked_mid_run(sim, north: Caller) -> None:
    sim.add_fault("revoke:location=North Campus:after=2")
    assert [north.get("/assets").status_code for _ in range(2)] == [200, 200]
    assert north.error("GET", "/assets") == (401, 9625)


def test_claimed_by_another_mdm_mid_run(sim, north: Caller) -> None:
    mine = {"id": "mine", "name": "vpp-tui", "metadata": "console"}
    north.ok("POST", "/client/config", {"mdmInfo": mine})
    sim.add_fault("claim:location=North Campus:name=Jamf Pro:after=1")
    assert north.ok("GET", "/assets")["mdmInfo"] == mine
    assert north.ok("GET", "/assets")["mdmInfo"]["name"] == "Jamf Pro"


def test_a_location_fault_spares_other_locations(sim, north: Caller) -> None:
    south = Caller(sim, bearer_of(sim, "South Campus"))
    sim.add_fault("429:location=South Campus:count=*")
    assert north.get("/assets").status_code == 200
    assert south.get("/assets").status_code == 429
