"""The lease rules of `domain.leases`: staleness, the fence, the key, the figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vpp_tui.domain import leases as rules

NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def test_a_lease_is_free_when_nobody_holds_it_or_its_heartbeat_stopped() -> None:
    assert rules.is_free(None, None, NOW)
    assert rules.is_free("ana@h:1", NOW - timedelta(seconds=1), NOW)  # not renewed: dead
    assert rules.is_free("ana@h:1", NOW, NOW)
    assert rules.is_free("ana@h:1", None, NOW)
    assert not rules.is_free("ana@h:1", NOW + timedelta(seconds=1), NOW)


def test_every_acquisition_moves_the_fence_on() -> None:
    assert rules.next_fence(None) == 1
    assert rules.next_fence(41) == 42


def test_duplicate_tokens_share_their_location_lease() -> None:
    assert rules.lease_key("2049", 1) == rules.lease_key("2049", 2) == "location:2049"
    assert rules.lease_key(None, 3) == "token:3"


def test_lease_figures_live_in_one_place() -> None:
    pace = rules.lease_timing()
    assert (pace.period, pace.renew_every, pace.wait) == (
        rules.LEASE_SECONDS, rules.LEASE_SECONDS / rules.RENEWALS_PER_PERIOD, rules.WAIT_SECONDS)
    short = rules.lease_timing(2, 0)
    assert (short.renew_every, short.wait) == (0.5, 0) and short.poll <= short.renew_every
    for bad in ((0, None), (-1, None), (None, -1)):
        with pytest.raises(ValueError):
            rules.lease_timing(*bad)


def test_lease_texts_name_the_holder_and_what_to_do() -> None:
    wait = rules.wait_expired_text("North", "bob@h:9", NOW, 600)
    assert "bob@h:9" in wait and "--break-lease" in wait and "2026-11-30 16:00:00" in wait
    assert "bob@h:9" in rules.busy_text("bob@h:9", NOW)
    assert rules.lost_text("North").startswith("lease lost")


def test_owner_host_is_the_host_and_pid_of_an_owner_name() -> None:
    from vpp_tui.domain.leases import owner_host

    assert owner_host("svc@host-b:4242:9f3a") == "host-b:4242"
    assert owner_host("nina@mac.local:77:0badf00d") == "mac.local:77"
    assert owner_host(None) == owner_host("") == ""
    assert owner_host("a name of another shape") == "a name of another shape"


def test_location_key_groups_a_location_s_tokens_and_keeps_an_unknown_one_apart():
    assert rules.location_key("2049025000431", 7) == "2049025000431"
    assert rules.location_key(None, 7) == "token:7"
    assert rules.location_key("", 7) == "token:7"
    assert rules.lease_key("2049025000431", 7) == "location:2049025000431"  # not the same key
