"""Taking licenses back: Uninstall, removing an assignment, revoking, reconciling."""

from __future__ import annotations

from vpp_tui.domain.licensing import (
    BatchLimits,
    Device,
    Group,
    GroupKind,
    Holdings,
    Intent,
    Item,
    OpKind,
    Outcome,
    Platform,
    Pool,
    ProductType,
    Reason,
    RemovalRule,
    Settings,
    User,
    WarningCode,
    plan_assignment,
    plan_reconcile,
    plan_revoke_device,
    plan_revoke_item,
    plan_revoke_user,
    plan_unassignment,
)

APP = Item("361309726", name="Pages")
BOOK = Item("500000001", product_type=ProductType.BOOK, name="Handbook", revocable=False)
IPAD = Device("IPAD1", platform=Platform.IPADOS)
MAC = Device("MAC1", platform=Platform.MACOS)
HELD = Holdings(devices=frozenset({"IPAD1", "MAC1"}))


def by_member(plan) -> dict:
    return {m.member: m for m in plan.members}


def codes(plan) -> set[WarningCode]:
    return {w.code for w in plan.warnings}


def macs_and_ipads() -> Group:
    return Group("Fleet", GroupKind.DEVICE, devices=(IPAD, MAC))


def test_uninstall_reclaims_and_uninstalls_on_ios_and_ipados() -> None:
    plan = plan_assignment(APP, macs_and_ipads(), Intent.UNINSTALL, pool=Pool(5, 2),
                           holdings=HELD)
    ipad = by_member(plan)["IPAD1"]
    assert ipad.outcome is Outcome.RECLAIMED and ipad.uninstall
    assert plan.freed == 2 and plan.licenses_after == 0


def test_uninstall_on_macos_only_reclaims_and_says_so() -> None:
    plan = plan_assignment(APP, macs_and_ipads(), Intent.UNINSTALL, pool=Pool(5, 2),
                           holdings=HELD)
    mac = by_member(plan)["MAC1"]
    assert mac.outcome is Outcome.RECLAIMED and not mac.uninstall
    assert mac.reason is Reason.MACOS_APP_STAYS
    warned = [w for w in plan.warnings if w.code is WarningCode.UNINSTALL_ON_MACOS]
    assert warned[0].members == ("MAC1",) and "30 days" in warned[0].message


def test_uninstall_sends_disassociate_for_held_licenses_only() -> None:
    group = Group("Fleet", GroupKind.DEVICE, devices=(IPAD, MAC, Device("NEW")))
    plan = plan_assignment(APP, group, Intent.UNINSTALL, pool=Pool(5, 2), holdings=HELD)
    assert by_member(plan)["NEW"].reason is Reason.NOT_LICENSED
    assert [(op.kind, set(op.serial_numbers)) for op in plan.operations] == [
        (OpKind.DISASSOCIATE, {"IPAD1", "MAC1"})]


def test_removing_an_assignment_reclaims_and_uninstalls_on_ios_but_only_reclaims_on_macos(
) -> None:
    plan = plan_unassignment(APP, macs_and_ipads(), holdings=HELD)
    members = by_member(plan)
    assert members["IPAD1"].outcome is Outcome.RECLAIMED and members["IPAD1"].uninstall
    assert members["MAC1"].outcome is Outcome.RECLAIMED and not members["MAC1"].uninstall
    assert WarningCode.MACOS_RECLAIM_ONLY in codes(plan)
    assert plan.removal_rule is RemovalRule.RECLAIM and plan.reclaimed == 2


def test_reclaim_on_removal_off_keeps_licenses_until_uninstall() -> None:
    plan = plan_unassignment(APP, macs_and_ipads(), holdings=HELD,
                             settings=Settings(reclaim_on_removal=False))
    assert plan.removal_rule is RemovalRule.KEEP_UNTIL_UNINSTALL
    assert plan.reclaimed == 0 and plan.operations == () and plan.freed == 0
    assert {m.reason for m in plan.members} == {Reason.KEPT_UNTIL_UNINSTALL}
    assert WarningCode.KEPT_UNTIL_UNINSTALL in codes(plan)
    # The setting does not weaken Uninstall: it still reclaims.
    uninstall = plan_assignment(APP, macs_and_ipads(), Intent.UNINSTALL, pool=Pool(5, 2),
                                holdings=HELD, settings=Settings(reclaim_on_removal=False))
    assert uninstall.reclaimed == 2
    assert uninstall.removal_rule is RemovalRule.KEEP_UNTIL_UNINSTALL


def test_removing_an_assignment_keeps_licenses_another_assignment_still_covers() -> None:
    plan = plan_unassignment(APP, macs_and_ipads(), holdings=HELD,
                             still_assigned=Holdings(devices=frozenset({"MAC1"})))
    assert by_member(plan)["MAC1"].reason is Reason.STILL_ASSIGNED
    assert plan.freed == 1


