"""Apple's error numbers map to typed errors whose text says what is wrong and what to do."""

from __future__ import annotations

import httpx
import pytest

from tests.apple.fakeapple import FakeApple, ok
from vpp_tui.apple import errors as e
from vpp_tui.apple.models import Asset


@pytest.mark.parametrize(("number", "status", "cls"), [
    (9621, 401, e.TokenExpired), (9625, 401, e.TokenRevoked), (9601, 401, e.TokenInvalid),
    (9622, 401, e.TokenInvalid), (9722, 401, e.TokenInvalid), (9646, 429, e.RateLimited),
    (9603, 500, e.ServerBusy), (9729, 503, e.ServerBusy), (9700, 400, e.LimitExceeded),
    (9701, 400, e.LimitExceeded), (9702, 400, e.LimitExceeded), (9703, 400, e.LimitExceeded),
    (9704, 400, e.LimitExceeded), (9705, 400, e.LimitExceeded), (9714, 400, e.LimitExceeded),
    (9709, 400, e.NotEnoughLicenses), (9609, 400, e.UserNotFound), (9716, 400, e.UserExists),
    (9707, 400, e.NotDeviceAssignable), (9706, 400, e.NotRevocable),
    (9708, 400, e.EventNotFound), (9721, 400, e.UnknownVersion),
    (9650, 400, e.PageOutOfRange),
])
def test_error_number_selects_its_typed_error(number: int, status: int,
                                              cls: type[e.AppleError]) -> None:
    err = e.error_for(number, "msg", status)
    assert type(err) is cls
    assert (err.error_number, err.http_status) == (number, status)


@pytest.mark.parametrize(("status", "cls"), [(429, e.RateLimited), (500, e.ServerBusy),
                                             (503, e.ServerBusy), (400, e.AppleError)])
def test_unknown_number_falls_back_on_http_status(status: int, cls: type) -> None:
    assert type(e.error_for(9999, "new", status)) is cls
    assert type(e.error_for(None, "", status)) is cls


@pytest.mark.parametrize("number", [9601, 9621, 9622, 9625, 9722])
def test_token_faults_are_recognised(number: int) -> None:
    assert e.is_token_fault(e.error_for(number, "x", 401))


@pytest.mark.parametrize("number", [9646, 9603, 9609, 9709, None])
def test_other_errors_are_not_token_faults(number: int | None) -> None:
    assert not e.is_token_fault(e.error_for(number, "x", 400))
    assert not e.is_token_fault(ValueError("x"))


@pytest.mark.parametrize("err", [
    e.error_for(9621, "The token has expired.", 401), e.error_for(9709, "", 400),
    e.error_for(None, "", 502), e.TransportError("ConnectError: refused"),
    e.GaveUp(e.error_for(9646, "Too many", 429), 5),
    e.MdmConflict("abc", "Other MDM", "mdm.example.com"),
])
def test_message_is_one_line_with_what_and_what_to_do(err: e.AppleError) -> None:
    text = str(err)
    assert "\n" not in text and " — " in text
    what, todo = text.split(" — ", 1)
    assert what.strip() and todo.strip()


def test_message_names_the_error_number_and_the_remedy() -> None:
    text = str(e.error_for(9621, "The token has expired.", 401))
    assert "9621" in text and "new token" in text


def test_gave_up_keeps_the_last_error_and_its_number() -> None:
    last = e.error_for(9646, "Too many", 429)
    err = e.GaveUp(last, 5)
    assert err.last is last and err.error_number == 9646 and "5 attempts" in str(err)


def test_error_body_in_http_200_is_a_failure() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok({"errorNumber": 9622, "errorMessage": "Invalid token"}))
    with pytest.raises(e.TokenInvalid) as info, apple.client() as client:
        client.client_config()
    assert info.value.http_status == 200 and e.is_token_fault(info.value)


def test_error_info_reaches_the_exception() -> None:
    apple = FakeApple()
    body = {"errorNumber": 9707, "errorMessage": "not device assignable",
            "errorInfo": {"assets": [{"adamId": "1", "pricingParam": "STDQ"}]}}
    apple.on("/assets/associate", httpx.Response(400, json=body))
    with pytest.raises(e.NotDeviceAssignable) as info, apple.client() as client:
        client.associate([Asset(adamId="1", pricingParam="STDQ")], serial_numbers=["S"])
    assert info.value.error_info == body["errorInfo"]


def test_non_json_error_page_still_gives_a_typed_error() -> None:
    apple = FakeApple()
    apple.on("/client/config", httpx.Response(502, text="<html>bad gateway</html>"))
    with pytest.raises(e.GaveUp) as info, apple.client(max_attempts=2) as client:
        client.client_config()
    assert isinstance(info.value.last, e.ServerBusy) and info.value.http_status == 502


@pytest.mark.parametrize(("number", "words"), [
    (9713, "metadata"), (9724, "MDM id"), (9725, "MDM name"),
    (9718, "no app or book"), (9719, "no user or device"), (9720, "no user"),
    (9726, "HTTP method"), (9727, "content type"),
    (9616, "already assigned"), (9610, "wait for the assignment"),
    (9647, "location token"),
])
def test_error_hint_says_what_to_do_for(number: int, words: str) -> None:
    err = e.error_for(number, "refused", 400)
    assert words in err.hint() and err.hint() != e._default_hint()


@pytest.mark.parametrize("number", [9713, 9724, 9725])
def test_claim_refused_for_length_says_the_location_stays_unclaimed(number: int) -> None:
    hint = e.error_for(number, "too long", 400).hint()
    assert "refused the claim" in hint and "unclaimed" in hint


def test_legacy_token_9647_is_a_token_fault_renewed_like_9621_and_9625() -> None:
    err = e.error_for(9647, "This operation isn't supported for legacy tokens.", 403)
    assert isinstance(err, e.LegacyToken) and e.is_token_fault(err)
    assert "renew" in err.hint()


def test_error_message_only_body_in_http_200_is_a_failure() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok({"errorMessage": "Something went wrong"}))
    with pytest.raises(e.AppleError) as info, apple.client() as client:
        client.client_config()
    assert info.value.http_status == 200 and info.value.message == "Something went wrong"


def test_error_message_with_data_in_http_200_is_an_answer() -> None:
    apple = FakeApple()
    apple.on("/client/config", ok({"errorMessage": "", "uId": "1", "locationName": "L"}))
    with apple.client() as client:
        assert client.client_config().locationName == "L"
