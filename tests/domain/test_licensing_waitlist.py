"""The waitlist's order, what a new assignment may take, and who is pending reclaim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vpp_tui.domain.licensing import (
    Device,
    Group,
    GroupKind,
    HeldLicense,
    Holdings,
    Intent,
    Item,
    LicenseType,
    MemberKind,
    Outcome,
    Platform,
    Pool,
    User,
    WaitlistEntry,
    admit_waitlist,
    pending_reclaims,
    plan_assignment,
    plan_unassignment,
    pool_after_waitlist,
    waitlist_order,
)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
USER = MemberKind.USER
DEVICE = MemberKind.DEVICE
APP = Item("361309726", name="Pages", device_assignable=True)


def entry(member: str, since: datetime | None, position: int | None,
          group: str = "A") -> WaitlistEntry:
    return WaitlistEntry(member, DEVICE, 1, since, position, group)


def test_waitlist_is_first_come_first_served_across_assignments() -> None:
    queue = waitlist_order([
        entry("B1", T0 + timedelta(hours=1), 1, "B"),
        entry("A2", T0, 2), entry("A1", T0, 1),
        entry("B2", T0 + timedelta(hours=1), 2, "B"),
    ])
    assert [e.member for e in queue] == ["A1", "A2", "B1", "B2"]


def test_waitlist_ties_in_time_go_by_position_then_member() -> None:
    queue = waitlist_order([entry("z", T0, 2), entry("y", T0, 1), entry("b", T0, None),
                            entry("a", T0, None), entry("x", None, 1)])
    assert [e.member for e in queue] == ["y", "z", "a", "b", "x"]


def test_waitlist_order_accepts_times_without_a_zone_as_utc() -> None:
    naive = T0.replace(tzinfo=None) + timedelta(minutes=1)
    queue = waitlist_order([entry("late", naive, 1), entry("early", T0, 9)])
    assert [e.member for e in queue] == ["early", "late"]


def test_admission_follows_the_queue_order() -> None:
    queue = waitlist_order([entry("B1", T0 + timedelta(hours=1), 1, "B"), entry("A1", T0, 5)])
    admitted, waiting = admit_waitlist(queue, 1)
    assert [e.member for e in admitted] == ["A1"] and [e.member for e in waiting] == ["B1"]


def test_new_assignment_does_not_overtake_the_waitlist() -> None:
    waiting = [entry("A1", T0, 1), entry("A2", T0, 2)]
    pool = pool_after_waitlist(Pool(total=45, used=40), waiting)
    assert (pool.total, pool.used, pool.available) == (45, 42, 3)
    devices = tuple(Device(f"N{i}", platform=Platform.IPADOS) for i in range(5))
    plan = plan_assignment(APP, Group("New", GroupKind.DEVICE, devices=devices),
                           Intent.REQUIRED, LicenseType.DEVICE, pool=pool)
    assert plan.licensed == 3 and plan.failed == 2


def test_free_licenses_reserved_for_the_waitlist_never_exceed_those_free() -> None:
    pool = pool_after_waitlist(Pool(total=40, used=38), [entry(str(i), T0, i) for i in range(5)])
    assert (pool.used, pool.available) == (40, 0)
    assert pool_after_waitlist(Pool(total=10, used=3), []) == Pool(total=10, used=3)


def held(member: str, kind: MemberKind = USER, *, via: bool = False,
         known: bool = False) -> HeldLicense:
    return HeldLicense(member, kind, via_assignment=via, known=known)


def test_inactive_user_is_pending_reclaim_whatever_gave_the_license() -> None:
    pending = pending_reclaims([held("Ana@x.com")], directory_users={"ana@x.com": False},
                               reached=Holdings())
    assert pending.users == frozenset({"Ana@x.com"})


def test_known_user_absent_from_the_directory_has_left_the_company() -> None:
    pending = pending_reclaims([held("gone@x.com", known=True), held("cu-4711")],
                               directory_users={}, reached=Holdings())
    # An Apple user the console never knew (another MDM's, say) is not a departure.
    assert pending.users == frozenset({"gone@x.com"})


def test_member_no_assignment_reaches_is_pending_reclaim() -> None:
    pending = pending_reclaims(
        [held("stay@x.com", via=True), held("left@x.com", via=True),
         held("apple@x.com"), held("S1", DEVICE, via=True), held("S2", DEVICE, via=True),
         held("S3", DEVICE)],
        directory_users={"stay@x.com": True, "left@x.com": True, "apple@x.com": True},
        reached=Holdings(users=frozenset({"STAY@x.com"}), devices=frozenset({"S1"})))
    assert pending.users == frozenset({"left@x.com"})
    assert pending.devices == frozenset({"S2"})


def test_unassign_user_licensing_from_device_group_reclaims_user_licenses() -> None:
    ana = User("ana@x.com", client_user_ids=("cu-ana",),
               devices=(Device("IPAD1", platform=Platform.IPADOS, primary_user="ana@x.com"),))
    group = Group("Teacher iPads", GroupKind.DEVICE, users=(ana,), devices=ana.devices)
    plan = plan_unassignment(APP, group, LicenseType.USER,
                             holdings=Holdings(users=frozenset({"ana@x.com"})))
    assert [(m.member, m.outcome) for m in plan.members] == [("ana@x.com", Outcome.RECLAIMED)]
    assert plan.operations[0].client_user_ids == ("cu-ana",) and plan.freed == 1


def test_pending_whatever_reach_judges_a_license_no_assignment_gave_as_pending_reclaims():
    """Rule (design.md "Licensing"; issue 13): a license no assignment gave is pending
    or not whatever the item's reach, so a caller judges each holder once, not once per
    item; a device's is never pending; one an assignment gave is refused."""
    import pytest

    from vpp_tui.domain.licensing.departures import folded_directory, pending_whatever_reach

    directory = {"Ana@x.com": False, "bo@x.com": True}
    folded = folded_directory(directory)
    lics = [held("ana@x.com"), held("bo@x.com"), held("gone@x.com", known=True),
            held("cu-4711"), held("S3", DEVICE)]
    for reached in (Holdings(), Holdings(users=frozenset({"ana@x.com", "gone@x.com"}),
                                         devices=frozenset({"S3"}))):
        rule = pending_reclaims(lics, directory_users=directory, reached=reached)
        assert {h.member for h in lics if pending_whatever_reach(h, folded)} == \
            rule.users | rule.devices == {"ana@x.com", "gone@x.com"}
    with pytest.raises(ValueError):
        pending_whatever_reach(held("S1", DEVICE, via=True), folded)
