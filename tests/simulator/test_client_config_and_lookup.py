"""`mdmInfo` claims and their echo, notification settings, and the metadata lookup per store."""

from __future__ import annotations

import pytest

from tests.simulator.conftest import ORIGIN, Caller, bearer_of

MINE = {"id": "0f3c2e1a-mine", "name": "vpp-tui", "metadata": "console 1.0"}
LOOKUP = f"{ORIGIN}/WebObjects/MZStorePlatform.woa/wa/lookup"
FIELD_NOTES, TRANSLATE_NOW, CONTOSO_CAMPUS = "1484000101", "1484000135", "1484000128"
MUSIC_MAKER, HANDBOOK = "1484000115", "1590000201"


def test_unclaimed_location_has_no_mdm_info(north: Caller) -> None:
    assert "mdmInfo" not in north.ok("GET", "/client/config")
    assert "mdmInfo" not in north.ok("GET", "/assets")


def test_claim_is_echoed_on_every_response(north: Caller, clock) -> None:
    answer = north.ok("POST", "/client/config", {"mdmInfo": MINE})
    assert answer["mdmInfo"] == MINE
    event = north.ok("POST", "/assets/associate", {"assets": [{"adamId": FIELD_NOTES}],
                                                   "serialNumbers": ["S"]})
    assert event["mdmInfo"] == MINE
    for path, params in [("/client/config", {}), ("/assets", {}), ("/assignments", {}),
                         ("/users", {}), ("/status", {"eventId": event["eventId"]})]:
        assert north.ok("GET", path, **params)["mdmInfo"] == MINE, path


def test_science_dept_is_held_by_jamf_pro(sim) -> None:
    science = Caller(sim, bearer_of(sim, "Science Dept"))
    assert science.ok("GET", "/client/config")["mdmInfo"]["name"] == "Jamf Pro"


def test_claim_by_other_hook_replaces_the_owner(sim, north: Caller) -> None:
    north.ok("POST", "/client/config", {"mdmInfo": MINE})
    sim.claim_by_other("North Campus", "Mosyle")
    info = north.ok("GET", "/users")["mdmInfo"]
    assert info["name"] == "Mosyle" and info["id"] != MINE["id"]


@pytest.mark.parametrize(("body", "number"), [
    ({"mdmInfo": {"id": "x", "name": "y"}}, 9723),
    ({"mdmInfo": {"id": "", "name": "y", "metadata": "z"}}, 9723),
    ({"mdmInfo": {"id": "x" * 101, "name": "y", "metadata": "z"}}, 9724),
    ({"mdmInfo": {"id": "x", "name": "y" * 101, "metadata": "z"}}, 9725),
    ({"mdmInfo": {"id": "x", "name": "y", "metadata": "z" * 256}}, 9713),
    ({"notificationUrl": "https://mdm.example.com/n"}, 9710),
    ({"notificationAuthToken": "secret"}, 9710),
    ({"notificationUrl": "http://mdm.example.com/n", "notificationAuthToken": "s"}, 9712),
    ({"notificationUrl": "https://mdm.example.com/n?x=1", "notificationAuthToken": "s"}, 9712),
    ({"notificationUrl": "https://mdm.example.com/" + "n" * 512, "notificationAuthToken": "s"},
     9711),
    ({"notificationTypes": ["NOT_A_TYPE"]}, 9602),
])
def test_client_config_validation(north: Caller, body, number) -> None:
    assert north.error("POST", "/client/config", body) == (400, number)
    assert "mdmInfo" not in north.ok("GET", "/client/config")


def test_notification_settings_are_kept(north: Caller) -> None:
    north.ok("POST", "/client/config", {
        "notificationUrl": "https://mdm.example.com/n", "notificationAuthToken": "s3cret",
        "notificationTypes": ["ASSET_COUNT", "ASSET_MANAGEMENT"]})
    config = north.ok("GET", "/client/config")
    assert config["notificationUrl"] == "https://mdm.example.com/n"
    assert config["subscribedNotificationTypes"] == ["ASSET_COUNT", "ASSET_MANAGEMENT"]


