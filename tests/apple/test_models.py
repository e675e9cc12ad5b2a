"""Every Apple-published example body parses into the wire model for its endpoint."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from pydantic import BaseModel

from tests.apple.fakeapple import EXAMPLES, EXAMPLES_FILE
from vpp_tui.apple import models as m
from vpp_tui.apple.metadata import lookup_params

MODEL_FOR: dict[str, type[BaseModel]] = {
    "service_config_response": m.ServiceConfig,
    "service_config_limits_only_response": m.ServiceConfig,
    "client_config_set_request": m.ClientConfigRequest,
    "client_config_set_request_all_types": m.ClientConfigRequest,
    "client_config_set_response": m.ClientConfig,
    "client_config_get_response": m.ClientConfig,
    "client_config_set_response_all_types": m.ClientConfig,
    "mdm_info_fragment": m.Envelope,
    "get_assets_response": m.GetAssetsResponse,
    "get_assets_response_single": m.GetAssetsResponse,
    "get_assignments_response": m.GetAssignmentsResponse,
    "get_assignments_response_devices": m.GetAssignmentsResponse,
    "get_assignments_response_user": m.GetAssignmentsResponse,
    "paginated_assignments_first_page": m.GetAssignmentsResponse,
    "paginated_assignments_second_page": m.GetAssignmentsResponse,
    "paginated_assignments_last_page": m.GetAssignmentsResponse,
    "paginated_assignments_since_version": m.GetAssignmentsResponse,
    "get_users_response": m.GetUsersResponse,
    "get_users_response_associated": m.GetUsersResponse,
    "create_users_request": m.ManageUsersRequest,
    "create_users_request_simple": m.ManageUsersRequest,
    "create_users_request_managed_apple_id_only": m.ManageUsersRequest,
    "update_users_request": m.ManageUsersRequest,
    "update_users_request_simple": m.ManageUsersRequest,
    "retire_users_request": m.ManageUsersRequest,
    "create_users_response": m.EventResponse,
    "create_users_response_simple": m.EventResponse,
    "update_users_response": m.EventResponse,
    "update_users_response_simple": m.EventResponse,
    "retire_users_response": m.EventResponse,
    "associate_assets_request": m.ManageAssetsRequest,
    "associate_assets_request_user": m.ManageAssetsRequest,
    "disassociate_assets_request": m.ManageAssetsRequest,
    "disassociate_assets_request_no_pricing": m.ManageAssetsRequest,
    "associate_assets_response": m.EventResponse,
    "disassociate_assets_response": m.EventResponse,
    "disassociate_assets_response_2": m.EventResponse,
    "revoke_assets_request": m.RevokeAssetsRequest,
    "revoke_assets_request_2": m.RevokeAssetsRequest,
    "revoke_assets_response": m.EventResponse,
    "revoke_assets_response_2": m.EventResponse,
    "event_status_complete_large": m.StatusResponse,
    "event_status_pending_associate": m.StatusResponse,
    "event_status_failed_associate": m.StatusResponse,
    "event_status_complete_associate": m.StatusResponse,
    "event_status_pending_create": m.StatusResponse,
    "event_status_complete_create": m.StatusResponse,
    "event_status_failed_all": m.StatusResponse,
    "error_response_9726": m.ErrorResponse,
    "legacy_lookup_response_pages": m.LookupResponse,
    "legacy_lookup_response_authenticated_b2b": m.LookupResponse,
    "legacy_lookup_response_empty": m.LookupResponse,
}
# Query-string examples: the documented parameters of the v2 GET endpoints.
QUERY_PARAMS = {
    "/mdm/v2/assets": {"pageIndex", "productType", "pricingParam", "revocable",
                       "deviceAssignable", "maxAvailableCount", "minAvailableCount",
                       "maxAssignedCount", "minAssignedCount", "adamId", "unlimited"},
    "/mdm/v2/assignments": {"adamId", "clientUserId", "serialNumber", "pricingParam",
                            "pageIndex", "sinceVersionId", "excludeInactiveUsers",
                            "includeUserState"},
    "/mdm/v2/users": {"activeOnly", "retiredOnly", "clientUserId", "pageIndex",
                      "sinceVersionId"},
    "/mdm/v2/status": {"eventId"},
}
# Apple-published examples this client does not speak, each for a stated reason.
NOT_CLIENT_WIRE = {
    "stoken_v2_encoded", "stoken_v2_decoded", "stoken_legacy_encoded",
    "stoken_legacy_decoded",  # token files: vpp_tui.apple.stoken
    "cursor_page_fragment", "subscriptions_enable_response", "subscriptions_disable_response",
    "get_subscriptions_response", "get_subscription_assignments_response",
    "subscriptions_associate_request", "subscriptions_associate_response",
    "subscriptions_disassociate_request",  # subscriptions: out of the console's scope
    "metadata_developer_token_decoded", "metadata_your_apps_request_query",
    "metadata_your_apps_response", "metadata_authenticated_purchases_request_query",
    "metadata_authenticated_purchases_response",  # needs a developer JWT; legacy lookup used
    "legacy_client_config_request", "legacy_client_config_response",
    "legacy_client_config_request_legacy_token", "legacy_client_config_response_legacy_token",
    "legacy_get_assets_request", "legacy_get_assets_response",
    "legacy_get_assignments_request", "legacy_get_assignments_response",
    "legacy_manage_licenses_serial_request", "legacy_manage_licenses_serial_response",
    "legacy_manage_licenses_user_request", "legacy_manage_licenses_user_response",
    "legacy_error_9616_license_already_assigned", "legacy_user_object",
    "legacy_service_config_response",  # v1 protocol, not spoken
}


def _apple_doc() -> list[str]:
    return sorted(k for k, v in EXAMPLES.items()
                  if isinstance(v, dict) and v.get("trust") == "apple-doc")


def _body_examples() -> list[str]:
    return [k for k in _apple_doc() if k in MODEL_FOR]


def _normalised(value: Any) -> Any:
    """The example with numeric ids as strings, as the models keep them."""
    if isinstance(value, dict):
        return {k: (str(v) if k in {"id", "adamId", "uId"} and isinstance(v, int)
                    and not isinstance(v, bool) else _normalised(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def test_examples_file_is_present_beside_the_repository() -> None:
    assert EXAMPLES, f"apple-examples.json not found at {EXAMPLES_FILE}"


def test_every_apple_doc_example_has_a_model_or_a_stated_reason() -> None:
    undecided = [k for k in _apple_doc() if k not in MODEL_FOR and k not in NOT_CLIENT_WIRE
                 and not k.startswith("notification_") and not k.endswith("_request_query")
                 and k != "legacy_lookup_request_url"]
    assert undecided == []


@pytest.mark.parametrize("name", _body_examples())
def test_apple_doc_example_parses_into_its_wire_model_keeping_every_key(name: str) -> None:
    body = EXAMPLES[name]["body"]
    model = MODEL_FOR[name].model_validate(body)
    # Round trip: nothing dropped, nothing renamed, ids kept as strings.
    assert model.model_dump(mode="json", exclude_unset=True) == _normalised(body)
    if not name.startswith("legacy_lookup"):
        # Every key Apple documents is a declared field, not an unknown extra.
        assert _extras(model) == [], name


def _extras(model: BaseModel, path: str = "") -> list[str]:
    found = [f"{path}{k}" for k in (model.model_extra or {})]
    for key in type(model).model_fields:
        value = getattr(model, key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                found += _extras(item, f"{path}{key}.")
    return found


@pytest.mark.parametrize("name", [k for k in _apple_doc() if k.startswith("notification_")])
def test_apple_doc_notification_parses_into_the_envelope(name: str) -> None:
    note = m.Notification.model_validate(EXAMPLES[name]["body"])
    assert note.notificationType and isinstance(note.notification, dict)
    assert isinstance(note.uId, str)


@pytest.mark.parametrize("name", [k for k in _apple_doc() if k.endswith("_request_query")
                                  and EXAMPLES[k].get("path", "").startswith("/mdm/v2")])
def test_apple_doc_query_uses_only_documented_parameters(name: str) -> None:
    example = EXAMPLES[name]
    params = dict(parse_qsl(example["body"].lstrip("?")))
    assert params == example["query"]
    assert set(params) <= QUERY_PARAMS[example["path"]]


def test_lookup_request_matches_apples_documented_url() -> None:
    url = urlsplit(EXAMPLES["legacy_lookup_request_url"]["body"])
    documented = dict(parse_qsl(url.query))
    assert lookup_params(["361309726"], "US", "enterprisestore") == documented


def test_numeric_ids_become_strings_and_large_uids_keep_every_digit() -> None:
    page = m.GetAssignmentsResponse.model_validate(
        {"uId": 204902500043143912, "versionId": 5,
         "assignments": [{"adamId": 408709785, "serialNumber": "S1"}]})
    assert page.uId == "204902500043143912"
    assert page.versionId == "5"
    assert page.assignments and page.assignments[0].adamId == "408709785"


def test_every_field_is_optional_so_an_empty_body_parses() -> None:
    for model in {*MODEL_FOR.values(), m.Assignment, m.ResponseAsset, m.ResponseUser}:
        assert model.model_validate({}).model_dump(exclude_none=True) == {}


def test_unknown_fields_are_kept_not_rejected() -> None:
    asset = m.ResponseAsset.model_validate({"adamId": "1", "newAppleField": [1, 2]})
    assert asset.model_extra == {"newAppleField": [1, 2]}


def test_request_bodies_leave_absent_fields_out() -> None:
    body = m.ManageAssetsRequest(assets=[m.Asset(adamId="1", pricingParam="STDQ")],
                                 serialNumbers=["S1"]).wire()
    assert body == {"assets": [{"adamId": "1", "pricingParam": "STDQ"}],
                    "serialNumbers": ["S1"]}
