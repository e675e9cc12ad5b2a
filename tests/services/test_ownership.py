"""Issue 8, fault 1: once another MDM holds a location, no write reaches Apple for it.

Each test lets another MDM claim North Campus at the simulated Apple after the console
synced it, then runs one write path: the command fails (HeldByAnotherMdm is a
ServiceError, exit 1), no write reaches Apple, the token shows the owner, and it is audited.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlmodel import col, select

from tests.services.licensing_helpers import NORTH, NORTH_UID, licenses_of, north, sim_counts
from tests.services.test_tokens import add
from vpp_tui.services import licensing, ownership, sync, tokens
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.store import models as m

OWNER = "Jamf Pro"


class Recorder(httpx.BaseTransport):
    """Counts what reaches the simulator; `after(path, n, hook)` runs `hook` once the
    n-th request whose path ends with `path` has been answered."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[str, str]] = []
        self._hooks: list[tuple[str, int, Callable[[], None]]] = []

    def after(self, path: str, n: int, hook: Callable[[], None]) -> None:
        self._hooks.append((path, n, hook))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.seen.append((request.method, request.url.path))
        for path, n, hook in list(self._hooks):
            if self.count(path) == n:
                self._hooks.remove((path, n, hook))
                hook()
        return response

    def count(self, path: str, method: str | None = None) -> int:
        return sum(1 for meth, p in self.seen if p.endswith(path)
                   and (method is None or meth == method))

    def writes(self) -> list[str]:
        return [p for meth, p in self.seen if meth != "GET"]


def recorder(world) -> Recorder:
    rec = Recorder(world.transport.inner)
    world.transport.inner = rec
    return rec


def claim(world) -> None:
    world.sim.claim_by_other(NORTH_UID, OWNER, metadata="jamf.contoso.edu")


def assert_held(world, action: str) -> None:
    view = tokens.get_token(world.ctx, NORTH).token
    assert view.state == "assigned_to_external_mdm"
    assert view.external_mdm_name == OWNER and OWNER in view.state_reason
    with world.ctx.store.session() as s:
        # A refusal before anything is sent is "refused"; one that stopped work, "failed".
        entries = s.exec(select(m.AuditEntry).where(
            col(m.AuditEntry.result).in_(("failed", "refused")))).all()
    assert any(e.action == ownership.MARK_ACTION and OWNER in (e.detail or "")
               for e in entries)
    refused = [e for e in entries if e.action == action]
    assert refused and all(OWNER in (e.detail or "") for e in refused)


def refused(call: Callable[[], object]) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        call()
    assert not isinstance(info.value, InvalidInput)  # exit 1, not 2
    text = info.value.message
    assert OWNER in text and "take-control" in text and "\n" not in text
    return info.value


def test_assign_after_another_mdm_claims_is_refused(world):
    north(world)
    claim(world)
    rec = recorder(world)
    refused(lambda: licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads",
                                           "required", "device"))
    assert rec.writes() == []
    assert sim_counts(world, "Field Notes") == (0, 100)
    assert not [r for r in licenses_of(world, "Field Notes") if r.status == "licensed"]
    assert_held(world, "assignment.create")
    # Known now: the next attempt is refused before anything is sent at all.
    sent = len(rec.seen)
    refused(lambda: licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads",
                                           "required", "device"))
    assert len(rec.seen) == sent


def test_uninstall_assign_after_another_mdm_claims_is_refused(world):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    claim(world)
    rec = recorder(world)
    refused(lambda: licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads",
                                           "uninstall", "device"))
    assert rec.writes() == [] and sim_counts(world, "Star Chart") == (10, 25)
    assert_held(world, "assignment.create")


def test_unassign_after_another_mdm_claims_is_refused(world):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    claim(world)
    rec = recorder(world)
    refused(lambda: licensing.apply_unassign(world.ctx, "Star Chart", "Loaner iPads"))
    assert rec.writes() == [] and sim_counts(world, "Star Chart") == (10, 25)
    assert len([r for r in licenses_of(world, "Star Chart") if r.status == "licensed"]) == 10
    assert_held(world, "assignment.delete")


@pytest.mark.parametrize("by", ["item", "device"])
def test_revoke_after_another_mdm_claims_is_refused(world, by):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    serial = licenses_of(world, "Star Chart")[0].member
    claim(world)
    rec = recorder(world)
    who = {"item": "Star Chart"} if by == "item" else {"device": serial}
    refused(lambda: licensing.apply_revoke(world.ctx, **who))
    assert rec.writes() == [] and sim_counts(world, "Star Chart") == (10, 25)
    assert_held(world, "license.revoke")


