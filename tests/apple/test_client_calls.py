"""What the client sends: batching by the service-config limits, ownership claims and
checks, service-config refresh, metadata lookups."""

from __future__ import annotations

import httpx
import pytest

from tests.apple.fakeapple import EXAMPLES, FakeApple, envelope, ok
from vpp_tui.apple import errors as e
from vpp_tui.apple.batching import Limits
from vpp_tui.apple.models import Asset, RequestUser

EVENT = envelope(eventId="ev-1")
DONE = envelope(eventStatus="COMPLETE", numRequested=1, numCompleted=1)
MINE = {"id": "mine", "name": "vpp-tui", "metadata": "install 1"}
THEIRS = {"id": "other", "name": "Other MDM", "metadata": "mdm.example.com"}


def apple_with_events(path: str) -> FakeApple:
    apple = FakeApple()
    apple.on(path, ok(EVENT))
    apple.on("/status", ok(DONE))
    return apple


def test_associate_batches_by_max_assets_and_targets() -> None:
    apple = apple_with_events("/assets/associate")
    assets = [Asset(adamId=str(i), pricingParam="STDQ") for i in range(3)]  # maxAssets 2
    with apple.client() as client:
        outcomes = client.associate(assets, client_user_ids=[f"u{i}" for i in range(4)],
                                    serial_numbers=["S1", "S1", "S2"])  # maxClientUserIds 3
    bodies = [s.body for s in apple.calls("/assets/associate")]
    assert len(outcomes) == len(bodies) == 4
    assert [len(b["assets"]) for b in bodies] == [2, 2, 1, 1]
    assert bodies[0] == {"assets": [{"adamId": "0", "pricingParam": "STDQ"},
                                    {"adamId": "1", "pricingParam": "STDQ"}],
                         "clientUserIds": ["u0", "u1", "u2"], "serialNumbers": ["S1", "S2"]}
    assert bodies[1] == {"assets": bodies[0]["assets"], "clientUserIds": ["u3"]}


def test_duplicates_are_removed_before_sending() -> None:
    apple = apple_with_events("/assets/disassociate")
    app = Asset(adamId="1", pricingParam="STDQ")
    with apple.client() as client:
        client.disassociate([app, app], serial_numbers=["S", "S"])
    [sent] = apple.calls("/assets/disassociate")
    assert sent.body == {"assets": [{"adamId": "1", "pricingParam": "STDQ"}],
                         "serialNumbers": ["S"]}


def test_revoke_uses_the_lower_revoke_limits() -> None:
    apple = apple_with_events("/assets/revoke")
    with apple.client() as client:
        client.revoke(client_user_ids=["a", "b", "c"], serial_numbers=["S1"])
    assert [s.body for s in apple.calls("/assets/revoke")] == [
        {"clientUserIds": ["a", "b"], "serialNumbers": ["S1"]}, {"clientUserIds": ["c"]}]


def test_retire_sends_only_client_user_ids_batched_by_max_users() -> None:
    apple = apple_with_events("/users/retire")
    with apple.client() as client:
        client.retire_users(["a", "b", "c"])
    assert [s.body for s in apple.calls("/users/retire")] == [
        {"users": [{"clientUserId": "a"}, {"clientUserId": "b"}]},
        {"users": [{"clientUserId": "c"}]}]


def test_update_users_sends_email_and_managed_apple_id() -> None:
    apple = apple_with_events("/users/update")
    with apple.client() as client:
        client.update_users([RequestUser(clientUserId="a", email="a@x.org",
                                         managedAppleId="a@m.x.org")])
    assert apple.calls("/users/update")[0].body == {"users": [
        {"clientUserId": "a", "email": "a@x.org", "managedAppleId": "a@m.x.org"}]}


@pytest.mark.parametrize(("call", "number"), [
    (lambda c: c.associate([], serial_numbers=["S"]), 9718),
    (lambda c: c.associate([Asset(adamId="1")]), 9719),
    (lambda c: c.revoke(), 9719),
    (lambda c: c.create_users([]), 9720),
])
def test_empty_requests_fail_locally_without_a_request(call, number: int) -> None:  # noqa: ANN001
    apple = FakeApple()
    with pytest.raises(e.AppleError) as info, apple.client() as client:
        call(client)
    assert info.value.error_number == number
    assert [s.path for s in apple.sent if not s.path.endswith("/service/config")] == []


def test_limits_have_defaults_when_apple_omits_them() -> None:
    assert Limits.from_config({"maxAssets": 0, "maxUsers": "x"}) == Limits()
    assert Limits.from_config(EXAMPLES["service_config_response"]["body"]["limits"]) \
        .max_request_per_second == 15


