"""License plan rules for assigning an app or book (design.md "Licensing", seed 001/002)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from vpp_tui.domain.licensing import (
    BatchLimits,
    Device,
    Enrollment,
    Group,
    GroupKind,
    Holdings,
    Intent,
    Item,
    LicenseType,
    OpKind,
    Outcome,
    Platform,
    Pool,
    ProductType,
    Reason,
    User,
    WarningCode,
    admit_waitlist,
    describe_order,
    plan_assignment,
)

APP = Item("361309726", name="Pages")
USER_ONLY_APP = Item("900000001", name="Chat", device_assignable=False)
BOOK = Item("500000001", product_type=ProductType.BOOK, name="Handbook", revocable=False)
JAN = datetime(2020, 1, 1)


def devices(n: int, **attrs) -> tuple[Device, ...]:
    return tuple(Device(f"S{i:04d}", enrolled_at=JAN + timedelta(days=i), **attrs)
                 for i in range(n))


def device_group(*members: Device) -> Group:
    return Group("iPads", GroupKind.DEVICE, devices=members)


def user_group(*members: User) -> Group:
    return Group("Sales", GroupKind.USER, users=members)


def users(n: int, **attrs) -> tuple[User, ...]:
    return tuple(User(f"u{i:04d}@contoso.com", **attrs) for i in range(n))


def outcomes(plan) -> dict[str, Outcome]:
    return {m.member: m.outcome for m in plan.members}


def codes(plan) -> set[WarningCode]:
    return {w.code for w in plan.warnings}


# --- refusals ---------------------------------------------------------------------------

def test_available_is_refused_for_device_groups() -> None:
    plan = plan_assignment(APP, device_group(*devices(3)), Intent.AVAILABLE, pool=Pool(10))
    assert plan.refusals == (Reason.AVAILABLE_FOR_DEVICE_GROUP,)
    assert not plan.allowed and plan.operations == () and plan.consumed == 0
    assert plan.skipped == 3


def test_available_is_allowed_for_user_groups() -> None:
    plan = plan_assignment(APP, user_group(*users(2)), Intent.AVAILABLE, LicenseType.USER,
                           pool=Pool(10))
    assert plan.allowed and plan.licensed == 2


def test_books_go_to_user_groups_only() -> None:
    plan = plan_assignment(BOOK, device_group(*devices(2)), Intent.REQUIRED,
                           LicenseType.USER, pool=Pool(10))
    assert Reason.BOOK_NEEDS_USER_GROUP in plan.refusals


def test_books_take_user_licensing_only() -> None:
    plan = plan_assignment(BOOK, user_group(*users(2)), Intent.REQUIRED, LicenseType.DEVICE,
                           pool=Pool(10))
    assert plan.refusals == (Reason.BOOK_NEEDS_USER_LICENSE,)


def test_books_default_to_user_licensing() -> None:
    plan = plan_assignment(BOOK, user_group(*users(2)), Intent.REQUIRED, pool=Pool(10))
    assert plan.license_type is LicenseType.USER and plan.licensed == 2


@pytest.mark.parametrize("intent", [Intent.AVAILABLE, Intent.REQUIRED])
def test_books_are_assigned_available_or_required(intent: Intent) -> None:
    plan = plan_assignment(BOOK, user_group(*users(1)), intent, pool=Pool(1))
    assert plan.allowed and plan.licensed == 1


def test_books_refuse_uninstall() -> None:
    plan = plan_assignment(BOOK, user_group(*users(1)), Intent.UNINSTALL, pool=Pool(1))
    assert plan.refusals == (Reason.BOOK_INTENT,)


def test_book_licenses_are_listed_as_irreversible() -> None:
    plan = plan_assignment(BOOK, user_group(*users(3)), Intent.REQUIRED, pool=Pool(2))
    assert plan.irreversible == ("u0000@contoso.com", "u0001@contoso.com")
    assert WarningCode.BOOKS_IRREVOCABLE in codes(plan)


def test_device_licensing_needs_a_device_assignable_app() -> None:
    plan = plan_assignment(USER_ONLY_APP, device_group(*devices(2)), Intent.REQUIRED,
                           LicenseType.DEVICE, pool=Pool(10))
    assert plan.refusals == (Reason.NOT_DEVICE_ASSIGNABLE,)


def test_license_type_defaults_to_device_when_the_app_is_device_assignable() -> None:
    assert plan_assignment(APP, device_group(*devices(1)), Intent.REQUIRED,
                           pool=Pool(1)).license_type is LicenseType.DEVICE
    assert plan_assignment(USER_ONLY_APP, user_group(*users(1)), Intent.REQUIRED,
                           pool=Pool(1)).license_type is LicenseType.USER


# --- per-member rules -------------------------------------------------------------------

def test_user_enrollment_devices_cannot_take_device_licenses() -> None:
    ue = Device("UE1", enrollment=Enrollment.USER)
    plan = plan_assignment(APP, device_group(ue, *devices(1)), Intent.REQUIRED,
                           pool=Pool(10))
    failed = plan.failures_by_reason()
    assert failed == {Reason.USER_ENROLLMENT_DEVICE: ("UE1",)}
    assert plan.licensed == 1


def test_user_license_covers_one_user_on_up_to_five_devices() -> None:
    six = devices(6, primary_user="ana@contoso.com")
    plan = plan_assignment(APP, device_group(*six), Intent.REQUIRED, LicenseType.USER,
                           pool=Pool(10))
    assert plan.consumed == 1
    assert [m.outcome for m in plan.members] == (
        [Outcome.LICENSED] + [Outcome.ALREADY_LICENSED] * 4 + [Outcome.FAILED])
    assert plan.members[-1].reason is Reason.DEVICE_LIMIT_REACHED


def test_user_with_more_than_five_devices_is_warned_in_a_user_group() -> None:
    ana = User("ana@contoso.com", devices=devices(6))
    plan = plan_assignment(USER_ONLY_APP, user_group(ana), Intent.REQUIRED, pool=Pool(1))
    assert WarningCode.MORE_THAN_FIVE_DEVICES in codes(plan)


def test_user_with_personal_and_managed_apple_id_uses_two_licenses() -> None:
    both = User("ana@contoso.com", managed_apple_id="ana@appleid.contoso.com",
                personal_apple_id=True)
    managed_only = User("bob@contoso.com", managed_apple_id="bob@appleid.contoso.com")
    plan = plan_assignment(USER_ONLY_APP, user_group(both, managed_only), Intent.REQUIRED,
                           pool=Pool(10))
    assert plan.consumed == 3
    assert [m.licenses for m in plan.members] == [2, 1]


def test_over_subscription_licenses_the_first_100_of_500_and_fails_400() -> None:
    plan = plan_assignment(APP, device_group(*devices(500)), Intent.REQUIRED, pool=Pool(100))
    assert (plan.licensed, plan.failed) == (100, 400)
    assert [m.member for m in plan.members[:100]] == [f"S{i:04d}" for i in range(100)]
    assert plan.failures_by_reason() == {
        Reason.NO_LICENSES_LEFT: tuple(f"S{i:04d}" for i in range(100, 500))}
    assert WarningCode.OVER_SUBSCRIBED in codes(plan)
    assert plan.licenses_after == 100


def test_over_subscription_order_is_enrolment_date_then_serial_for_devices() -> None:
    late = Device("A-LATE", enrolled_at=JAN + timedelta(days=30))
    early_b = Device("B-EARLY", enrolled_at=JAN)
    early_a = Device("A-EARLY", enrolled_at=JAN)
    undated = Device("0-UNDATED")
    plan = plan_assignment(APP, device_group(undated, late, early_b, early_a),
                           Intent.REQUIRED, pool=Pool(2))
    assert [m.member for m in plan.members] == ["A-EARLY", "B-EARLY", "A-LATE", "0-UNDATED"]
    assert [m.outcome for m in plan.members][:2] == [Outcome.LICENSED] * 2


def test_over_subscription_order_is_upn_ignoring_case_for_users() -> None:
    group = user_group(User("carol@x.com"), User("Bob@x.com"), User("alice@x.com"))
    plan = plan_assignment(USER_ONLY_APP, group, Intent.REQUIRED, pool=Pool(2))
    assert [m.member for m in plan.members] == ["alice@x.com", "Bob@x.com", "carol@x.com"]
    assert plan.members[2].reason is Reason.NO_LICENSES_LEFT


def test_the_order_is_described_to_the_admin() -> None:
    plan = plan_assignment(APP, device_group(*devices(1)), Intent.REQUIRED, pool=Pool(1))
    assert plan.order == describe_order(GroupKind.DEVICE) and "enrolment date" in plan.order
    assert "UPN" in describe_order(GroupKind.USER, LicenseType.USER)


def test_licenses_go_out_strictly_in_order_so_no_one_jumps_the_queue() -> None:
    two = User("a@x.com", managed_apple_id="a@m.x.com", personal_apple_id=True)
    one = User("b@x.com")
    plan = plan_assignment(USER_ONLY_APP, user_group(two, one), Intent.REQUIRED, pool=Pool(1))
    assert plan.licensed == 0 and plan.failed == 2 and plan.consumed == 0


def test_members_already_holding_a_license_are_already_licensed_and_use_none() -> None:
    group = device_group(*devices(3))
    plan = plan_assignment(APP, group, Intent.REQUIRED, pool=Pool(total=3, used=1),
                           holdings=Holdings(devices=frozenset({"S0000"})))
    assert outcomes(plan) == {"S0000": Outcome.ALREADY_LICENSED,
                              "S0001": Outcome.LICENSED, "S0002": Outcome.LICENSED}
    assert plan.consumed == 2 and plan.licenses_after == 3


def test_user_license_becomes_device_license_silently() -> None:
    ipad = Device("IPAD1", primary_user="ana@contoso.com")
    plan = plan_assignment(APP, device_group(ipad), Intent.REQUIRED, LicenseType.DEVICE,
                           pool=Pool(5), holdings=Holdings(users=frozenset({"ana@contoso.com"})))
    assert plan.members[0].outcome is Outcome.LICENSED
    assert plan.members[0].reason is Reason.MIGRATED_FROM_USER_LICENSE
    assert WarningCode.USER_TO_DEVICE_MIGRATION in codes(plan)


def test_device_license_never_becomes_user_license() -> None:
    ana = User("ana@contoso.com", devices=(Device("IPAD1"),))
    plan = plan_assignment(APP, user_group(ana), Intent.REQUIRED, LicenseType.USER,
                           pool=Pool(5), holdings=Holdings(devices=frozenset({"IPAD1"})))
    assert plan.members[0].outcome is Outcome.SKIPPED
    assert plan.members[0].reason is Reason.DEVICE_LICENSE_KEPT
    assert plan.consumed == 0 and plan.operations == ()


def test_inactive_users_and_unmanaged_devices_are_skipped() -> None:
    plan = plan_assignment(USER_ONLY_APP, user_group(User("gone@x.com", active=False)),
                           Intent.REQUIRED, pool=Pool(5))
    assert plan.members[0].reason is Reason.USER_INACTIVE and plan.consumed == 0
    plan = plan_assignment(APP, device_group(Device("OLD", managed=False)), Intent.REQUIRED,
                           pool=Pool(5))
    assert plan.members[0].reason is Reason.DEVICE_NOT_MANAGED


def test_device_licensing_for_a_user_group_licenses_each_users_devices() -> None:
    ana = User("ana@x.com", devices=(Device("B2"), Device("A1")))
    bob = User("bob@x.com")
    plan = plan_assignment(APP, user_group(bob, ana), Intent.REQUIRED, LicenseType.DEVICE,
                           pool=Pool(5))
    assert [(m.member, m.outcome) for m in plan.members] == [
        ("A1", Outcome.LICENSED), ("B2", Outcome.LICENSED), ("bob@x.com", Outcome.SKIPPED)]


def test_items_are_not_licensed_on_platforms_they_do_not_run_on() -> None:
    ios_app = Item("1", platforms=frozenset({Platform.IOS, Platform.IPADOS}))
    plan = plan_assignment(ios_app, device_group(Device("MAC", platform=Platform.MACOS)),
                           Intent.REQUIRED, pool=Pool(5))
    assert plan.members[0].reason is Reason.PLATFORM_NOT_SUPPORTED


# --- warnings (lint) --------------------------------------------------------------------

def test_kiosk_with_user_licensing_is_warned_against() -> None:
    kiosk = Device("K1", kiosk=True, supervised=True, primary_user="k@x.com")
    plan = plan_assignment(APP, device_group(kiosk), Intent.REQUIRED, LicenseType.USER,
                           pool=Pool(5))
    assert WarningCode.USER_LICENSE_ON_KIOSK in codes(plan)
    device_plan = plan_assignment(APP, device_group(kiosk), Intent.REQUIRED, pool=Pool(5))
    assert WarningCode.USER_LICENSE_ON_KIOSK not in codes(device_plan)


def test_user_licensing_where_app_store_is_blocked_is_warned_against() -> None:
    ana = User("ana@x.com", devices=(Device("D1", app_store_blocked=True),))
    plan = plan_assignment(USER_ONLY_APP, user_group(ana), Intent.REQUIRED, pool=Pool(5))
    warned = [w for w in plan.warnings
              if w.code is WarningCode.USER_LICENSE_APP_STORE_BLOCKED]
    assert warned and warned[0].members == ("D1",)


def test_user_enrollment_without_managed_apple_id_is_warned() -> None:
    ana = User("ana@x.com", devices=(Device("UE", enrollment=Enrollment.USER),))
    plan = plan_assignment(USER_ONLY_APP, user_group(ana), Intent.REQUIRED, pool=Pool(5))
    assert WarningCode.USER_ENROLLMENT_NEEDS_MANAGED_APPLE_ID in codes(plan)


# --- Apple operations and the waitlist --------------------------------------------------

def test_associate_batches_respect_the_serial_and_user_limits() -> None:
    limits = BatchLimits(max_serial_numbers=40, max_client_user_ids=3)
    plan = plan_assignment(APP, device_group(*devices(100)), Intent.REQUIRED, pool=Pool(100),
                           limits=limits)
    assert [op.size for op in plan.operations] == [40, 40, 20]
    assert all(op.kind is OpKind.ASSOCIATE and op.assets == (("361309726", "STDQ"),)
               for op in plan.operations)
    plan = plan_assignment(USER_ONLY_APP, user_group(*users(7)), Intent.REQUIRED,
                           pool=Pool(7), limits=limits)
    assert [len(op.client_user_ids) for op in plan.operations] == [3, 3, 1]


def test_user_licenses_are_sent_for_each_apple_client_user_id() -> None:
    ana = User("ana@x.com", managed_apple_id="m", personal_apple_id=True,
               client_user_ids=("cu-1", "cu-2"))
    plan = plan_assignment(USER_ONLY_APP, user_group(ana), Intent.REQUIRED, pool=Pool(2))
    assert plan.operations[0].client_user_ids == ("cu-1", "cu-2")


def test_waitlist_lists_failed_members_in_order_and_admits_them_when_licenses_free() -> None:
    plan = plan_assignment(APP, device_group(*devices(5)), Intent.REQUIRED, pool=Pool(2))
    waitlist = plan.waitlist()
    assert [e.member for e in waitlist] == ["S0002", "S0003", "S0004"]
    admitted, waiting = admit_waitlist(waitlist, 2)
    assert [e.member for e in admitted] == ["S0002", "S0003"]
    assert [e.member for e in waiting] == ["S0004"]


def test_waitlist_admission_never_lets_a_later_member_overtake() -> None:
    plan = plan_assignment(USER_ONLY_APP, user_group(
        User("a@x.com", managed_apple_id="m", personal_apple_id=True), User("b@x.com")),
        Intent.REQUIRED, pool=Pool(0))
    admitted, waiting = admit_waitlist(plan.waitlist(), 1)
    assert admitted == () and len(waiting) == 2


def test_reason_text_is_a_sentence_for_the_admin() -> None:
    plan = plan_assignment(APP, device_group(*devices(2)), Intent.REQUIRED, pool=Pool(1))
    assert plan.members[1].reason_text.startswith("no licenses left")
    assert plan.members[0].reason_text is None


def test_a_device_shared_by_two_users_is_licensed_once() -> None:
    shared = Device("SHARED")
    group = user_group(User("a@x.com", devices=(shared,)), User("b@x.com", devices=(shared,)))
    plan = plan_assignment(APP, group, Intent.REQUIRED, LicenseType.DEVICE, pool=Pool(5))
    assert [m.member for m in plan.members] == ["SHARED"] and plan.consumed == 1


def test_lint_flags_device_licensing_for_an_app_that_is_not_device_assignable() -> None:
    from vpp_tui.domain.licensing import lint_assignment

    found = lint_assignment(USER_ONLY_APP, device_group(*devices(1)), Intent.REQUIRED,
                            LicenseType.DEVICE)
    assert [w.code for w in found] == [WarningCode.DEVICE_LICENSE_NOT_ASSIGNABLE]


def test_lint_flags_uninstall_on_macos() -> None:
    from vpp_tui.domain.licensing import lint_assignment

    mac = Device("MAC1", platform=Platform.MACOS)
    found = lint_assignment(APP, device_group(mac, Device("IPAD")), Intent.UNINSTALL)
    assert [(w.code, w.members) for w in found] == [(WarningCode.UNINSTALL_ON_MACOS, ("MAC1",))]
    assert lint_assignment(APP, device_group(mac), Intent.REQUIRED) == ()


def test_plan_json_has_the_fields_scripts_rely_on() -> None:
    from vpp_tui.domain.licensing import plan_to_dict

    data = plan_to_dict(plan_assignment(APP, device_group(*devices(2)), Intent.REQUIRED,
                                        pool=Pool(1)))
    assert (data["licensed"], data["failed"], data["reclaimed"]) == (1, 1, 0)
    assert data["members"][1] | {"reason_text": None} == {
        "member": "S0001", "kind": "device", "outcome": "failed",
        "reason": "no_licenses_left", "reason_text": None, "licenses": 1,
        "uninstall": False, "item": None}


def test_an_app_apple_lists_for_ios_runs_on_ipados_devices_too() -> None:
    from vpp_tui.domain.licensing.model import Platform, platforms_from_apple

    assert platforms_from_apple("iOS") == {Platform.IOS, Platform.IPADOS}
    assert platforms_from_apple("iOS macOS") == {Platform.IOS, Platform.IPADOS, Platform.MACOS}
    assert platforms_from_apple("macOS") == {Platform.MACOS}
    assert platforms_from_apple("tvOS") == frozenset()
