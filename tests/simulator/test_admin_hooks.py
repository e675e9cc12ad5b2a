"""Admin hooks the ledger machine needs: a renewal, and Apple still reporting the old expiry."""

from __future__ import annotations

from datetime import timedelta

from tests.simulator.conftest import Caller, bearer_of
from vpp_tui.apple.stoken import decode_token, parse_exp_date
from vpp_tui.simulator.core import Simulator

NORTH = "North Campus"


def test_renewal_issues_a_new_file_for_the_same_location(sim, clock) -> None:
    old = bearer_of(sim, NORTH)
    record = sim.issue_token(NORTH, expires_in_days=365, revoke_older=False)
    assert decode_token(record.content).expires_at == record.expires_at
    body = Caller(sim, record.content).ok("GET", "/client/config")
    assert body["uId"] == sim.location(NORTH).uid
    assert parse_exp_date(body["tokenExpirationDate"]) == record.expires_at
    assert record.expires_at - clock.now() > timedelta(days=364)
    assert Caller(sim, old).ok("GET", "/client/config")["uId"] == body["uId"]


def test_renewal_can_keep_reporting_the_old_expiry(sim) -> None:
    old = sim.token_for_bearer(bearer_of(sim, NORTH))
    assert old is not None
    record = sim.issue_token(NORTH, expires_in_days=365, revoke_older=False,
                             report_old_expiry=True)
    body = Caller(sim, record.content).ok("GET", "/client/config")
    assert parse_exp_date(body["tokenExpirationDate"]) == old.expires_at
    assert decode_token(record.content).expires_at > old.expires_at


def test_renewal_with_revoke_old_stops_the_earlier_files(sim) -> None:
    old = bearer_of(sim, NORTH)
    record = sim.issue_token(NORTH, revoke_older=True)
    assert Caller(sim, old).error("GET", "/client/config") == (401, 9625)
    assert Caller(sim, record.content).ok("GET", "/client/config")


def test_reported_expiry_survives_save_and_load(sim, clock) -> None:
    record = sim.issue_token(NORTH, revoke_older=False, report_old_expiry=True)
    again = Simulator.from_dict(sim.to_dict(), clock)
    loaded = again.token_for_bearer(record.content)
    assert loaded is not None and loaded.reported_expires_at == record.reported_expires_at
    body = Caller(again, record.content).ok("GET", "/client/config")
    assert parse_exp_date(body["tokenExpirationDate"]) == record.reported_expires_at
