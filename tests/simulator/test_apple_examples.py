"""Every Apple-documented response the simulator can answer has Apple's shape (keys and types).

Values are not compared: Apple's examples elide items and disagree on counts (§12.3).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.simulator.conftest import Caller, Inbox, bearer_of
from vpp_tui.apple.clock import FakeClock
from vpp_tui.simulator.notify import Notifier
from vpp_tui.simulator.worlds import build_world

EXAMPLES = json.loads((Path(__file__).parent / "data" / "apple-examples.json").read_text())
FIELD_NOTES, MATH_SPRINT = "1484000101", "1484000102"
EXAM_LOCKDOWN, CONTOSO_CAMPUS = "1484000113", "1484000128"  # 500 devices; 850 licenses free
# Apple's example adamIds, mapped onto apps North Campus owns.
ADAM_MAP = {"408709785": FIELD_NOTES, "377298193": MATH_SPRINT, "361309726": FIELD_NOTES}
# Fields a response may carry beyond one example (documented elsewhere in apple-api.md).
OPTIONAL = {"mdmInfo", "nextPageIndex", "unlimitedAssets", "failures", "errorInfo",
            "notificationUrl", "notificationAuthToken", "countryISO2ACode", "defaultPlatform",
            "locationName", "websiteURL", "email", "inviteCode", "idHash", "errorCodes",
            "notificationTypes", "urls", "tokenExpirationDate"}
PAIRED_REQUEST = {
    "client_config_set_response": "client_config_set_request",
    "client_config_set_response_all_types": "client_config_set_request_all_types",
    "create_users_response": "create_users_request",
    "create_users_response_simple": "create_users_request_simple",
    "update_users_response": "update_users_request",
    "update_users_response_simple": "update_users_request_simple",
    "retire_users_response": "retire_users_request",
    "associate_assets_response": "associate_assets_request",
    "disassociate_assets_response": "disassociate_assets_request",
    "disassociate_assets_response_2": "disassociate_assets_request_no_pricing",
    "revoke_assets_response": "revoke_assets_request",
    "revoke_assets_response_2": "revoke_assets_request_2",
}


def _answerable() -> list[str]:
    names = []
    for name, ex in EXAMPLES.items():
        if not isinstance(ex, dict) or ex.get("trust") != "apple-doc":
            continue
        if ex.get("direction") != "response":
            continue
        path = ex.get("path") or ""
        if path.startswith("/mdm/v2/") and "/subscriptions" not in path:
            names.append(name)
        elif name.startswith("legacy_lookup_response"):
            names.append(name)
    return names


def _remap(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (ADAM_MAP.get(v, v) if k == "adamId" else _remap(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_remap(v) for v in value]
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def assert_same_shape(apple: Any, ours: Any, where: str = "$") -> None:
    if apple is None:
        return  # Apple printed null: any type is allowed
    assert _kind(ours) == _kind(apple), f"{where}: {_kind(ours)} where Apple has {_kind(apple)}"
    if isinstance(apple, dict):
        missing = set(apple) - set(ours)
        assert not missing, f"{where}: missing {sorted(missing)}"
        extra = set(ours) - set(apple) - OPTIONAL
        # `limits` and `urls` are open maps ("Any Key"); abbreviated examples omit keys.
        assert not extra or where.endswith((".limits", ".urls")), f"{where}: fields Apple never sends here: {sorted(extra)}"
        for key, value in apple.items():
            assert_same_shape(value, ours[key], f"{where}.{key}")
    elif isinstance(apple, list) and apple and ours:
        # Records come in variants (user or device assignment; Registered or Retired user):
        # each of Apple's must have a counterpart of ours with at least its fields.
        for i, item in enumerate(apple):
            twin = next((o for o in ours if not isinstance(item, dict)
                         or (isinstance(o, dict) and set(item) <= set(o))), None)
            assert twin is not None, f"{where}[{i}]: no record shaped like {sorted(item)}"
            assert_same_shape(item, twin, f"{where}[{i}]")


def _event_after(caller: Caller, clock: FakeClock, body: dict, seconds: float) -> dict:
    event_id = caller.ok("POST", "/assets/associate", body)["eventId"]
    clock.advance(seconds)
    return caller.ok("GET", "/status", eventId=event_id)


def _users_scenario(caller: Caller, clock: FakeClock, name: str) -> dict:
    users = [{"clientUserId": "ex-1", "email": "ex-1@contoso.edu"},
             {"clientUserId": "ex-2", "email": "ex-2@contoso.edu"}]
    event_id = caller.ok("POST", "/users/create", {"users": users})["eventId"]
    clock.advance(1.0 if "pending" in name else 10)
    return caller.ok("GET", "/status", eventId=event_id)


def answer(name: str) -> tuple[int, Any]:
    clock = FakeClock()
    sim = build_world("demo", clock=clock, rate_limit=False, page_size=100)
    sim.notifier = Notifier(post=Inbox(), delays=())  # Apple's example URLs: never dialled
    caller = Caller(sim, bearer_of(sim, "North Campus"))
    ex = EXAMPLES[name]
    if name.startswith("legacy_lookup_response"):
        ids = {"legacy_lookup_response_empty": "999"}.get(name, FIELD_NOTES)
        r = caller.http.get("http://vpp-sim.invalid/WebObjects/MZStorePlatform.woa/wa/lookup",
                            params={"version": "2", "id": ids, "p": "mdm-lockup",
                                    "caller": "MDM", "platform": "volumestore", "cc": "us"})
        return r.status_code, r.json()
    path = ex["path"].removeprefix("/mdm/v2")
    query = _remap(dict(ex.get("query") or {}))
    if name == "client_config_get_response":
        caller.ok("POST", "/client/config", EXAMPLES["client_config_set_request"]["body"])
    if name.startswith("paginated_assignments") and "since" not in name:
        query["adamId"] = EXAM_LOCKDOWN  # Apple's pages show device assignments
    if name == "paginated_assignments_since_version":
        query["sinceVersionId"] = caller.ok("GET", "/assignments")["versionId"]
        serials = [f"S{i:03d}" for i in range(150)]  # more than one page of changes
        caller.ok("POST", "/assets/associate", {"assets": [{"adamId": CONTOSO_CAMPUS}],
                                                "serialNumbers": serials})
        clock.advance(10)
    if name == "paginated_assignments_last_page":
        pages = caller.ok("GET", "/assignments", adamId=EXAM_LOCKDOWN)["totalPages"]
        query["pageIndex"] = str(pages - 1)
    if name.startswith("event_status_"):
        if "create" in name:
            return 200, _users_scenario(caller, clock, name)
        if name == "event_status_failed_all":
            body = {"assets": [{"adamId": FIELD_NOTES}], "clientUserIds": ["nobody-1", "no-2"]}
            return 200, _event_after(caller, clock, body, 10)
        if name == "event_status_failed_associate":
            body = {"assets": [{"adamId": FIELD_NOTES}, {"adamId": MATH_SPRINT}],
                    "clientUserIds": ["nobody"], "serialNumbers": ["S1", "S2"]}
            return 200, _event_after(caller, clock, body, 10)
        body = {"assets": [{"adamId": FIELD_NOTES}], "serialNumbers": ["S1", "S2", "S3", "S4"]}
        return 200, _event_after(caller, clock, body, 1.0 if "pending" in name else 10)
    if name == "error_response_9726":
        r = caller.http.delete("/assets")
        return r.status_code, r.json()
    if ex["method"] == "POST":
        request = _remap(EXAMPLES[PAIRED_REQUEST[name]]["body"])
        r = caller.post(path, request)
    else:
        r = caller.get(path, **query)
    return r.status_code, r.json()


@pytest.mark.parametrize("name", _answerable())
def test_simulator_answers_with_apples_documented_shape(name: str) -> None:
    ex = EXAMPLES[name]
    status, body = answer(name)
    assert status == ex.get("http_status", 200), body
    if name.startswith("legacy_lookup_response"):
        # The lookup's per-result field list is long and varies; the envelope and the
        # fields a console reads must match.
        assert set(body) == set(ex["body"])
        for result in body["results"].values():
            for key in ("id", "name", "kind", "deviceFamilies", "offers", "artwork", "url",
                        "isVppDeviceBasedLicensingEnabled"):
                assert key in result, key
        return
    assert_same_shape(ex["body"], body)


def test_every_v2_endpoint_example_is_covered() -> None:
    covered = {EXAMPLES[n]["path"] for n in _answerable() if EXAMPLES[n].get("path")}
    assert {"/mdm/v2/service/config", "/mdm/v2/client/config", "/mdm/v2/assets",
            "/mdm/v2/assignments", "/mdm/v2/users", "/mdm/v2/status",
            "/mdm/v2/assets/associate", "/mdm/v2/assets/disassociate",
            "/mdm/v2/assets/revoke", "/mdm/v2/users/create", "/mdm/v2/users/update",
            "/mdm/v2/users/retire"} <= covered
