"""`vpp-tui simulator --control` (simulator.control) and random faults (`chance=P`)."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.simulator.conftest import ORIGIN, Caller
from vpp_tui.simulator import faults
from vpp_tui.simulator.control import CONTROL_PATH
from vpp_tui.simulator.faults import parse_fault
from vpp_tui.simulator.transport import SimulatorTransport


def control(sim, method: str = "GET", body: object = None) -> httpx.Response:  # noqa: ANN001
    with httpx.Client(transport=SimulatorTransport(sim), base_url=ORIGIN) as http:
        if method == "GET":
            return http.get(CONTROL_PATH)
        return http.post(CONTROL_PATH, json=body)


def test_control_is_not_served_unless_asked_for(sim) -> None:
    assert control(sim).status_code == 404


def test_control_adds_and_clears_faults_and_sets_the_event_delay(sim, north: Caller) -> None:
    sim.control = True
    shown = control(sim, "POST", {"faults": ["429:count=*"], "event_delay": 0.5}).json()
    assert shown["event_delay"] == 0.5 and [f["kind"] for f in shown["faults"]] == ["429"]
    assert north.get("/assets").status_code == 429
    assert control(sim).status_code == 200  # the control path is spared by every fault
    after = control(sim, "POST", {"clear_faults": True}).json()
    assert after == {"event_delay": 0.5, "faults": []}
    assert north.get("/assets").status_code == 200


@pytest.mark.parametrize("body", [["429"], {"faults": "429"}, {"faults": ["teapot"]},
                                  {"event_delay": -1}, {"event_delay": "soon"}])
def test_a_bad_control_body_is_400_and_changes_nothing(sim, body) -> None:
    sim.control = True
    control(sim, "POST", {"faults": ["latency:ms=5"], "event_delay": 1})
    answer = control(sim, "POST", body)
    assert answer.status_code == 400 and answer.json()["error"]
    assert control(sim).json()["event_delay"] == 1
    assert [f["kind"] for f in control(sim).json()["faults"]] == ["latency"]


def test_a_fault_with_chance_hits_some_matching_requests(sim, north: Caller,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(faults, "_RNG", faults.random.Random(7))
    sim.add_fault("429:count=*:chance=0.5")
    codes = [north.get("/assets").status_code for _ in range(40)]
    assert 0 < codes.count(429) < 40 and set(codes) == {200, 429}
    assert parse_fault("5xx:chance=0.25").chance == 0.25


@pytest.mark.parametrize("spec", ["429:chance=0", "429:chance=1.5", "429:chance=often"])
def test_a_chance_outside_0_to_1_is_refused(spec) -> None:
    with pytest.raises(ValueError, match="chance"):
        parse_fault(spec)


def test_a_held_request_waits_until_control_releases_it(sim, north: Caller) -> None:
    sim.control = True
    entered = threading.Event()

    class Gate(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            entered.set()
            return super().wait(timeout)

    sim.holds = Gate()
    sim.add_fault("hold:path=/users")
    answers: list[int] = []
    caller = threading.Thread(target=lambda: answers.append(north.get("/users").status_code))
    caller.start()
    assert entered.wait(10), "the request never reached the hold"
    assert answers == []  # held
    assert control(sim, "POST", {"release_holds": True}).status_code == 200
    caller.join(10)
    assert answers == [200]
    assert north.get("/users").status_code == 200  # count=1: the next one is not held


def test_a_hold_ends_after_its_timeout(sim, north: Caller) -> None:
    sim.add_fault("hold:timeout=0.01")
    assert north.get("/assets").status_code == 200
    assert parse_fault("hold:timeout=5").timeout == 5.0