def test_book_licenses_are_never_reclaimed() -> None:
    ana = User("ana@x.com", devices=(IPAD,))
    held = Holdings(users=frozenset({"ana@x.com"}))
    unassign = plan_unassignment(BOOK, Group("Sales", GroupKind.USER, users=(ana,)),
                                 holdings=held)
    assert unassign.reclaimed == 0 and unassign.operations == ()
    assert unassign.members[0].reason is Reason.BOOK_IRREVOCABLE
    revoke = plan_revoke_item(BOOK, held)
    assert revoke.reclaimed == 0 and revoke.operations == ()
    assert WarningCode.BOOKS_SKIPPED in codes(revoke)


def test_revoke_by_item_reclaims_every_holder_and_batches_by_limits() -> None:
    held = Holdings(users=frozenset({"a@x.com", "b@x.com", "c@x.com"}),
                    devices=frozenset({"IPAD1", "MAC1"}))
    plan = plan_revoke_item(APP, held, devices={"MAC1": MAC, "IPAD1": IPAD},
                            limits=BatchLimits(max_client_user_ids=2))
    assert plan.reclaimed == 5 and plan.freed == 5
    assert [op.kind for op in plan.operations] == [OpKind.DISASSOCIATE] * 3
    assert [op.size for op in plan.operations] == [2, 1, 2]
    assert by_member(plan)["MAC1"].reason is Reason.MACOS_APP_STAYS
    assert by_member(plan)["IPAD1"].reason is Reason.APP_STAYS_UNTIL_UNINSTALL
    assert {WarningCode.REVOKE_KEEPS_APP, WarningCode.MACOS_RECLAIM_ONLY} <= codes(plan)


def test_revoke_by_user_skips_books_with_a_message() -> None:
    ana = User("ana@x.com", client_user_ids=("cu-ana",))
    plan = plan_revoke_user(ana, [APP, BOOK])
    rows = {m.item: m for m in plan.members}
    assert rows[APP.adam_id].outcome is Outcome.RECLAIMED
    assert rows[BOOK.adam_id].outcome is Outcome.SKIPPED
    assert rows[BOOK.adam_id].reason_text == "book licenses cannot be reclaimed"
    assert [(op.kind, op.client_user_ids) for op in plan.operations] == [
        (OpKind.REVOKE, ("cu-ana",))]


def test_revoke_by_user_with_only_books_sends_nothing() -> None:
    plan = plan_revoke_user(User("ana@x.com"), [BOOK])
    assert plan.operations == () and plan.skipped == 1


def test_revoke_by_device_uses_the_revoke_endpoint() -> None:
    plan = plan_revoke_device(MAC, [APP])
    assert [(op.kind, op.serial_numbers) for op in plan.operations] == [
        (OpKind.REVOKE, ("MAC1",))]
    assert plan.members[0].reason is Reason.MACOS_APP_STAYS


def test_licenses_are_reclaimed_when_a_user_leaves_the_company() -> None:
    held = Holdings(users=frozenset({"gone@x.com", "ana@x.com", "unknown@x.com"}))
    users = {"gone@x.com": User("gone@x.com", active=False), "ana@x.com": User("ana@x.com")}
    plan = plan_reconcile(APP, held, users=users, devices={},
                          assigned_users=frozenset({"ana@x.com", "gone@x.com"}),
                          assigned_devices=frozenset())
    assert {m.member: m.reason for m in plan.members} == {
        "gone@x.com": Reason.LEFT_COMPANY, "unknown@x.com": Reason.LEFT_COMPANY}
    assert plan.freed == 2


def test_licenses_are_reclaimed_when_a_user_leaves_every_assigned_group() -> None:
    held = Holdings(users=frozenset({"ana@x.com"}))
    plan = plan_reconcile(APP, held, users={"ana@x.com": User("ana@x.com")}, devices={},
                          assigned_users=frozenset(), assigned_devices=frozenset())
    assert plan.members[0].outcome is Outcome.RECLAIMED
    assert plan.members[0].reason is Reason.LEFT_ASSIGNED_GROUPS


def test_device_removed_from_management_keeps_its_license_and_is_flagged() -> None:
    held = Holdings(devices=frozenset({"RETIRED", "GONE"}))
    plan = plan_reconcile(APP, held, users={},
                          devices={"RETIRED": Device("RETIRED", managed=False)},
                          assigned_users=frozenset(), assigned_devices=frozenset())
    assert {m.outcome for m in plan.members} == {Outcome.SKIPPED}
    assert {m.reason for m in plan.members} == {Reason.REMOVED_FROM_MANAGEMENT}
    assert plan.operations == () and plan.freed == 0
    assert WarningCode.REMOVED_FROM_MANAGEMENT in codes(plan)


def test_removing_an_assignment_does_not_uninstall_from_members_without_a_license() -> None:
    group = Group("Fleet", GroupKind.DEVICE, devices=(IPAD, Device("NEVER")))
    removal = plan_unassignment(APP, group, holdings=HELD)
    assert by_member(removal)["NEVER"].uninstall is False
    uninstall = plan_assignment(APP, group, Intent.UNINSTALL, pool=Pool(5, 2), holdings=HELD)
    assert by_member(uninstall)["NEVER"].uninstall is True
