"""Page-index paging and versioned deltas, as Apple's paginated endpoints behave."""

from __future__ import annotations

import pytest

from tests.simulator.conftest import Caller, bearer_of, finish
from vpp_tui.simulator.worlds import build_world

FIELD_NOTES, EXAM_LOCKDOWN = "1484000101", "1484000113"


@pytest.fixture
def small(clock):
    sim = build_world("demo", clock=clock, rate_limit=False, page_size=50)
    return sim, Caller(sim, bearer_of(sim, "North Campus"))


def test_next_page_index_only_while_another_page_exists(small) -> None:
    _, north = small
    first = north.ok("GET", "/assignments", adamId=EXAM_LOCKDOWN)
    assert first["totalPages"] == 10 and first["size"] == 50 and first["nextPageIndex"] == 1
    last = north.ok("GET", "/assignments", adamId=EXAM_LOCKDOWN, pageIndex=9)
    assert last["currentPageIndex"] == 9 and "nextPageIndex" not in last


def test_walking_every_page_returns_each_record_once(small) -> None:
    sim, north = small
    seen, index = [], 0
    while True:
        page = north.ok("GET", "/assignments", pageIndex=index)
        # Apple keys an assignment by pricingParam too: one user may hold both editions.
        seen += [(a["adamId"], a.get("pricingParam"), a.get("clientUserId")
                  or a["serialNumber"]) for a in page["assignments"]]
        if "nextPageIndex" not in page:
            break
        index = page["nextPageIndex"]
    assert len(seen) == len(set(seen)) == len(sim.location("North Campus").assignments)


@pytest.mark.parametrize("index", ["10", "99", "-1", "x"])
def test_page_index_out_of_range_is_9650(small, index) -> None:
    _, north = small
    assert north.error("GET", "/assignments", adamId=EXAM_LOCKDOWN, pageIndex=index) == (400,
                                                                                         9650)


def test_an_empty_result_is_page_zero_of_zero(north: Caller) -> None:
    page = north.ok("GET", "/assignments", adamId=FIELD_NOTES)
    assert page["assignments"] == [] and page["totalPages"] == 0 and page["size"] == 0
    assert "nextPageIndex" not in page
    assert north.error("GET", "/assignments", adamId=FIELD_NOTES, pageIndex=1) == (400, 9650)


def test_asset_filters(north: Caller) -> None:
    books = north.ok("GET", "/assets", productType="Book")["assets"]
    assert books and all(a["productType"] == "Book" and not a["revocable"] for a in books)
    assert {a["pricingParam"] for a in books} == {"STDQ", "PLUS"}
    plus = north.ok("GET", "/assets", pricingParam="PLUS")["assets"]
    assert plus and all(a["pricingParam"] == "PLUS" for a in plus)
    no_dev = north.ok("GET", "/assets", deviceAssignable="false")["assets"]
    assert no_dev and all(not a["deviceAssignable"] for a in no_dev)
    scarce = north.ok("GET", "/assets", maxAvailableCount=4)["assets"]
    assert {a["availableCount"] for a in scarce} <= {0, 1, 2, 3, 4} and scarce
    busy = north.ok("GET", "/assets", minAssignedCount=150)["assets"]
    assert busy and all(a["assignedCount"] >= 150 for a in busy)


def test_unlimited_assets_by_the_unlimited_parameter(north: Caller) -> None:
    plain = {a["adamId"]: a for a in north.ok("GET", "/assets")["assets"]}
    timer = plain["1484000111"]  # Classroom Timer: free, unlimited
    assert timer["totalCount"] == 2147483647
    split = north.ok("GET", "/assets", unlimited="true")
    assert "1484000111" not in {a["adamId"] for a in split["assets"]}
    unl = {a["adamId"]: a for a in split["unlimitedAssets"]}
    assert "1484000111" in unl
    assert not {"totalCount", "availableCount", "retiredCount"} & set(unl["1484000111"])
    excluded = north.ok("GET", "/assets", unlimited="false")
    assert "1484000111" not in {a["adamId"] for a in excluded["assets"]}
    assert "unlimitedAssets" not in excluded