def test_claim_posts_mdm_info_and_ignores_the_previous_owner() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok(envelope(mdmInfo=MINE)))
    with apple.client(mdm_id="mine") as client:
        config = client.claim("mine", "vpp-tui", "install 1")
    [sent] = apple.calls("/client/config")
    assert sent.method == "POST" and sent.body == {"mdmInfo": MINE}
    assert config.mdmInfo and config.mdmInfo.id == "mine"


def test_another_mdm_on_any_response_raises_conflict() -> None:
    apple = FakeApple()
    apple.on("/assets", ok(envelope(mdmInfo=THEIRS, currentPageIndex=0, totalPages=1)))
    with pytest.raises(e.MdmConflict) as info, apple.client(mdm_id="mine") as client:
        client.assets()
    assert (info.value.mdm_id, info.value.mdm_name, info.value.mdm_metadata) == \
        ("other", "Other MDM", "mdm.example.com")
    assert "Other MDM" in str(info.value)


def test_our_own_mdm_info_or_none_is_fine() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok(envelope(mdmInfo=MINE)), ok(envelope()))
    with apple.client(mdm_id="mine") as client:
        client.client_config()
        client.client_config()


def test_without_an_mdm_id_the_owner_is_only_reported() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok(envelope(mdmInfo=THEIRS)))
    with apple.client() as client:
        assert client.client_config().mdmInfo.name == "Other MDM"


def test_bearer_is_sent_except_to_service_config() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok(envelope()))
    with apple.client(" tok\n") as client:
        client.client_config()
    config, call = apple.sent
    assert "authorization" not in config.headers
    assert call.headers["authorization"] == "Bearer tok"


def test_service_config_is_refreshed_after_five_minutes() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok(envelope()))
    with apple.client() as client:
        client.client_config()
        apple.clock.advance(299)
        client.client_config()
        assert len(apple.calls("/service/config")) == 1
        apple.clock.advance(2)
        client.client_config()
        assert len(apple.calls("/service/config")) == 2
        assert client.requests_made == 5


def test_urls_come_from_the_service_config() -> None:
    apple = FakeApple()
    apple.service_config = {"urls": {"clientConfig": "http://elsewhere.test/cc"}}
    apple.on("/cc", ok(envelope(locationName="moved")))
    with apple.client() as client:
        assert client.client_config().locationName == "moved"


def test_lookup_sends_the_documented_query_and_cookie_in_batches() -> None:
    def lookup(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["id"].split(",")
        return ok({"results": {i: {"id": int(i), "name": f"App {i}"} for i in ids if i != "7"}})

    apple = FakeApple()
    apple.routes["/lookup"] = lookup
    with apple.client("tok") as client:
        found = client.lookup_metadata([str(i) for i in range(150)], "US", "volumestore")
    calls = apple.calls("/lookup")
    assert [len(c.params["id"].split(",")) for c in calls] == [100, 50]
    assert calls[0].headers["cookie"] == "itvt=tok"
    assert "authorization" not in calls[0].headers
    assert {k: v for k, v in calls[0].params.items() if k != "id"} == {
        "version": "2", "p": "mdm-lockup", "caller": "MDM", "platform": "volumestore",
        "cc": "us", "l": "en"}
    assert "7" not in found and found["8"].name == "App 8" and len(found) == 149


def test_lookup_reads_both_of_apples_sample_shapes() -> None:
    apple = FakeApple()
    apple.on("/lookup", ok(EXAMPLES["legacy_lookup_response_pages"]["body"]),
             ok(EXAMPLES["legacy_lookup_response_authenticated_b2b"]["body"]),
             ok(EXAMPLES["legacy_lookup_response_empty"]["body"]))
    with apple.client() as client:
        pages = client.lookup_metadata(["361309726"], "us", "enterprisestore")["361309726"]
        b2b = client.lookup_metadata(["451796775"], "us", "enterprisestore")["451796775"]
        assert client.lookup_metadata(["1"], "us", "enterprisestore") == {}
    assert (pages.name, pages.version, pages.kind) == ("Pages", "5.0.1", "iosSoftware")
    assert pages.platforms == ["iOS"] and pages.device_assignable and not pages.is_custom
    assert pages.artwork_url and pages.artwork_url.startswith("http")
    assert b2b.is_custom and b2b.version == "3.0" and b2b.bundle_id == "com.apple.b2bTest2"
    assert b2b.artwork_url and b2b.artwork_url.endswith("512x512bb.png")
    assert b2b.store_url == "https://apps.apple.com/us/app/b2b-test-2/id451796775"


def test_invitation_link_fills_in_the_code() -> None:
    apple = FakeApple()
    with apple.client() as client:
        assert client.invitation_link("abc123") == \
            "http://store.test/invite?inviteCode=abc123&mt=8"


def test_requests_made_counts_retries() -> None:
    apple = FakeApple()
    apple.on("/client/config", httpx.Response(429, json={"errorNumber": 9646}),
             ok(envelope()))
    with apple.client() as client:
        client.client_config()
        assert client.requests_made == 3
