"""domain.reconcile: each class of issue 12's reconciliation, one rule per test."""

from __future__ import annotations

from vpp_tui.domain.licensing import (
    Device,
    Group,
    GroupKind,
    Intent,
    Item,
    LicenseType,
    MemberKind,
    ProductType,
    User,
)
from vpp_tui.domain.reconcile import (
    Directory,
    Discrepancy,
    HeldRow,
    Intention,
    ItemKey,
    NotHeld,
    Why,
    reconcile,
)

APP = Item("100", name="Maps")
BOOK = Item("200", ProductType.BOOK, name="Guide")
LOC = "loc-1"
KEY = ItemKey(LOC, "100", "STDQ")
USER, DEVICE = MemberKind.USER, MemberKind.DEVICE
_ids = iter(range(1, 10_000))


def held(member: str, kind: MemberKind = USER, *, key: ItemKey = KEY, item: Item = APP,
         target: str | None = None, **kw) -> HeldRow:  # noqa: ANN003
    return HeldRow(next(_ids), 1, "North", key, kind, member, target or f"cid-{member}", item,
                   **kw)


DIRECTORY = Directory({"ana@x.org": True, "bo@x.org": True, "cy@x.org": False},
                      {"S1": True, "S2": False})


def _classes(result, discrepancy: Discrepancy) -> list[tuple[str, Why]]:  # noqa: ANN001
    return [(f.member, f.why) for f in result.of(discrepancy)]


def test_foreign_client_user_is_an_id_not_made_here_that_no_directory_user_stands_for():
    result = reconcile([held("kiosk@other.org", created_here=False),
                        held("ana@x.org", created_here=False)], [], [], DIRECTORY)
    # Another MDM's id for a directory person is that person's (adopted), not foreign.
    assert _classes(result, Discrepancy.FOREIGN_CLIENT_USER) == [
        ("kiosk@other.org", Why.OTHER_MDM)]
    assert result.counts["foreign_client_user"] == 1


def test_departed_user_is_inactive_gone_from_the_directory_or_retired_at_apple():
    result = reconcile([held("cy@x.org"), held("gone@x.org"),
                        held("ana@x.org", apple_user_status="Retired")], [], [], DIRECTORY)
    assert sorted(_classes(result, Discrepancy.DEPARTED_USER)) == [
        ("ana@x.org", Why.APPLE_USER_RETIRED), ("cy@x.org", Why.INACTIVE),
        ("gone@x.org", Why.NOT_IN_DIRECTORY)]


def test_unmanaged_device_is_a_serial_unknown_or_no_longer_managed():
    result = reconcile([held("S1", DEVICE), held("S2", DEVICE), held("S9", DEVICE)], [], [],
                       DIRECTORY)
    assert sorted(_classes(result, Discrepancy.UNMANAGED_DEVICE)) == [
        ("S2", Why.NOT_MANAGED), ("S9", Why.NOT_IN_DIRECTORY)]


def test_duplicate_license_lists_the_second_edition_and_keeps_the_standard_one():
    plus = ItemKey(LOC, "100", "PLUS")
    other_location = ItemKey("loc-2", "100", "PLUS")
    result = reconcile([held("ana@x.org"), held("ana@x.org", key=plus),
                        held("bo@x.org", key=other_location), held("bo@x.org")],
                       [], [], DIRECTORY)
    found = result.of(Discrepancy.DUPLICATE_LICENSE)
    assert [(f.member, f.key.pricing_param, f.also) for f in found] == [
        ("ana@x.org", "PLUS", "STDQ (North)")]


def _teachers(*upns: str) -> Intention:
    group = Group("Teachers", GroupKind.USER,
                  users=tuple(User(u, active=DIRECTORY.users.get(u, True)) for u in upns))
    return Intention(1, "North", KEY, APP, group, Intent.REQUIRED, LicenseType.USER)


def test_intended_not_held_is_failed_waitlisted_or_never_sent_by_the_licensing_rule():
    intent = _teachers("ana@x.org", "bo@x.org", "dee@x.org", "cy@x.org")
    waiting = NotHeld(7, KEY, USER, "bo@x.org", "waitlisted")
    failed = NotHeld(8, KEY, USER, "dee@x.org", "failed")
    result = reconcile([held("ana@x.org")], [waiting, failed], [intent],
                       Directory({**DIRECTORY.users, "dee@x.org": True}, {}))
    # cy@x.org is inactive: the licensing rule skips them, so they are not intended.
    assert sorted(_classes(result, Discrepancy.INTENDED_NOT_HELD)) == [
        ("bo@x.org", Why.WAITLISTED), ("dee@x.org", Why.FAILED)]
    never = reconcile([], [], [_teachers("bo@x.org")], DIRECTORY)
    assert _classes(never, Discrepancy.INTENDED_NOT_HELD) == [("bo@x.org", Why.NEVER_SENT)]


