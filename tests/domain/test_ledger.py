"""The ledger rule: local license rows against Apple's assignments of one location asset."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vpp_tui.domain.licensing import User
from vpp_tui.domain.licensing.ledger import (
    ApplePicture,
    Holder,
    LedgerRow,
    RowStatus,
    Verdict,
    apply_ledger,
    licensed_holders,
    pool_balanced,
    reconcile_ledger,
)
from vpp_tui.domain.licensing.model import AppleAccount, MemberKind, apple_accounts

U, D = MemberKind.USER, MemberKind.DEVICE


def row(row_id: int, status: str, *targets: str, kind: MemberKind = U) -> LedgerRow:
    return LedgerRow(row_id, kind, frozenset(targets), status)


def test_a_row_apple_holds_is_licensed_whatever_it_said_before() -> None:
    rows = [row(1, "failed", "c1"), row(2, "reclaimed", "c2"), row(3, "licensed", "c3")]
    result = reconcile_ledger(rows, ApplePicture.full({Holder(U, "c1"), Holder(U, "c2"),
                                                       Holder(U, "c3")}))
    assert {c.row_id: c.status for c in result.changes} == {1: "licensed", 2: "licensed"}
    assert result.verdicts == {1: Verdict.LICENSED, 2: Verdict.LICENSED, 3: Verdict.LICENSED}


def test_full_read_reclaims_licensed_rows_apple_no_longer_holds() -> None:
    rows = [row(1, "licensed", "c1"), row(2, "pending", "S1", kind=D)]
    result = reconcile_ledger(rows, ApplePicture.full(()))
    assert [(c.row_id, c.status) for c in result.changes] == [
        (1, RowStatus.RECLAIMED), (2, RowStatus.RECLAIMED)]


def test_delta_read_never_reclaims() -> None:
    rows = [row(1, "licensed", "c1")]
    result = reconcile_ledger(rows, ApplePicture.delta({Holder(U, "c9")}))
    assert result.changes == () and result.verdicts[1] is Verdict.UNKNOWN
    assert result.orphans == (Holder(U, "c9"),)


def test_an_answer_about_a_target_reclaims_only_that_target() -> None:
    rows = [row(1, "licensed", "c1"), row(2, "licensed", "c2")]
    picture = ApplePicture(frozenset(), frozenset({Holder(U, "c1")}))
    result = reconcile_ledger(rows, picture)
    assert [(c.row_id, c.status) for c in result.changes] == [(1, RowStatus.RECLAIMED)]


def test_waitlisted_member_apple_holds_becomes_licensed_never_both() -> None:
    rows = [row(1, "waitlisted", "c1"), row(2, "waitlisted", "c2")]
    result = reconcile_ledger(rows, ApplePicture.full({Holder(U, "c1")}))
    assert result.verdicts == {1: Verdict.LICENSED, 2: Verdict.WAITLISTED}
    assert [(c.row_id, c.status) for c in result.changes] == [(1, RowStatus.LICENSED)]


def test_rows_match_apple_by_client_user_id_or_serial_not_by_member_name() -> None:
    # The console wrote the row under a UPN; Apple only knows the clientUserId.
    rows = [row(1, "licensed", "cid-of-ana"), row(2, "licensed", "SER1", kind=D)]
    picture = ApplePicture.full({Holder(U, "cid-of-ana"), Holder(D, "SER1")})
    result = reconcile_ledger(rows, picture)
    assert result.changes == () and result.orphans == ()


def test_rows_of_every_token_of_the_location_are_confirmed_together() -> None:
    # Token A's sync sees what token B assigned: B's rows are Apple's too.
    rows_a = [row(1, "licensed", "c1")]
    rows_b = [row(2, "licensed", "c2"), row(3, "licensed", "S2", kind=D)]
    held = {Holder(U, "c1"), Holder(U, "c2"), Holder(D, "S2")}
    result = reconcile_ledger(rows_a + rows_b, ApplePicture.full(held))
    assert result.changes == () and result.orphans == ()


def test_assignment_no_row_explains_is_an_orphan() -> None:
    result = reconcile_ledger([row(1, "licensed", "c1")],
                              ApplePicture.full({Holder(U, "c1"), Holder(D, "S9")}))
    assert result.orphans == (Holder(D, "S9"),)


def test_a_user_with_two_apple_users_is_licensed_by_either() -> None:
    rows = [row(1, "licensed", "managed-cid", "personal-cid")]
    result = reconcile_ledger(rows, ApplePicture.full({Holder(U, "personal-cid")}))
    assert result.changes == () and result.orphans == ()


def test_personal_and_managed_apple_id_make_two_apple_users_and_cost_two() -> None:
    assert apple_accounts("a@appleid.x", True) == (AppleAccount.MANAGED, AppleAccount.PERSONAL)
    assert apple_accounts("a@appleid.x", False) == (AppleAccount.MANAGED,)
    assert apple_accounts(None, True) == (AppleAccount.PERSONAL,)
    both = User("a@x", managed_apple_id="a@appleid.x", personal_apple_id=True)
    assert both.license_cost == len(both.apple_accounts) == 2


def test_used_plus_available_is_total() -> None:
    assert pool_balanced(10, 4, 6) and not pool_balanced(10, 4, 5)
    assert pool_balanced(0, 45, 0, unlimited=True)


# --- properties -----------------------------------------------------------------------

TARGETS = ["c1", "c2", "c3", "c4", "S1", "S2", "S3"]
holder_st = st.sampled_from(TARGETS).map(
    lambda t: Holder(D if t.startswith("S") else U, t))
status_st = st.sampled_from([s.value for s in RowStatus])


@st.composite
def rows_st(draw) -> list[LedgerRow]:  # noqa: ANN001
    targets = draw(st.lists(st.sampled_from(TARGETS), unique=True, max_size=len(TARGETS)))
    return [LedgerRow(i + 1, D if t.startswith("S") else U, frozenset({t}), draw(status_st))
            for i, t in enumerate(targets)]


@settings(max_examples=200, deadline=None)
@given(rows_st(), st.frozensets(holder_st))
def test_property_full_picture_makes_local_licensed_equal_apple(rows, held) -> None:
    after = apply_ledger(rows, reconcile_ledger(rows, ApplePicture.full(held)))
    assert licensed_holders(after, held) == held


@settings(max_examples=200, deadline=None)
@given(rows_st(), st.frozensets(holder_st), st.booleans())
def test_property_ledger_is_idempotent(rows, held, full) -> None:
    picture = ApplePicture.full(held) if full else ApplePicture.delta(held)
    once = apply_ledger(rows, reconcile_ledger(rows, picture))
    again = reconcile_ledger(once, picture)
    assert again.changes == () and again.orphans == ()


@settings(max_examples=200, deadline=None)
@given(rows_st(), st.frozensets(holder_st), st.booleans())
def test_property_nobody_is_both_licensed_and_waitlisted(rows, held, full) -> None:
    picture = ApplePicture.full(held) if full else ApplePicture.delta(held)
    after = apply_ledger(rows, reconcile_ledger(rows, picture))
    for r in after:
        if r.holders & held:
            assert r.status == RowStatus.LICENSED
    waiting = {h for r in after if r.status == RowStatus.WAITLISTED for h in r.holders}
    licensed = {h for r in after if r.status == RowStatus.LICENSED for h in r.holders}
    assert not waiting & licensed


@settings(max_examples=200, deadline=None)
@given(rows_st(), st.frozensets(holder_st))
def test_property_delta_never_reclaims(rows, held) -> None:
    result = reconcile_ledger(rows, ApplePicture.delta(held))
    assert all(c.status == RowStatus.LICENSED for c in result.changes)
