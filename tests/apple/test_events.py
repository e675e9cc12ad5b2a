"""Management calls wait for their event and report per-target failures, partial FAILED
included; the wait is bounded and cancellable."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.apple.fakeapple import EXAMPLES, FakeApple, envelope, ok
from vpp_tui.apple import errors as e
from vpp_tui.apple.clock import Cancelled
from vpp_tui.apple.events import outcome_from
from vpp_tui.apple.models import Asset, StatusResponse

APP = Asset(adamId="408709785", pricingParam="STDQ")
EVENT = envelope(eventId="ev-1")


def status(state: str, done: int = 0, requested: int = 2, **extra: object) -> httpx.Response:
    return ok(envelope(eventStatus=state, eventType="ASSOCIATE", numRequested=requested,
                       numCompleted=done, **extra))


def test_waits_for_complete_polling_at_the_interval() -> None:
    apple = FakeApple()
    apple.on("/assets/associate", ok(EVENT))
    apple.on("/status", status("PENDING", 0), status("PENDING", 1), status("COMPLETE", 2))
    with apple.client(poll_interval=30.0) as client:
        [outcome] = client.associate([APP], client_user_ids=["u1", "u2"])
    assert outcome.ok and outcome.num_completed == 2
    polls = apple.calls("/status")
    assert [p.params["eventId"] for p in polls] == ["ev-1"] * 3
    assert polls[1].at - polls[0].at == pytest.approx(30.0)


def test_partial_failure_names_the_failed_targets() -> None:
    apple = FakeApple()
    apple.on("/assets/associate", ok(EVENT))
    apple.on("/status", ok(EXAMPLES["event_status_failed_associate"]["body"]))
    with apple.client() as client:
        [outcome] = client.associate([APP], client_user_ids=["client-1", "client-4"])
    assert outcome.status == "FAILED" and not outcome.ok
    assert (outcome.num_completed, outcome.num_requested) == (14, 16)
    assert outcome.failed_targets() == {"client-4": 9609}


def test_failures_over_users_devices_and_assets_are_all_reported() -> None:
    body = {"eventStatus": "FAILED", "failures": [
        {"errorNumber": 9709, "errorMessage": "not enough",
         "errorInfo": {"serialNumbers": ["S1", "S2"], "clientUserIds": ["u1"]}},
        {"errorNumber": 9603, "errorInfo": {"assets": [{"adamId": 42, "pricingParam": "STDQ"}]}},
    ]}
    outcome = outcome_from("ev", StatusResponse.model_validate(body))
    assert outcome.failed_targets() == {"S1": 9709, "S2": 9709, "u1": 9709, "42": 9603}
    assert outcome.failures[1].assets == [("42", "STDQ")]


def test_an_event_that_never_ends_times_out() -> None:
    apple = FakeApple()
    apple.on("/assets/associate", ok(EVENT))
    apple.on("/status", status("PENDING"))
    with pytest.raises(e.EventTimeout) as info, \
            apple.client(poll_interval=30.0, event_timeout=300.0) as client:
        client.associate([APP], serial_numbers=["S1"])
    polls = [p.at for p in apple.calls("/status")]
    assert len(polls) >= 9 and polls[-1] - polls[0] <= 300.0  # every 30 s, within 300 s
    assert "ev-1" in str(info.value)


def test_cancel_stops_the_wait() -> None:
    cancel = threading.Event()

    def pending(request: httpx.Request) -> httpx.Response:
        cancel.set()
        return status("PENDING")

    apple = FakeApple()
    apple.on("/assets/associate", ok(EVENT))
    apple.routes["/status"] = pending
    with pytest.raises(Cancelled), apple.client(cancel=cancel) as client:
        client.associate([APP], serial_numbers=["S1"])
    assert len(apple.calls("/status")) == 1


def test_no_wait_returns_the_pending_event() -> None:
    apple = FakeApple()
    apple.on("/assets/revoke", ok(EVENT))
    with apple.client() as client:
        [outcome] = client.revoke(serial_numbers=["S1"], wait=False)
    assert (outcome.event_id, outcome.status) == ("ev-1", "PENDING")
    assert apple.calls("/status") == []


def test_unknown_event_is_a_typed_error() -> None:
    apple = FakeApple()
    apple.on("/status", httpx.Response(400, json={"errorNumber": 9708,
                                                  "errorMessage": "EventId could not be found."}))
    with pytest.raises(e.EventNotFound), apple.client() as client:
        client.wait_event("nope")


def test_progress_reports_event_tasks() -> None:
    seen: list[tuple[str, int, int]] = []
    apple = FakeApple()
    apple.on("/users/retire", ok(EVENT))
    apple.on("/status", status("PENDING", 1), status("COMPLETE", 2))
    with apple.client(on_progress=lambda *a: seen.append(a)) as client:
        client.retire_users(["u1", "u2"])
    assert seen == [("event", 1, 2), ("event", 2, 2)]