def test_held_not_intended_is_a_holder_no_assignment_licenses_or_a_removed_one():
    intent = _teachers("ana@x.org")
    result = reconcile([held("ana@x.org"), held("bo@x.org", via_assignment=True)], [],
                       [intent], DIRECTORY)
    assert _classes(result, Discrepancy.HELD_NOT_INTENDED) == [
        ("bo@x.org", Why.LEFT_ASSIGNED_GROUPS)]
    kept = reconcile([held("bo@x.org", from_console=True), held("ana@x.org")], [], [],
                     DIRECTORY)
    # No assignment of the item is left: the console's license was kept on removal; a
    # license found at Apple for an item the console never assigned is not judged.
    assert _classes(kept, Discrepancy.HELD_NOT_INTENDED) == [
        ("bo@x.org", Why.ASSIGNMENT_REMOVED)]


def test_device_licensing_intends_the_devices_not_the_users():
    ipad = Device("S1")
    group = Group("Staff", GroupKind.USER, users=(User("ana@x.org", devices=(ipad,)),))
    intent = Intention(1, "North", KEY, APP, group, Intent.REQUIRED, LicenseType.DEVICE)
    result = reconcile([held("S1", DEVICE), held("ana@x.org")], [], [intent], DIRECTORY)
    assert _classes(result, Discrepancy.HELD_NOT_INTENDED) == [
        ("ana@x.org", Why.NOT_ASSIGNED)]
    assert result.of(Discrepancy.INTENDED_NOT_HELD) == []


def test_a_holder_is_in_one_holder_class_first_match_wins_and_every_class_is_counted():
    result = reconcile([held("kiosk@other.org", created_here=False,
                             apple_user_status="Retired")], [], [_teachers()], DIRECTORY)
    assert [f.discrepancy for f in result.findings] == [Discrepancy.FOREIGN_CLIENT_USER]
    assert list(result.counts) == [
        "unmanaged_device", "departed_user", "foreign_client_user", "duplicate_license",
        "intended_not_held", "held_not_intended"]
    assert BOOK.is_book  # books are classed like apps; the reclaim keeps them


def test_reconcile_of_some_classes_is_the_full_answer_in_those_classes():
    """Fault (issue 13): a reclaim of one class built every class (duplicates, who holds
    nothing) before picking its own: `only` judges just the classes asked, and gives
    exactly the findings the full answer has in them."""
    plus = ItemKey(LOC, "100", "PLUS")
    rows = [held("kiosk@other.org", created_here=False), held("cy@x.org"),
            held("S2", DEVICE), held("bo@x.org", via_assignment=True), held("ana@x.org"),
            held("ana@x.org", key=plus, target="cid-ana-2")]
    not_held = [NotHeld(9, KEY, USER, "dee@x.org", "failed")]
    directory = Directory({**DIRECTORY.users, "dee@x.org": True}, DIRECTORY.devices)
    intents = [_teachers("ana@x.org", "dee@x.org")]
    full = reconcile(rows, not_held, intents, directory)
    assert all(full.counts.values())  # every class has a finding to compare
    asked = [{d} for d in Discrepancy] + [{Discrepancy.DEPARTED_USER,
                                           Discrepancy.DUPLICATE_LICENSE}]
    for only in asked:
        part = reconcile(rows, not_held, intents, directory, only=only)
        assert part.findings == tuple(f for f in full.findings if f.discrepancy in only)
        assert part.counts == {str(d): full.counts[str(d)] for d in Discrepancy
                               if d in only}


def test_judged_rows_held_not_intended_needs_only_assigned_items_and_the_consoles_rows():
    """Rule (issue 12, rule 4; issue 13): asked for `held_not_intended` alone, only the
    rows of items with assignments and those the console gave can be found, so a store
    may read just those (`judged_rows`) and the answer is the same."""
    from vpp_tui.domain.reconcile import judged_rows

    other = ItemKey(LOC, "300", "STDQ")
    rows = [held("ana@x.org"), held("bo@x.org", via_assignment=True),
            held("cy@x.org", key=other), held("zed@x.org", key=other, from_console=True),
            held("S9", DEVICE, key=other), held("bo@x.org", key=other, via_assignment=True)]
    intents = [_teachers("ana@x.org")]
    only = {Discrepancy.HELD_NOT_INTENDED}
    assert judged_rows(only) == "intended_or_console"
    assert judged_rows(None) == judged_rows({Discrepancy.DEPARTED_USER, *only}) == "every"
    kept = [r for r in rows if r.key in {i.key for i in intents} or r.from_console]
    full = reconcile(rows, [], intents, DIRECTORY, only=only)
    assert full.findings and full.findings == reconcile(kept, [], intents, DIRECTORY,
                                                        only=only).findings