def test_service_config_urls_point_back_at_the_simulator(north: Caller) -> None:
    urls = north.ok("GET", "/service/config")["urls"]
    assert urls["getAssets"] == f"{ORIGIN}/mdm/v2/assets"
    assert urls["contentMetadataLookup"] == LOOKUP
    assert "%25inviteCode%25" in urls["invitationEmail"]
    assert urls["invitationEmail"].startswith(ORIGIN)


def _lookup(caller: Caller, ids: str, cc: str = "us", platform: str = "volumestore",
            cookie: str | None = None, **extra: str):
    params = {"version": "2", "id": ids, "p": "mdm-lockup", "caller": "MDM",
              "platform": platform, "cc": cc, "l": "en", **extra}
    headers = {"Cookie": f"itvt={cookie}"} if cookie else {}
    return caller.http.get(LOOKUP, params=params, headers=headers)


def test_lookup_returns_results_keyed_by_id(north: Caller) -> None:
    body = _lookup(north, f"{FIELD_NOTES},{HANDBOOK}").json()
    notes = body["results"][FIELD_NOTES]
    assert notes["name"] == "Field Notes" and notes["kind"] == "iosSoftware"
    assert notes["offers"][0]["version"]["display"] == "4.2.1"
    assert "ipad" in notes["deviceFamilies"] and notes["isVppDeviceBasedLicensingEnabled"]
    assert notes["url"].startswith("https://apps.apple.com/us/app/")
    assert "{w}x{h}bb" in notes["artwork"]["url"]
    assert body["results"][HANDBOOK]["kind"] == "epubBook"
    assert body["isAuthenticated"] is False and body["meta"]["storefront"]["cc"] == "US"


def test_an_app_missing_from_a_country_store_has_no_result(north: Caller) -> None:
    us = _lookup(north, f"{FIELD_NOTES},{TRANSLATE_NOW}").json()["results"]
    fr = _lookup(north, f"{FIELD_NOTES},{TRANSLATE_NOW}", cc="fr").json()
    assert set(us) == {FIELD_NOTES, TRANSLATE_NOW}
    assert set(fr["results"]) == {FIELD_NOTES}
    assert fr["meta"]["storefront"] == {"cc": "FR", "id": "143442"}


def test_unknown_country_falls_back_to_the_us_store(north: Caller) -> None:
    body = _lookup(north, FIELD_NOTES, cc="zz").json()
    assert body["meta"]["storefront"]["cc"] == "US" and FIELD_NOTES in body["results"]


def test_custom_apps_need_the_owning_locations_token(sim, north: Caller) -> None:
    assert _lookup(north, CONTOSO_CAMPUS).json()["results"] == {}
    own = _lookup(north, CONTOSO_CAMPUS, cookie=bearer_of(sim, "North Campus")).json()
    assert own["results"][CONTOSO_CAMPUS]["isB2BCustomApp"] is True
    other = _lookup(north, CONTOSO_CAMPUS, cookie=bearer_of(sim, "South Campus")).json()
    assert other["results"] == {}


def test_mac_store_returns_mac_items_only(north: Caller) -> None:
    body = _lookup(north, f"{FIELD_NOTES},{MUSIC_MAKER}", platform="macappstore").json()
    assert set(body["results"]) == {MUSIC_MAKER}
    assert body["results"][MUSIC_MAKER]["kind"] == "desktopApp"


def test_lookup_without_p_is_status_7011(north: Caller) -> None:
    r = north.http.get(LOOKUP, params={"id": FIELD_NOTES, "caller": "MDM"})
    assert (r.status_code, r.json()) == (400, {"status": 7011})


def test_service_config_lists_every_notification_type_apple_lists(north: Caller) -> None:
    types = north.ok("GET", "/service/config")["notificationTypes"]
    assert set(types) == {"ASSET_COUNT", "ASSET_MANAGEMENT", "USER_MANAGEMENT",
                          "USER_ASSOCIATED", "SUBSCRIPTION_MANAGEMENT", "SUBSCRIPTION_COUNT",
                          "UNLIMITED_ASSET"}


def test_service_config_error_codes_include_9716_in_apples_words(north: Caller) -> None:
    codes = {e["errorNumber"]: e["errorMessage"]
             for e in north.ok("GET", "/service/config")["errorCodes"]}
    assert codes[9716] == "A registered user already exists with the specified clientUserId."
