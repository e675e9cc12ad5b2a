"""Asynchronous events over simulated time, and what their tasks do to Apple's state."""

from __future__ import annotations

from tests.simulator.conftest import Caller, asset_row, finish

FIELD_NOTES, GRAPHING_PRO, MATH_SPRINT = "1484000101", "1484000110", "1484000102"
HANDBOOK = "1590000201"


def _status(north: Caller, event_id: str) -> dict:
    return north.ok("GET", "/status", eventId=event_id)


def test_event_is_pending_then_complete_as_the_clock_moves(north: Caller, clock) -> None:
    body = {"assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["S1", "S2", "S3", "S4"]}
    event_id = north.ok("POST", "/assets/associate", body)["eventId"]
    first = _status(north, event_id)
    assert (first["eventStatus"], first["numCompleted"], first["numRequested"]) == (
        "PENDING", 0, 4)
    clock.advance(1.0)
    half = _status(north, event_id)
    assert half["eventStatus"] == "PENDING" and half["numCompleted"] == 2
    clock.advance(1.0)
    done = _status(north, event_id)
    assert (done["eventStatus"], done["numCompleted"], done["eventType"]) == (
        "COMPLETE", 4, "ASSOCIATE")
    assert "failures" not in done
    assert asset_row(north, FIELD_NOTES)["assignedCount"] == 4


def test_num_requested_is_assets_times_targets(north: Caller, clock) -> None:
    body = {"assets": [{"adamId": FIELD_NOTES}, {"adamId": MATH_SPRINT}],
            "clientUserIds": [], "serialNumbers": ["A", "B", "C"]}
    status = finish(north, clock, north.ok("POST", "/assets/associate", body)["eventId"])
    assert status["numRequested"] == 6


def test_running_out_of_licenses_fails_only_the_later_tasks_with_9709(north: Caller,
                                                                       clock) -> None:
    before = asset_row(north, GRAPHING_PRO)
    assert (before["assignedCount"], before["totalCount"]) == (96, 100)
    serials = [f"NEW{i}" for i in range(10)]
    body = {"assets": [{"adamId": GRAPHING_PRO}], "serialNumbers": serials}
    status = finish(north, clock, north.ok("POST", "/assets/associate", body)["eventId"])
    assert status["eventStatus"] == "FAILED"
    assert (status["numCompleted"], status["numRequested"]) == (4, 10)
    [failure] = status["failures"]
    assert failure["errorNumber"] == 9709
    assert failure["errorInfo"]["serialNumbers"] == serials[4:]
    assert failure["errorInfo"]["assets"] == [{"adamId": GRAPHING_PRO, "pricingParam": "STDQ"}]
    assert asset_row(north, GRAPHING_PRO)["availableCount"] == 0


def test_unknown_users_fail_with_9609_grouped(north: Caller, clock) -> None:
    body = {"assets": [{"adamId": FIELD_NOTES}, {"adamId": MATH_SPRINT}],
            "clientUserIds": ["ghost-1", "ghost-2"], "serialNumbers": ["OK1"]}
    status = finish(north, clock, north.ok("POST", "/assets/associate", body)["eventId"])
    assert (status["eventStatus"], status["numCompleted"], status["numRequested"]) == (
        "FAILED", 2, 6)
    assert [(f["errorNumber"], f["errorInfo"]["clientUserIds"]) for f in status["failures"]] == [
        (9609, ["ghost-1", "ghost-2"])]


def test_reassociating_an_existing_assignment_is_a_no_op_success(north: Caller, clock) -> None:
    body = {"assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["SAME"]}
    finish(north, clock, north.ok("POST", "/assets/associate", body)["eventId"])
    again = finish(north, clock, north.ok("POST", "/assets/associate", body)["eventId"])
    assert again["eventStatus"] == "COMPLETE"
    assert asset_row(north, FIELD_NOTES)["assignedCount"] == 1


def test_disassociate_frees_the_license(north: Caller, clock) -> None:
    body = {"assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["S1", "S2"]}
    finish(north, clock, north.ok("POST", "/assets/associate", body)["eventId"])
    status = finish(north, clock, north.ok("POST", "/assets/disassociate", body)["eventId"])
    assert status["eventType"] == "DISASSOCIATE" and status["eventStatus"] == "COMPLETE"
    assert asset_row(north, FIELD_NOTES)["assignedCount"] == 0


def test_revoke_removes_every_revocable_assignment_but_not_books(north: Caller, clock) -> None:
    holders = north.ok("GET", "/assignments", adamId=HANDBOOK)["assignments"]
    reader = holders[0]["clientUserId"]
    held = north.ok("GET", "/assignments", clientUserId=reader)["assignments"]
    assert len(held) > 1
    status = finish(north, clock, north.ok("POST", "/assets/revoke",
                                           {"clientUserIds": [reader]})["eventId"])
    assert status["eventType"] == "REVOKE" and status["numRequested"] == 1
    left = north.ok("GET", "/assignments", clientUserId=reader)["assignments"]
    assert left and all(a["adamId"].startswith("159") for a in left)  # books only


def test_create_users_with_and_without_managed_apple_id(north: Caller, clock) -> None:
    users = [{"clientUserId": "new-1", "email": "new1@contoso.edu",
              "managedAppleId": "new1@appleid.contoso.edu"},
             {"clientUserId": "new-2", "email": "new2@contoso.edu"}]
    status = finish(north, clock, north.ok("POST", "/users/create", {"users": users})["eventId"])
    assert (status["eventType"], status["eventStatus"], status["numRequested"]) == (
        "CREATE", "COMPLETE", 2)
    one = north.ok("GET", "/users", clientUserId="new-1")["users"]
    two = north.ok("GET", "/users", clientUserId="new-2")["users"]
    assert one[0]["status"] == "Associated" and one[0]["idHash"] and "inviteCode" not in one[0]
    assert two[0]["status"] == "Registered" and "idHash" not in two[0]
    code = two[0]["inviteCode"]
    assert len(code) == 32 and int(code, 16) >= 0


def test_creating_a_live_user_again_fails_9716(north: Caller, clock) -> None:
    live = north.ok("GET", "/users", activeOnly="true")["users"][0]["clientUserId"]
    status = finish(north, clock, north.ok("POST", "/users/create", {
        "users": [{"clientUserId": live}]})["eventId"])
    assert status["eventStatus"] == "FAILED"
    assert status["failures"][0]["errorNumber"] == 9716


def test_retire_then_recreate_keeps_a_retired_twin(north: Caller, clock) -> None:
    users = {"users": [{"clientUserId": "twin", "email": "twin@contoso.edu"}]}
    finish(north, clock, north.ok("POST", "/users/create", users)["eventId"])
    finish(north, clock, north.ok("POST", "/users/retire", users)["eventId"])
    finish(north, clock, north.ok("POST", "/users/create", users)["eventId"])
    records = north.ok("GET", "/users", clientUserId="twin")["users"]
    assert sorted(u["status"] for u in records) == ["Registered", "Retired"]
    live = north.ok("GET", "/users", clientUserId="twin", activeOnly="true")["users"]
    assert [u["status"] for u in live] == ["Registered"]
    retired = north.ok("GET", "/users", clientUserId="twin", retiredOnly="true")["users"]
    assert [u["status"] for u in retired] == ["Retired"]


def test_update_with_managed_apple_id_associates(north: Caller, clock) -> None:
    users = {"users": [{"clientUserId": "upd", "email": "upd@contoso.edu"}]}
    finish(north, clock, north.ok("POST", "/users/create", users)["eventId"])
    change = {"users": [{"clientUserId": "upd", "managedAppleId": "upd@appleid.contoso.edu"}]}
    status = finish(north, clock, north.ok("POST", "/users/update", change)["eventId"])
    assert status["eventType"] == "UPDATE" and status["eventStatus"] == "COMPLETE"
    [user] = north.ok("GET", "/users", clientUserId="upd")["users"]
    assert user["status"] == "Associated" and user["idHash"]


def test_retiring_releases_the_users_app_licenses(north: Caller, clock) -> None:
    finish(north, clock, north.ok("POST", "/users/create", {
        "users": [{"clientUserId": "leaver"}]})["eventId"])
    body = {"assets": [{"adamId": FIELD_NOTES}], "clientUserIds": ["leaver"]}
    finish(north, clock, north.ok("POST", "/assets/associate", body)["eventId"])
    assert asset_row(north, FIELD_NOTES)["assignedCount"] == 1
    finish(north, clock, north.ok("POST", "/users/retire", {
        "users": [{"clientUserId": "leaver"}]})["eventId"])
    assert asset_row(north, FIELD_NOTES)["assignedCount"] == 0


def test_accepting_an_invitation_associates_the_user(sim, north: Caller, clock) -> None:
    finish(north, clock, north.ok("POST", "/users/create", {
        "users": [{"clientUserId": "invitee", "email": "i@contoso.edu"}]})["eventId"])
    sim.accept_invitation("North Campus", "invitee")
    [user] = north.ok("GET", "/users", clientUserId="invitee")["users"]
    assert user["status"] == "Associated" and "inviteCode" not in user


def test_the_invitation_link_from_service_config_accepts(sim, north: Caller, clock) -> None:
    finish(north, clock, north.ok("POST", "/users/create", {
        "users": [{"clientUserId": "linked", "email": "l@contoso.edu"}]})["eventId"])
    [user] = north.ok("GET", "/users", clientUserId="linked")["users"]
    template = north.ok("GET", "/service/config")["urls"]["invitationEmail"]
    r = north.http.get(template.replace("%25inviteCode%25", user["inviteCode"]))
    assert r.status_code == 200 and r.json()["accepted"]
    [after] = north.ok("GET", "/users", clientUserId="linked")["users"]
    assert after["status"] == "Associated"


def test_purchase_adds_licenses(sim, north: Caller) -> None:
    sim.purchase("North Campus", GRAPHING_PRO, 50)
    assert asset_row(north, GRAPHING_PRO)["totalCount"] == 150
    sim.purchase("North Campus", "1777777777", 5, product_type="Book")
    book = asset_row(north, "1777777777")
    assert book["productType"] == "Book" and not book["revocable"] and book["totalCount"] == 5


def test_zero_event_delay_completes_at_once(clock) -> None:
    from tests.simulator.conftest import bearer_of
    from vpp_tui.simulator.worlds import build_world

    sim = build_world("demo", clock=clock, event_delay=0, rate_limit=False)
    north = Caller(sim, bearer_of(sim, "North Campus"))
    body = {"assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["Z"]}
    event_id = north.ok("POST", "/assets/associate", body)["eventId"]
    assert north.ok("GET", "/status", eventId=event_id)["eventStatus"] == "COMPLETE"
