"""Apple's notifications reach the ledger without a sync (apple-api.md §8): registering the
URL is a token setting; the receiver checks the bearer, records each notification once, and
applies it. In-process: the simulator's notifier posts straight into `notifications.receive`
and tests await it with `drain()` (no sleeps, no sockets)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.services.licensing_helpers import NORTH, NORTH_UID, asset, licenses_of, north
from tests.services.test_tokens import add
from tests.services.test_waitlist import ITEM, _doc
from vpp_tui.services import audit, licensing, notifications, sync
from vpp_tui.services.access import AccessDenied
from vpp_tui.services.errors import InvalidInput, ServiceError
from vpp_tui.simulator.notify import Notifier
from vpp_tui.store import models as m

URL = "https://mdm.example.com/vpp/notify"


def _wire(world) -> list[notifications.Receipt]:
    """The simulator posts into the receiving service; returns the receipts, in order."""
    receipts: list[notifications.Receipt] = []

    def post(url: str, headers: dict[str, str], body: bytes) -> int:
        receipt = notifications.receive(world.ctx, headers.get("Authorization"), body)
        receipts.append(receipt)
        return receipt.status

    world.sim.notifier = Notifier(post=post, delays=())
    return receipts


def _stored(world) -> list[m.Notification]:
    with world.ctx.store.session() as s:
        return list(s.exec(select(m.Notification).order_by(m.Notification.id)).all())


def _envelope(kind: str, body: dict, nid: str = "n-1") -> bytes:
    return json.dumps({"notification": body, "notificationId": nid,
                       "notificationType": kind, "uId": NORTH_UID}).encode()


def _registered(world) -> tuple[list[notifications.Receipt], str]:
    """North Campus added, synced, registered; returns the receipts and its bearer."""
    receipts = _wire(world)
    notifications.register(world.ctx, NORTH, URL)
    bearer = world.sim.location(NORTH_UID).notification_auth_token
    return receipts, f"Bearer {bearer}"


def test_registering_the_url_sends_it_to_apple_and_apple_tests_it(world) -> None:
    add(world, NORTH)
    receipts, _bearer = _registered(world)
    loc = world.sim.location(NORTH_UID)
    assert loc.notification_url == URL
    assert set(loc.notification_types) == {"ASSET_MANAGEMENT", "ASSET_COUNT",
                                          "USER_MANAGEMENT", "USER_ASSOCIATED"}
    assert [(r.status, r.notification_type) for r in receipts] == [(200, "TEST_NOTIFICATION")]
    [row] = _stored(world)
    assert row.notification_type == "TEST_NOTIFICATION"
    actions = [e.action for e in audit.list_entries(world.ctx, limit=5)]
    assert "token.notifications" in actions and "notification.test" in actions


def test_the_store_keeps_only_the_digest_of_the_notification_secret(sqlite_world) -> None:
    world = sqlite_world
    add(world, NORTH)
    _receipts, bearer = _registered(world)
    with world.ctx.store.session() as s:
        token = s.exec(select(m.Token).where(m.Token.name == NORTH)).one()
    secret = bearer.removeprefix("Bearer ")
    assert token.notification_url == URL and secret not in repr(token.model_dump())


def test_unreachable_url_is_refused_and_the_setting_is_unchanged(sqlite_world) -> None:
    world = sqlite_world
    add(world, NORTH)
    world.sim.notifier = Notifier(post=lambda *_a: 503, delays=())
    with pytest.raises(ServiceError, match="9728"):
        notifications.register(world.ctx, NORTH, URL)
    with world.ctx.store.session() as s:
        token = s.exec(select(m.Token).where(m.Token.name == NORTH)).one()
    assert (token.notification_url, token.notification_token_sha256) == (None, None)
    assert world.sim.location(NORTH_UID).notification_url is None


BAD_URLS = ["http://mdm.example.com/n", "https://mdm.example.com/n?a=1",
            "https://" + "m" * 520, "", "notaurl"]


def test_bad_notification_url_is_refused_before_anything_is_touched(sqlite_world) -> None:
    world = sqlite_world
    add(world, NORTH)
    seen = world.transport.count
    for url in BAD_URLS:
        with pytest.raises(InvalidInput):
            notifications.register(world.ctx, NORTH, url)
    assert world.transport.count == seen and _stored(world) == []


def test_an_admin_without_token_update_cannot_register(sqlite_world) -> None:
    world = sqlite_world
    add(world, NORTH)
    world.ctx.actor = "mallory"
    seen = world.transport.count
    with pytest.raises(AccessDenied):
        notifications.register(world.ctx, NORTH, URL)
    assert world.transport.count == seen


def test_wrong_or_missing_bearer_is_401_and_nothing_is_recorded(sqlite_world) -> None:
    world = sqlite_world
    add(world, NORTH)
    _registered(world)
    body = _envelope("TEST_NOTIFICATION", {}, "other")
    for header in (None, "Bearer wrong", "Basic abc", "Bearer "):
        assert notifications.receive(world.ctx, header, body).status == 401
    assert len(_stored(world)) == 1  # only Apple's own test


def test_a_body_that_is_no_notification_is_400(sqlite_world) -> None:
    world = sqlite_world
    add(world, NORTH)
    _receipts, bearer = _registered(world)
    for body in (b"not json", b"[]", json.dumps({"notificationId": "x"}).encode(),
                 _envelope("NOT_A_TYPE", {})):
        assert notifications.receive(world.ctx, bearer, body).status == 400


def test_a_notification_about_another_location_is_400(sqlite_world) -> None:
    world = sqlite_world
    add(world, NORTH)
    _receipts, bearer = _registered(world)
    body = json.dumps({"notification": {}, "notificationId": "x",
                       "notificationType": "TEST_NOTIFICATION", "uId": "999"}).encode()
    assert notifications.receive(world.ctx, bearer, body).status == 400


def test_the_same_notification_twice_is_applied_once(world) -> None:
    add(world, NORTH)
    sync.sync_token(world.ctx, NORTH)
    _receipts, bearer = _registered(world)
    item = asset(world, ITEM)
    body = _envelope("ASSET_COUNT", {"adamId": item.adam_id, "countDelta": 3,
                                     "pricingParam": item.pricing_param}, "dup")
    first = notifications.receive(world.ctx, bearer, body)
    again = notifications.receive(world.ctx, bearer, body)
    assert (first.status, again.status, again.duplicate) == (200, 200, True)
    assert asset(world, ITEM).total == item.total + 3


def test_asset_management_sets_the_event_status_in_the_audit(world) -> None:
    add(world, NORTH)
    _receipts, bearer = _registered(world)
    with world.ctx.store.session() as s:
        audit.record(s, world.ctx, "license.associate", NORTH, apple_event_id="ev-1",
                     apple_event_status="PENDING")
    body = _envelope("ASSET_MANAGEMENT", {
        "assignments": [{"adamId": "1", "pricingParam": "STDQ", "serialNumber": "S1"}],
        "eventId": "ev-1", "result": "SUCCESS", "type": "ASSOCIATE"})
    assert notifications.receive(world.ctx, bearer, body).status == 200
    statuses = {e.action: e.apple_event_status for e in audit.list_entries(world.ctx, limit=5)
                if e.apple_event_id == "ev-1"}
    assert statuses == {"license.associate": "COMPLETE",
                        "notification.asset_management": "COMPLETE"}


def test_a_failure_part_of_an_event_makes_it_failed_and_success_does_not_undo_it(world):
    add(world, NORTH)
    _receipts, bearer = _registered(world)
    with world.ctx.store.session() as s:
        audit.record(s, world.ctx, "license.associate", NORTH, apple_event_id="ev-2",
                     apple_event_status="PENDING")
    failed = {"assignments": [{"adamId": "1", "serialNumber": "S2"}], "eventId": "ev-2",
              "error": {"errorNumber": 9709, "errorMessage": "not enough"},
              "result": "FAILURE", "type": "ASSOCIATE"}
    notifications.receive(world.ctx, bearer, _envelope("ASSET_MANAGEMENT", failed, "a"))
    notifications.receive(world.ctx, bearer, _envelope(
        "ASSET_MANAGEMENT", {**failed, "result": "SUCCESS", "error": None}, "b"))
    [entry] = [e for e in audit.list_entries(world.ctx, limit=10)
               if e.action == "license.associate"]
    assert entry.apple_event_status == "FAILED"


def test_an_assignment_s_asset_management_arrives_from_the_simulator(world) -> None:
    north(world, _doc({"Few": 2}))
    receipts, _bearer = _registered(world)
    result = licensing.apply_assign(world.ctx, "Star Chart", "Few", "available", "user")
    world.sim.notifier.drain()
    assert result.licensed == 2
    kinds = [r.notification_type for r in receipts]
    assert "ASSET_MANAGEMENT" in kinds and all(r.status == 200 for r in receipts)
    events = {e.apple_event_id for e in audit.list_entries(world.ctx, limit=20)
              if e.action == "notification.asset_management"}
    assert events and events <= {e.apple_event_id for e in audit.list_entries(
        world.ctx, limit=50) if e.action.startswith("license.")}


def test_a_purchase_s_asset_count_updates_counts_and_serves_the_waitlist_before_sync(world):
    north(world, _doc())
    result = licensing.apply_assign(world.ctx, ITEM, "Waiters", "available", "user")
    order = [o.member for o in result.members]
    _registered(world)
    world.sim.purchase(NORTH, asset(world, ITEM).adam_id, 5)
    world.sim.notifier.drain()
    row = asset(world, ITEM)
    assert (row.total, row.assigned, row.available) == (45, 45, 0)
    licensed = {r.member for r in licenses_of(world, ITEM)
                if r.status == "licensed" and r.source == "console"}
    assert licensed == set(order[:5])
    [count] = [n for n in _stored(world) if n.notification_type == "ASSET_COUNT"]
    assert "5 licensed, 4 still waiting" in (count.outcome or "")


def test_user_associated_updates_the_user_without_a_sync(world) -> None:
    north(world)
    with world.ctx.store.session() as s:
        user = s.exec(select(m.AppleUser).join(m.Token).where(
            m.Token.name == NORTH, m.AppleUser.status == "Registered")).first()
    assert user is not None
    _registered(world)
    world.sim.accept_invitation(NORTH, user.client_user_id)
    world.sim.notifier.drain()
    with world.ctx.store.session() as s:
        after = s.get(m.AppleUser, user.id)
    assert after.status == "Associated" and after.id_hash and after.invite_code is None


def test_receiving_is_not_blocked_by_a_token_without_notifications(sqlite_world) -> None:
    world = sqlite_world
    add(world, NORTH)
    add(world, "South Campus")
    _receipts, bearer = _registered(world)
    assert notifications.receive(world.ctx, bearer, _envelope(
        "TEST_NOTIFICATION", {}, "t2")).token == NORTH


def test_listen_answers_apple_before_applying_and_keeps_a_failed_apply_for_retry(
        sqlite_world, monkeypatch) -> None:  # noqa: ANN001
    """Fault: `listen` applied a notification inside Apple's HTTP request; it now records
    it and answers 200 (`accept`), applies it afterwards (`apply_pending`), and a failed
    apply leaves it recorded, unapplied, for the next try."""
    from vpp_tui.services.notifications import apply as applying

    world = sqlite_world
    add(world, NORTH)
    sync.sync_token(world.ctx, NORTH)
    _receipts, bearer = _registered(world)
    item = asset(world, ITEM)
    body = _envelope("ASSET_COUNT", {"adamId": item.adam_id, "countDelta": 3,
                                     "pricingParam": item.pricing_param}, "later")
    answer = notifications.accept(world.ctx, bearer, body)
    assert answer.status == 200
    assert asset(world, ITEM).total == item.total  # not applied inside the request
    real = applying._HANDLERS["ASSET_COUNT"]

    def broken(*args):  # noqa: ANN002, ANN202
        raise RuntimeError("database went away")

    monkeypatch.setitem(applying._HANDLERS, "ASSET_COUNT", broken)
    assert [r.status for r in notifications.apply_pending(world.ctx)] == [500]
    assert asset(world, ITEM).total == item.total
    [row] = [n for n in _stored(world) if n.notification_id == "later"]
    assert row.applied_at is None  # kept for retry
    monkeypatch.setitem(applying._HANDLERS, "ASSET_COUNT", real)
    assert [r.status for r in notifications.apply_pending(world.ctx)] == [200]
    assert asset(world, ITEM).total == item.total + 3
    assert notifications.apply_pending(world.ctx) == []


def test_empty_notification_url_in_token_settings_stops_notifications_and_clears_it(
        world) -> None:
    """Fault: an empty URL was refused ("the notification URL is empty"): a token's
    notifications could be set but never stopped. Now Apple is told to send no type and
    the URL and the secret's digest are forgotten (a late POST with the old bearer: 401)."""
    from vpp_tui.services import tokens

    add(world, NORTH)
    _receipts, bearer = _registered(world)
    view = tokens.update_settings(world.ctx, NORTH, notification_url="  ")
    assert view.notification_url is None
    assert world.sim.location(NORTH_UID).notification_types == []
    with world.ctx.store.session() as s:
        token = s.exec(select(m.Token).where(m.Token.name == NORTH)).one()
    assert (token.notification_url, token.notification_token_sha256) == (None, None)
    late = _envelope("ASSET_COUNT", {}, "late")
    assert notifications.receive(world.ctx, bearer, late).status == 401
    [entry] = [e for e in audit.list_entries(world.ctx, limit=3)
               if e.action == "token.notifications"][:1]
    assert "stopped" in (entry.detail or "")


def test_clearing_a_notification_url_never_set_sends_nothing_to_apple(sqlite_world) -> None:
    from vpp_tui.services import tokens

    world = sqlite_world
    add(world, NORTH)
    seen = world.transport.count
    tokens.update_settings(world.ctx, NORTH, notification_url="")
    assert world.transport.count == seen