def test_renew_after_another_mdm_claims_is_refused(world):
    north(world)
    claim(world)
    rec = recorder(world)
    with world.ctx.store.session() as s:
        before = s.exec(select(m.Token.secret_sha256).where(m.Token.name == NORTH)).one()
    refused(lambda: tokens.renew_token(world.ctx, NORTH, world.token_file(NORTH).content))
    assert rec.writes() == []
    with world.ctx.store.session() as s:
        assert s.exec(select(m.Token.secret_sha256).where(m.Token.name == NORTH)).one() \
            == before
    # A refused renewal changes nothing stored (admission); the refusal is audited.
    with world.ctx.store.session() as s:
        assert s.exec(select(m.AuditEntry).where(m.AuditEntry.action == "token.renew",
                                                 m.AuditEntry.result == "refused")).first()


def test_delete_revoke_licenses_after_another_mdm_claims_is_refused(world):
    north(world)
    licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required", "device")
    claim(world)
    rec = recorder(world)
    refused(lambda: tokens.delete_token(world.ctx, NORTH, revoke_licenses=True))
    assert rec.writes() == [] and sim_counts(world, "Star Chart") == (10, 25)
    assert tokens.get_token(world.ctx, NORTH).token.name == NORTH  # nothing was deleted
    assert_held(world, "license.revoke_all")
    # Known now: refused before reading anything from Apple.
    sent = len(rec.seen)
    refused(lambda: tokens.delete_token(world.ctx, NORTH, revoke_licenses=True))
    assert len(rec.seen) == sent
    assert_held(world, "token.delete")


def test_foreign_owner_mid_batch_stops_the_batch(world):
    north(world)
    world.sim.limits["maxSerialNumbers"] = 10  # 100 licenses: ten associate batches
    rec = recorder(world)
    # Another MDM claims the location right after Apple accepted the second batch: the
    # next answer (the third batch's, batches are sent before any event is awaited)
    # shows it; the rest is not sent.
    rec.after("/assets/associate", 2, lambda: claim(world))
    error = refused(lambda: licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads",
                                                   "required", "device"))
    assert "not sent" in error.message
    assert rec.count("/assets/associate") == 3
    assert rec.writes() == ["/mdm/v2/assets/associate"] * 3
    assert_held(world, "assignment.create")
    rows = licenses_of(world, "Field Notes")
    licensed = [r for r in rows if r.status == "licensed"]
    failed = [r for r in rows if r.status == "failed"]
    unconfirmed = [r for r in failed if "took the location" in (r.reason or "")]
    not_sent = [r for r in failed if (r.reason or "").startswith("not sent")]
    assert len(licensed) == 0  # no event was read before the claim
    assert len(unconfirmed) == 30 and all(r.apple_event_id for r in unconfirmed)
    assert len(not_sent) == 70
    # Known now: another write path is refused without a request.
    sent = len(rec.seen)
    refused(lambda: licensing.apply_unassign(world.ctx, "Field Notes", "Exam iPads"))
    assert len(rec.seen) == sent


def test_take_control_clears_the_foreign_owner_and_writes_resume(world):
    north(world)
    claim(world)
    refused(lambda: licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads",
                                           "required", "device"))
    view = tokens.take_control(world.ctx, NORTH)
    assert view.state == "valid" and view.external_mdm_name is None
    assert world.sim.location(NORTH_UID).mdm_info["name"] != OWNER
    result = licensing.apply_assign(world.ctx, "Star Chart", "Loaner iPads", "required",
                                    "device")
    assert result.error is None and result.licensed == 10
    assert sim_counts(world, "Star Chart") == (10, 25)
    assert sync.sync_token(world.ctx, NORTH).status == "completed"


def test_a_foreign_owner_marks_every_token_of_the_location(world):
    music = "Music Dept"  # two token files for one location: duplicates share the owner
    add(world, music, "Music A", index=0)
    add(world, music, "Music B", index=1)
    world.sim.claim_by_other(world.sim.location(music).uid, OWNER)
    with pytest.raises(ownership.HeldByAnotherMdm), \
            ownership.writes(world.ctx, "Music B", "license.revoke"):
        pytest.fail("the body must not run: the first answer showed another MDM")
    views = {v.name: v for v in tokens.list_tokens(world.ctx)}
    assert views["Music A"].external_mdm_name == OWNER
    assert views["Music B"].external_mdm_name == OWNER
    with pytest.raises(ownership.HeldByAnotherMdm):
        ownership.guard(world.ctx, "Music A", "license.revoke")
    tokens.take_control(world.ctx, "Music A")
    views = {v.name: v for v in tokens.list_tokens(world.ctx)}
    assert views["Music A"].external_mdm_name is None
    assert views["Music B"].external_mdm_name is None
    ownership.guard(world.ctx, "Music B", "license.revoke")
