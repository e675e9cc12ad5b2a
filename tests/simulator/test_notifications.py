"""The simulator POSTs what Apple POSTs (apple-api.md §8): a TEST_NOTIFICATION when a URL is
set (9728 when it cannot be reached), then ASSET_MANAGEMENT per finished event, ASSET_COUNT,
USER_MANAGEMENT and USER_ASSOCIATED, with the bearer and up to 3 attempts, off the request
path (a background sender awaited with `drain`, never a sleep)."""

from __future__ import annotations

import threading

from tests.simulator.conftest import Caller, Inbox, finish
from vpp_tui.simulator.notify import Notifier

FIELD_NOTES, GRAPHING_PRO = "1484000101", "1484000110"
URL = "https://mdm.example.com/notify"
ALL = ["ASSET_MANAGEMENT", "ASSET_COUNT", "USER_MANAGEMENT", "USER_ASSOCIATED"]


def _subscribe(north: Caller, types: list[str] = ALL) -> dict:
    return north.ok("POST", "/client/config", {
        "notificationUrl": URL, "notificationAuthToken": "s3cret", "notificationTypes": types})


def test_setting_a_notification_url_posts_a_test_notification_with_the_bearer(
        north: Caller, inbox: Inbox) -> None:
    _subscribe(north)
    [(url, headers, body)] = inbox.received
    assert url == URL and headers["Authorization"] == "Bearer s3cret"
    assert body["notificationType"] == "TEST_NOTIFICATION" and body["notification"] == {}
    assert body["uId"] == north.ok("GET", "/client/config")["uId"] and body["notificationId"]


def test_unreachable_notification_url_is_9728_and_nothing_is_kept(
        sim, north: Caller, inbox: Inbox) -> None:
    inbox.reachable = False
    assert north.error("POST", "/client/config", {
        "notificationUrl": URL, "notificationAuthToken": "s3cret"}) == (400, 9728)
    assert "notificationUrl" not in north.ok("GET", "/client/config")
    assert sim.notifier.log[-1].attempts == 3


def test_a_non_2xx_answer_is_retried_up_to_3_times(sim, north: Caller, inbox: Inbox) -> None:
    inbox.status = 503
    assert north.error("POST", "/client/config", {
        "notificationUrl": URL, "notificationAuthToken": "s3cret"}) == (400, 9728)
    assert len(inbox.received) == 3


def test_plain_http_is_accepted_only_for_a_loopback_receiver(north: Caller) -> None:
    assert north.error("POST", "/client/config", {
        "notificationUrl": "http://mdm.example.com/n", "notificationAuthToken": "s"}) == (
        400, 9712)
    north.ok("POST", "/client/config", {"notificationUrl": "http://127.0.0.1:9/n",
                                        "notificationAuthToken": "s"})


