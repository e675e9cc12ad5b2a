"""Properties of the license plan that hold for any group, pool and holdings."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from vpp_tui.domain.licensing import (
    Device,
    Enrollment,
    Group,
    GroupKind,
    Holdings,
    Intent,
    Item,
    LicenseType,
    Outcome,
    Platform,
    Pool,
    User,
    plan_assignment,
)

APP = Item("1", name="App")
JAN = datetime(2020, 1, 1)

device_st = st.builds(
    Device,
    serial=st.text("ABC123", min_size=1, max_size=4),
    platform=st.sampled_from(list(Platform)),
    enrollment=st.sampled_from(list(Enrollment)),
    managed=st.booleans(),
    primary_user=st.sampled_from([None, "a@x.com", "b@x.com", "c@x.com"]),
    enrolled_at=st.one_of(st.none(), st.integers(0, 5).map(lambda d: JAN + timedelta(d))),
)
user_st = st.builds(
    User,
    upn=st.sampled_from(["a@x.com", "B@x.com", "b@x.com", "c@x.com", "d@x.com"]),
    managed_apple_id=st.sampled_from([None, "m"]),
    personal_apple_id=st.booleans(),
    active=st.booleans(),
    devices=st.lists(device_st, max_size=3).map(tuple),
)
group_st = st.one_of(
    st.lists(device_st, max_size=30).map(
        lambda ds: Group("d", GroupKind.DEVICE, devices=tuple(ds))),
    st.lists(user_st, max_size=15).map(
        lambda us: Group("u", GroupKind.USER, users=tuple(us))),
)
held_st = st.builds(
    Holdings,
    users=st.frozensets(st.sampled_from(["a@x.com", "b@x.com"])),
    devices=st.frozensets(st.text("ABC123", min_size=1, max_size=4), max_size=5),
)


def _plan(group: Group, license_type: LicenseType, available: int, held: Holdings):
    return plan_assignment(APP, group, Intent.REQUIRED, license_type, pool=Pool(available),
                           holdings=held)


@settings(max_examples=150, deadline=None)
@given(group_st, st.sampled_from(list(LicenseType)), st.integers(0, 20), held_st)
def test_every_member_gets_exactly_one_outcome(group, license_type, available, held) -> None:
    plan = _plan(group, license_type, available, held)
    assert (plan.licensed + plan.failed + plan.already_licensed + plan.skipped
            + plan.reclaimed) == len(plan.members)
    assert plan.reclaimed == 0


@settings(max_examples=150, deadline=None)
@given(group_st, st.sampled_from(list(LicenseType)), st.integers(0, 20), held_st)
def test_never_more_licenses_used_than_available(group, license_type, available, held) -> None:
    plan = _plan(group, license_type, available, held)
    assert plan.consumed <= available
    assert plan.consumed == sum(m.licenses for m in plan.members
                                if m.outcome is Outcome.LICENSED)
    sent = sum(op.size for op in plan.operations)
    assert sent <= plan.consumed


@settings(max_examples=100, deadline=None)
@given(group_st, st.sampled_from(list(LicenseType)), st.integers(0, 20), held_st,
       st.randoms(use_true_random=False))
def test_plan_is_the_same_whatever_order_the_directory_returns_members(
    group, license_type, available, held, rnd: random.Random
) -> None:
    users, devices = list(group.users), list(group.devices)
    rnd.shuffle(users)
    rnd.shuffle(devices)
    shuffled = Group(group.name, group.kind, users=tuple(users), devices=tuple(devices))
    first = _plan(group, license_type, available, held)
    again = _plan(shuffled, license_type, available, held)
    # Duplicated ids may keep a different record; compare the unambiguous groups only.
    ids = [u.upn for u in group.users] + [d.serial for d in group.devices]
    if len(ids) == len(set(ids)):
        assert first.members == again.members
        assert first.operations == again.operations