def test_assignment_filters_and_user_state(north: Caller) -> None:
    page = north.ok("GET", "/assignments", adamId="1484000110", includeUserState="true")
    users = [a for a in page["assignments"] if "clientUserId" in a]
    devices = [a for a in page["assignments"] if "serialNumber" in a]
    assert len(users) + len(devices) == 96
    assert all("userStatus" in a for a in users) and all("userStatus" not in a for a in devices)
    one = users[0]["clientUserId"]
    mine = north.ok("GET", "/assignments", clientUserId=one)["assignments"]
    assert mine and all(a["clientUserId"] == one for a in mine)


def test_delta_returns_only_changes_with_a_new_version(north: Caller, clock) -> None:
    v1 = north.ok("GET", "/assignments")["versionId"]
    event = north.ok("POST", "/assets/associate",
                     {"assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["D1", "D2"]})
    finish(north, clock, event["eventId"])
    delta = north.ok("GET", "/assignments", sinceVersionId=v1)
    assert [a["serialNumber"] for a in delta["assignments"]] == ["D1", "D2"]
    assert delta["versionId"] != v1
    again = north.ok("GET", "/assignments", sinceVersionId=delta["versionId"])
    assert again["assignments"] == [] and again["versionId"] == delta["versionId"]


def test_users_delta_shows_retirement(north: Caller, clock) -> None:
    users = north.ok("GET", "/users", activeOnly="true")
    victim = users["users"][0]["clientUserId"]
    event = north.ok("POST", "/users/retire", {"users": [{"clientUserId": victim}]})
    finish(north, clock, event["eventId"])
    delta = north.ok("GET", "/users", sinceVersionId=users["versionId"])
    assert [(u["clientUserId"], u["status"]) for u in delta["users"]] == [(victim, "Retired")]


@pytest.mark.parametrize("path", ["/assignments", "/users"])
def test_unknown_since_version_is_9721(north: Caller, path) -> None:
    assert north.error("GET", path, sinceVersionId="not-a-version") == (400, 9721)


def test_assets_ignore_since_version(north: Caller) -> None:
    assert north.ok("GET", "/assets", sinceVersionId="whatever")["assets"]


def test_a_write_changes_the_version_mid_traversal(small, clock) -> None:
    _, north = small
    first = north.ok("GET", "/assignments")
    event = north.ok("POST", "/assets/associate",
                     {"assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["X1"]})
    finish(north, clock, event["eventId"])
    assert north.ok("GET", "/assignments", pageIndex=1)["versionId"] != first["versionId"]


def test_exclude_inactive_users_drops_retired_holders(north: Caller, clock) -> None:
    book = "1590000202"  # Algebra I Workbook: books stay with a retired user
    holder = north.ok("GET", "/assignments", adamId=book)["assignments"][0]["clientUserId"]
    finish(north, clock, north.ok("POST", "/users/retire", {
        "users": [{"clientUserId": holder}]})["eventId"])
    kept = north.ok("GET", "/assignments", adamId=book)["assignments"]
    assert holder in {a["clientUserId"] for a in kept}
    active = north.ok("GET", "/assignments", adamId=book, excludeInactiveUsers="true")
    assert holder not in {a["clientUserId"] for a in active["assignments"]}


def test_token_expiration_date_only_near_expiry_when_configured(sim) -> None:
    sim.expiry_window_days = 15
    north = Caller(sim, bearer_of(sim, "North Campus"))
    south = Caller(sim, bearer_of(sim, "South Campus"))
    assert "tokenExpirationDate" not in north.ok("GET", "/client/config")
    assert "tokenExpirationDate" in south.ok("GET", "/client/config")