def test_finished_assignment_event_sends_asset_management(sim, north: Caller, clock,
                                                          inbox: Inbox) -> None:
    _subscribe(north)
    body = {"assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["S1", "S2"]}
    event_id = north.ok("POST", "/assets/associate", body)["eventId"]
    sim.notifier.drain()
    assert inbox.of_type("ASSET_MANAGEMENT") == []  # still pending: nothing yet
    finish(north, clock, event_id)
    sim.notifier.drain()
    [note] = inbox.of_type("ASSET_MANAGEMENT")
    assert note["notification"] == {
        "assignments": [{"adamId": FIELD_NOTES, "pricingParam": "STDQ", "serialNumber": s}
                        for s in ("S1", "S2")],
        "eventId": event_id, "result": "SUCCESS", "type": "ASSOCIATE"}


def test_partly_failed_event_sends_success_and_one_failure_per_error(
        sim, north: Caller, clock, inbox: Inbox) -> None:
    _subscribe(north)
    serials = [f"NEW{i}" for i in range(6)]  # 4 licenses left: 2 fail with 9709
    finish(north, clock, north.ok("POST", "/assets/associate", {
        "assets": [{"adamId": GRAPHING_PRO}], "serialNumbers": serials})["eventId"])
    sim.notifier.drain()
    ok, failed = (n["notification"] for n in inbox.of_type("ASSET_MANAGEMENT"))
    assert ok["result"] == "SUCCESS" and len(ok["assignments"]) == 4
    assert failed["result"] == "FAILURE" and failed["error"]["errorNumber"] == 9709
    assert [a["serialNumber"] for a in failed["assignments"]] == serials[4:]


def test_a_notification_carries_at_most_100_elements(sim, north: Caller, clock,
                                                     inbox: Inbox) -> None:
    _subscribe(north)
    sim.purchase("North Campus", FIELD_NOTES, 200)
    serials = [f"B{i}" for i in range(150)]
    finish(north, clock, north.ok("POST", "/assets/associate", {
        "assets": [{"adamId": FIELD_NOTES}], "serialNumbers": serials})["eventId"])
    sim.notifier.drain()
    sizes = [len(n["notification"]["assignments"]) for n in inbox.of_type("ASSET_MANAGEMENT")]
    assert sizes == [100, 50]


def test_purchase_and_refund_send_asset_count_with_the_delta(sim, north: Caller,
                                                             inbox: Inbox) -> None:
    _subscribe(north)
    sim.purchase("North Campus", GRAPHING_PRO, 25)
    sim.purchase("North Campus", GRAPHING_PRO, -10)
    sim.notifier.drain()
    assert [n["notification"] for n in inbox.of_type("ASSET_COUNT")] == [
        {"adamId": GRAPHING_PRO, "countDelta": 25, "pricingParam": "STDQ"},
        {"adamId": GRAPHING_PRO, "countDelta": -10, "pricingParam": "STDQ"}]


def test_user_events_and_accepted_invitations_send_user_notifications(
        sim, north: Caller, clock, inbox: Inbox) -> None:
    _subscribe(north)
    event_id = north.ok("POST", "/users/create", {
        "users": [{"clientUserId": "invitee", "email": "i@contoso.edu"}]})["eventId"]
    finish(north, clock, event_id)
    sim.accept_invitation("North Campus", "invitee")
    sim.notifier.drain()
    [created] = inbox.of_type("USER_MANAGEMENT")
    assert created["notification"]["eventId"] == event_id
    assert created["notification"]["type"] == "CREATE"
    assert created["notification"]["users"][0]["status"] == "Registered"
    [accepted] = inbox.of_type("USER_ASSOCIATED")
    [user] = accepted["notification"]["associatedUsers"]
    assert (user["clientUserId"], user["status"]) == ("invitee", "Associated")
    assert "eventId" not in accepted["notification"]


def test_only_subscribed_types_are_sent(sim, north: Caller, clock, inbox: Inbox) -> None:
    _subscribe(north, ["ASSET_COUNT"])
    finish(north, clock, north.ok("POST", "/assets/associate", {
        "assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["S1"]})["eventId"])
    sim.purchase("North Campus", GRAPHING_PRO, 1)
    sim.notifier.drain()
    assert [b["notificationType"] for _u, _h, b in inbox.received] == [
        "TEST_NOTIFICATION", "ASSET_COUNT"]


def test_a_slow_receiver_does_not_block_the_simulator(sim, north: Caller, clock) -> None:
    gate, entered = threading.Event(), threading.Event()
    inbox = Inbox()

    def slow(url: str, headers: dict[str, str], body: bytes) -> int:
        if b"TEST_NOTIFICATION" not in body:
            entered.set()
            gate.wait(30)
        return inbox(url, headers, body)

    sim.notifier = Notifier(post=slow, delays=())
    _subscribe(north)
    sim.purchase("North Campus", GRAPHING_PRO, 1)
    assert entered.wait(30)  # the sender is stuck inside the receiver...
    assert north.ok("GET", "/client/config")["locationName"]  # ...and requests still run
    gate.set()
    sim.notifier.drain()
    assert len(inbox.of_type("ASSET_COUNT")) == 1
    sim.notifier.close()


def test_the_served_simulator_finishes_events_without_being_polled(sim, north: Caller,
                                                                   clock, inbox) -> None:
    _subscribe(north)
    north.ok("POST", "/assets/associate", {"assets": [{"adamId": FIELD_NOTES}],
                                           "serialNumbers": ["S9"]})
    clock.advance(60)
    sim.tick_all()
    sim.notifier.drain()
    assert len(inbox.of_type("ASSET_MANAGEMENT")) == 1
